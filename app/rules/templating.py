"""Clause templates: 【】 fill-in fields written as sandboxed Jinja2 expressions bound to contract fields.

A clause's text is ordinary text with fields such as ``【{{ total | yuan }}】元（大写：{{ total | rmb_upper }}）``.
Only expressions are allowed (no ``{% %}`` statements), inside Jinja2's immutable sandbox, so a hostile clause
can neither reach Python internals, change the contract, nor run forever:
- every operation is checked before it runs: arithmetic on whole numbers is refused when an operand or the
  predicted result has more than MAX_DIGITS digits (a power is never built to find out), repetition,
  concatenation, printf formatting and joins when the text they would build is longer than MAX_OUTPUT;
- only non-growing string methods and a list of Jinja2's filters can be called (no widths, no backtracking
  regular expressions), and the template sees the contract through read-only views;
- each step the sandbox sees (attribute, item, call, operator, filter, output) checks a deadline of
  RENDER_SECONDS, and since no single step can run long, neither can the whole render.
A blank value renders as 【　　】 and is reported.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import math
import os
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import CodeType, MappingProxyType
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, nodes
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.exceptions import SecurityError, TemplateAssertionError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app import __version__
from app.base.i18n import N_, _
from app.base.paths import cache_dir
from app.domain import Contract
from app.values.money import format_amount, format_plain, integer_upper, rmb_upper

#: What an unfilled field prints as: two full-width spaces between the brackets (【　　】).
BLANK = "\u3000\u3000"
MAX_OUTPUT = 100_000
MAX_REPEAT = 10_000
_EXPR = re.compile(r"\{\{(.*?)\}\}", re.S)
#: How Jinja2 words a misspelt name, attribute or filter (it names Python classes the clerk never saw).
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")
_UNKNOWN_FILTER = re.compile(r"^No filter named '([^']+)'")


class TemplateProblem(Exception):
    """A clause template that cannot be rendered; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Rendered:
    text: str
    blanks: list[str] = field(default_factory=list)  # source of each expression that came out blank


def _defined(value: Any) -> Any:
    """Make an unknown name in a filtered field fail with its name ("'totl' is undefined")."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _yuan(value: Any) -> str:
    value = _defined(value)
    return "" if value is None else format_plain(Decimal(value))


def _money(value: Any) -> str:
    value = _defined(value)
    return "" if value is None else format_amount(Decimal(value))


def _rmb_upper(value: Any) -> str:
    value = _defined(value)
    return "" if value is None else rmb_upper(Decimal(value))


def _upper(value: Any) -> str:
    value = _defined(value)
    return "" if value is None or value == "" else integer_upper(int(value))


def _cn_date(value: Any) -> str:
    value = _defined(value)
    if not isinstance(value, date):
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


FILTERS = {
    "yuan": _yuan,
    "money": _money,
    "rmb_upper": _rmb_upper,
    "upper": _upper,
    "cn_date": _cn_date,
}


class _ClauseEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with every operation bounded before it runs, and the time budget checked at each step."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    def call_binop(self, context, operator, left, right):  # type: ignore[override]
        _tick()
        _check_value(left)
        _check_value(right)
        _check_binop(operator, left, right)
        return _checked(super().call_binop(context, operator, left, right))

    def call_unop(self, context, operator, arg):  # type: ignore[override]
        _tick()
        return super().call_unop(context, operator, arg)

    def getattr(self, obj, attribute):  # type: ignore[override]
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):  # type: ignore[override]
        _tick()
        return super().getitem(obj, argument)

    def call(__self, __context, __obj, *args, **kwargs):  # type: ignore[override]
        _tick()
        _check_call(__obj, args, kwargs)
        return _checked(super().call(__context, __obj, *args, **kwargs))


# ------------------------------------------------------------------ bounds checked before an operation runs

#: The processor time one clause may take to render, whatever it holds (a real clause takes well under a
#: millisecond). Counted on this thread's clock less garbage collection, so a busy machine never fails a good
#: clause.
RENDER_SECONDS = 1.0
#: The largest whole number a clause may compute with (a power's result is predicted, never built).
MAX_DIGITS = 1000
_MAX_BITS = int(MAX_DIGITS * 3.33) + 1
#: How deep brackets and operations may nest in a clause's fill-ins (Python's compiler gives up past 200), and
#: how many parts (names, operators, filters) they may have in all: both bound the time to compile a clause.
MAX_NESTING = 50
MAX_DEPTH = 100
MAX_NODES = 5000
#: How many characters a clause's fill-ins may hold in all (a real one has a few dozen per field); read
#: before parsing, which takes about a second per 100,000 characters of expressions.
MAX_EXPRESSION_CHARS = 10_000
_OPENERS = re.compile(r"\{[{%#]")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_deadline: ContextVar[float | None] = ContextVar("_deadline", default=None)
#: printf-style conversions: %(name)-10.3f … (a width or precision of * takes it from the arguments).
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[diouxXeEfFgGcrsa%]")


def _clock() -> float:
    """This thread's processor time less the time the garbage collector took (a full collection of a large
    program's memory can take a second, which is not the clause's doing)."""
    return time.thread_time() - _collecting[1]


#: [when the collection now running started, or None; the seconds collections have taken in all].
_collecting: list[Any] = [None, 0.0]


def _count_collections(phase: str, _info: dict[str, int]) -> None:
    if phase == "start":
        _collecting[0] = time.thread_time()
    elif _collecting[0] is not None:
        _collecting[1] += max(0.0, time.thread_time() - _collecting[0])
        _collecting[0] = None


gc.callbacks.append(_count_collections)


def _tick() -> None:
    """Stop a render that has used up its time: checked at every operation the sandbox sees."""
    deadline = _deadline.get()
    if deadline is not None and _clock() > deadline:
        raise SecurityError(_("the clause takes longer than {s} s to fill in").format(s=RENDER_SECONDS))


def _size(value: Any, depth: int = 0) -> int:
    """Roughly how many characters `value` would print as: strings by length, sequences by their items."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)) and depth < 4:
        return len(value) + sum(_size(v, depth + 1) for v in value)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return len(value)
    return 1


def _check_value(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_BITS:
        raise SecurityError(_("a number with more than {n} digits").format(n=MAX_DIGITS))


def _checked(result: Any) -> Any:
    _check_value(result)
    if isinstance(result, (str, list, tuple)) and _size(result) > MAX_OUTPUT:
        raise SecurityError(_("the result would be longer than {n} characters").format(n=MAX_OUTPUT))
    return result


def _printf_size(fmt: str, args: Any) -> int:
    """An upper bound of the length of `fmt % args` before it is built ('%300000000s' would take 1.2 GB)."""
    size = len(fmt) + _size(args)
    for width, precision in _PRINTF.findall(fmt):
        if "*" in (width, precision):
            raise SecurityError(_("a width or precision written as *"))
        size += int(width or 0) + int(precision or 0)
        if size > MAX_OUTPUT:
            break
    return size


def _check_binop(operator: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**":
        if ints and right > 0 and abs(left) > 1 and right * math.log2(abs(left)) > _MAX_BITS:
            raise SecurityError(_("a number with more than {n} digits").format(n=MAX_DIGITS))
        if not ints and isinstance(right, (int, float, Decimal)) and not -10_000 <= right <= 10_000:
            raise SecurityError("power too large")
    elif operator == "*":
        if ints and left.bit_length() + right.bit_length() > _MAX_BITS:
            raise SecurityError(_("a number with more than {n} digits").format(n=MAX_DIGITS))
        seq, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and (
            count > MAX_REPEAT or _size(seq) * count > MAX_OUTPUT
        ):
            raise SecurityError("repetition too large")
    elif operator == "+":
        if isinstance(left, (str, list, tuple)) and _size(left) + _size(right) > MAX_OUTPUT:
            raise SecurityError(_("the result would be longer than {n} characters").format(n=MAX_OUTPUT))
    elif operator == "%" and isinstance(left, str) and _printf_size(left, right) > MAX_OUTPUT:
        raise SecurityError(_("the result would be longer than {n} characters").format(n=MAX_OUTPUT))


#: Methods a fill-in may call: none of them builds more than it is given or changes anything.
_SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset({
        "strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "swapcase", "casefold", "startswith",
        "endswith", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal",
        "count", "find", "rfind", "index", "rindex", "split", "rsplit", "splitlines", "partition", "rpartition",
        "replace", "removeprefix", "removesuffix",
    }),
    date: frozenset({"isoformat", "weekday", "isoweekday"}),
}


def _check_call(obj: Any, args: tuple, kwargs: dict) -> None:
    if isinstance(obj, Undefined):  # payments.reverse(): say the name is unknown, as for any other
        obj._fail_with_undefined_error()
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    allowed = next((names for kind, names in _SAFE_METHODS.items() if isinstance(owner, kind)), frozenset())
    if name not in allowed:
        raise SecurityError(_("calling {name} is not allowed").format(name=name or "?"))
    for value in (*args, *kwargs.values()):
        _check_value(value)
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT:
            raise SecurityError(f"{name}: argument too large")
    if name == "replace" and isinstance(owner, str) and len(args) >= 2:
        _check_replace(owner, args[0], args[1])


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grows = (text.count(old) if old else len(text) + 1) * max(0, len(new) - len(old))
        if len(text) + grows > MAX_OUTPUT:
            raise SecurityError("replace: result too large")


#: Jinja2's own filters a clause may use besides ours: none builds more than it is given, none runs a regular
#: expression that can backtrack (striptags, urlize), none takes a width (center, indent, wordwrap).
SAFE_BUILTIN_FILTERS = frozenset({
    "abs", "attr", "batch", "capitalize", "count", "d", "default", "e", "escape", "filesizeformat", "first", "float",
    "format", "int", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
    "replace", "reverse", "round", "select", "selectattr", "sort", "string", "sum", "title", "trim", "truncate",
    "unique", "wordcount",
})


def _bounded(name: str, f):
    """A filter that checks its arguments before it runs and its result after: no width or count argument
    above MAX_OUTPUT, no result longer than MAX_OUTPUT, no join or format that would build more first."""

    @functools.wraps(f)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        values = [a for a in (*args, *kwargs.values()) if not _is_jinja_context(a)]
        for value in values:
            _check_value(value)
        if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_OUTPUT for a in values):
            raise SecurityError(f"{name}: argument too large")
        strings = [a for a in args if isinstance(a, str)]
        if name == "replace" and len(strings) >= 3 and strings[1]:
            _check_replace(strings[0], strings[1], strings[2])
        if name == "format" and strings and _printf_size(strings[0], values[1:]) > MAX_OUTPUT:
            raise SecurityError(_("the result would be longer than {n} characters").format(n=MAX_OUTPUT))
        if name == "join":
            items = [a for a in values if isinstance(a, (list, tuple))]
            if items and _size(items[0]) * (1 + max((len(s) for s in strings), default=0)) > MAX_OUTPUT * 4:
                raise SecurityError(_("the result would be longer than {n} characters").format(n=MAX_OUTPUT))
        return _checked(f(*args, **kwargs))

    return bounded


def _is_jinja_context(value: Any) -> bool:
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context

    return isinstance(value, (EvalContext, Context))


def _finalize_factory(blanks: list[bool]):
    def finalize(value: Any) -> Any:
        empty = value is None or (isinstance(value, str) and not value.strip())
        blanks.append(empty)
        return BLANK if empty else value

    return finalize


_env = _ClauseEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_env.filters = {name: f for name, f in _env.filters.items() if name in SAFE_BUILTIN_FILTERS} | FILTERS
_env.filters = {name: _bounded(name, f) for name, f in _env.filters.items()}
# Clause texts fill in contract values; generators of arbitrary text or data have no place there.
for _name in ("range", "lipsum", "cycler", "joiner", "namespace", "dict"):
    _env.globals.pop(_name, None)


class ReadOnly:
    """A domain object as a template sees it: its fields, read-only all the way down (lists become tuples).

    A clause that could call ``payments.reverse()`` would print the instalments in an order the database,
    the JSON and `check` do not have; through this view there is nothing to change and nothing to call.
    """

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)  # AttributeError for an unknown field, as before
        if callable(value):
            raise AttributeError(name)
        return read_only(value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        return self._target == (other._target if isinstance(other, ReadOnly) else other)

    def __hash__(self) -> int:
        return id(self._target)

    def __str__(self) -> str:
        return str(self._target)

    def __repr__(self) -> str:
        return repr(self._target)


def read_only(value: Any) -> Any:
    """`value` as a template may hold it: plain values as they are, sequences as tuples, objects as ReadOnly."""
    if value is None or isinstance(value, (str, int, float, Decimal, date)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(read_only(v) for v in value)
    if isinstance(value, dict):
        return MappingProxyType({k: read_only(v) for k, v in value.items()})
    return ReadOnly(value)


def context_for(contract: Contract) -> dict[str, Any]:
    """The names a clause template can use, as read-only views of the contract."""
    payee = contract.party(contract.payee)
    values = {
        "number": contract.number,
        "party_a_number": contract.party_a_number,
        "party_b_number": contract.party_b_number,
        "title": contract.title,
        "project": contract.project,
        "drafted": contract.drafted,
        "jurisdiction": contract.jurisdiction,
        "currency": contract.currency,
        "total": contract.total,
        "party_a": contract.party_a,
        "party_b": contract.party_b,
        "payee": payee,
        "bank": payee.bank,
        "payments": contract.payments,
        "terms": contract.terms,
        "copies": contract.terms.copies,
        "events": contract.events,
    }
    return {name: read_only(value) for name, value in values.items()}


#: Fields offered by the editor's "insert field" menu: (expression, English label msgid).
FIELD_CATALOG: tuple[tuple[str, str], ...] = (
    ("number", N_("Registry number")),
    ("party_a_number", N_("Party A contract number")),
    ("party_b_number", N_("Party B contract number")),
    ("project", N_("Project name")),
    ("total | yuan", N_("Total (plain digits)")),
    ("total | money", N_("Total (1,234.00)")),
    ("total | rmb_upper", N_("Total in uppercase")),
    ("party_a.name", N_("Party A name")),
    ("party_b.name", N_("Party B name")),
    ("party_a.representative", N_("Party A representative")),
    ("party_b.representative", N_("Party B representative")),
    ("payee.name", N_("Payee name")),
    ("payee.credit_code", N_("Payee credit code")),
    ("bank.account_name", N_("Account name")),
    ("bank.bank_name", N_("Bank")),
    ("bank.account_no", N_("Account number")),
    ("bank.address", N_("Bank address")),
    ("bank.phone", N_("Phone")),
    ("payments[0].amount | yuan", N_("First instalment (plain digits)")),
    ("payments[0].amount | money", N_("First instalment (1,234.00)")),
    ("payments[0].amount | rmb_upper", N_("First instalment in uppercase")),
    ("terms.delivery_days", N_("Delivery days")),
    ("terms.maintenance_months", N_("Maintenance months")),
    ("terms.acceptance_working_days", N_("Acceptance working days")),
    ("terms.reminder_working_days", N_("Deemed-acceptance working days")),
    ("terms.change_notice_days", N_("Change notice days")),
    ("copies.total | upper", N_("Copies in total (uppercase)")),
    ("copies.a | upper", N_("Copies for Party A (uppercase)")),
    ("copies.b | upper", N_("Copies for Party B (uppercase)")),
    ("jurisdiction", N_("Court of jurisdiction")),
)


def _nesting(source: str) -> int:
    """How deep ASCII brackets nest in `source` (the fill-ins' brackets; a clause's prose uses （）)."""
    depth = deepest = 0
    for ch in source:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}" and depth:
            depth -= 1
    return deepest


def _tree_size(tree: nodes.Node) -> tuple[int, int]:
    """(node count, depth) of a parsed template, walked without recursion (compiling a deeper one would
    exhaust Python's own nesting limits, and a larger one takes long to compile)."""
    count = deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return count, deepest


def _expression_chars(source: str) -> int:
    """Characters between Jinja2's delimiters ({{ }}, {% %}, {# #}); an unclosed one runs to the end."""
    total, pos = 0, 0
    while (m := _OPENERS.search(source, pos)) is not None:
        end = source.find(_CLOSERS[m.group(0)], m.end())
        end = len(source) if end < 0 else end + 2
        total += end - m.start()
        pos = end
    return total


def _check_statements(source: str) -> None:
    if _expression_chars(source) > MAX_EXPRESSION_CHARS:
        raise TemplateProblem(_("the fill-ins of one clause hold more than {n} characters").format(
            n=MAX_EXPRESSION_CHARS))
    if _nesting(source) > MAX_NESTING:
        raise TemplateProblem(_("the fill-in nests brackets more than {n} deep").format(n=MAX_NESTING))
    try:
        tree = _env.parse(source)
    except TemplateError as exc:
        raise TemplateProblem(_("template syntax error: {error}").format(error=exc)) from exc
    except (RecursionError, MemoryError) as exc:
        raise TemplateProblem(_("the clause template needs more memory than a clause can use")) from exc
    count, depth = _tree_size(tree)
    if depth > MAX_DEPTH or count > MAX_NODES:
        raise TemplateProblem(_("the fill-ins are too complex (more than {n} levels or {m} parts)").format(
            n=MAX_DEPTH, m=MAX_NODES))
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            raise TemplateProblem(
                _("only fill-in fields {{ … }} are allowed in clause text, not {% … %} statements")
            )


def render(source: str, context: dict[str, Any], *, stored: bool = True) -> Rendered:
    """Render one clause text. Raises TemplateProblem with a user-facing message.
    `stored=False`: a text still being typed (the editor's preview): its compiled code is not kept on disk."""
    if "{{" not in source and "{%" not in source and "{#" not in source:
        return Rendered(source)
    budget = _deadline.set(_clock() + RENDER_SECONDS)
    try:
        return _render(source, context, stored)
    finally:
        _deadline.reset(budget)


def _never_at_compile_time(_value: Any) -> Any:
    raise nodes.Impossible  # a constant fill-in ({{ "" }}) is finalized as it renders, and counted in `blanks`


#: Compiles clause texts. Its finalize makes Jinja2 write a call to `environment.finalize` for every fill-in, so
#: the code runs in any overlay of `_env` and each render's own finalize counts that render's blanks.
_compile_env = _env.overlay(finalize=_never_at_compile_time)
#: Bumped when what a clause text compiles to changes (the checks, the environment): cached code is not used.
_CODE_FORMAT = 1
#: The most compiled clause texts kept in the data folder (a stored clause's text changes with each edit over the
#: years); the oldest go first.
MAX_CACHED_CLAUSES = 2000


@functools.lru_cache(maxsize=512)
def _compiled(source: str, stored: bool) -> CodeType:
    """The clause text checked and compiled to Python: once per text in a process and, for a stored text, kept in
    the data folder across processes (≈1 ms a clause that a fresh `contractdesk export` would otherwise spend).
    A text being typed is neither read from nor written to the folder: the preview compiles every keystroke's text.
    An entry is found by the text's digest and this app version; Jinja2 checks it against the text and Python."""
    folder = cache_dir("clauses") if stored else None
    bucket = None
    if folder is not None:
        cache = FileSystemBytecodeCache(str(folder), "%s.clause")
        name = f"{__version__}|{_CODE_FORMAT}|{hashlib.sha256(source.encode()).hexdigest()}"
        try:
            bucket = cache.get_bucket(_compile_env, name, None, source)
        except OSError:
            bucket = None
        except Exception:
            bucket = Bucket(_compile_env, cache.get_cache_key(name), cache.get_source_checksum(source))
        if bucket is not None and bucket.code is not None:
            return bucket.code
    _check_statements(source)
    code = _compile_env.compile(source)
    if folder is not None and bucket is not None:
        bucket.code = code
        try:
            folder.mkdir(parents=True, exist_ok=True)
            cache.set_bucket(bucket)
            _keep_newest(folder, MAX_CACHED_CLAUSES)
        except OSError:
            pass  # a cache that cannot be written costs nothing
    return code


def _keep_newest(folder: Path, most: int) -> None:
    """Remove the least recently written entries beyond `most` (a tenth more, so that this runs seldom)."""
    entries = [e for e in os.scandir(folder) if e.name.endswith(".clause")]
    if len(entries) <= most:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - most + most // 10]:
        try:
            os.remove(entry.path)
        except OSError:
            pass  # another process removed or holds it


def _render(source: str, context: dict[str, Any], stored: bool) -> Rendered:
    flags: list[bool] = []
    env = _env.overlay(finalize=_finalize_factory(flags))
    parts: list[str] = []
    size = 0
    try:
        template = env.template_class.from_code(env, _compiled(source, stored), env.make_globals(None))
        for chunk in template.generate(context):
            _tick()
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateProblem(
                    _("the clause text would be longer than {n} characters").format(n=MAX_OUTPUT)
                )
            parts.append(chunk)
    except SecurityError as exc:
        raise TemplateProblem(_("not allowed in a clause template: {error}").format(error=exc)) from exc
    except (UndefinedError, TemplateAssertionError) as exc:
        raise TemplateProblem(_unknown_name(str(exc), source)) from exc
    except TemplateError as exc:
        raise TemplateProblem(_("template error: {error}").format(error=exc)) from exc
    except (ArithmeticError, ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise TemplateProblem(_("template error: {error}").format(error=exc)) from exc
    except (MemoryError, RecursionError, SyntaxError) as exc:
        raise TemplateProblem(_("the clause template needs more memory than a clause can use")) from exc
    expressions = [m.group(1).strip() for m in _EXPR.finditer(source)]
    blanks = [expr for expr, empty in zip(expressions, flags, strict=False) if empty]
    return Rendered("".join(parts), blanks)


def _unknown_name(error: str, source: str) -> str:
    """A misspelt field or filter in the clerk's words: the name as written in the clause, not Jinja2's."""
    m = _UNKNOWN_FILTER.match(error)
    if m:
        return _("\"{name}\" is not a filter; use one of: {filters}").format(name=m.group(1), filters=", ".join(FILTERS))
    m = _UNDEFINED_NAME.match(error)
    if m:
        return _("\"{name}\" is not a contract field").format(name=m.group(1))
    m = _UNDEFINED_ATTRIBUTE.search(error)
    if m:
        written = re.search(r"[\w.\[\]]*\." + re.escape(m.group(1)) + r"\b", source)
        return _("\"{name}\" is not a contract field").format(name=written.group(0) if written else m.group(1))
    return _("template error: {error}").format(error=error)


def render_contract_text(source: str, contract: Contract, *, stored: bool = True) -> Rendered:
    return render(source, context_for(contract), stored=stored)
