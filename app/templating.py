"""Clause templates: 【】 fill-in fields written as sandboxed Jinja2 expressions bound to contract fields.

A clause's text is ordinary text with fields such as ``【{{ total | yuan }}】元（大写：{{ total | rmb_upper }}）``.
Only expressions are allowed (no ``{% %}`` statements), inside Jinja2's SandboxedEnvironment, with
string/list repetition and powers capped and the output size limited, so a hostile clause can neither
reach Python internals nor run forever. A blank value renders as 【　　】 and is reported.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateAssertionError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from app.domain import Contract
from app.i18n import N_, _
from app.money import format_amount, format_plain, integer_upper, rmb_upper

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


class _ClauseEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):  # type: ignore[override]
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("power too large")
        if operator == "*":
            seq, count = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and (
                count > MAX_REPEAT or len(seq) * count > MAX_OUTPUT
            ):
                raise SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _bounded(name: str, f):
    """A filter that refuses to build more than a clause can hold: no width or count argument above
    MAX_OUTPUT (center(10**9) would allocate first), no result longer than MAX_OUTPUT."""

    @functools.wraps(f)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_OUTPUT for a in (*args, *kwargs.values())):
            raise SecurityError(f"{name}: argument too large")
        strings = [a for a in args if isinstance(a, str)]
        if name == "replace" and len(strings) >= 3 and strings[1]:
            text, old, new = strings[0], strings[1], strings[2]
            if len(text) + text.count(old) * max(0, len(new) - len(old)) > MAX_OUTPUT:
                raise SecurityError("replace: result too large")
        result = f(*args, **kwargs)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_OUTPUT:
            raise SecurityError(f"{name}: result too large")
        return result

    return bounded


def _finalize_factory(blanks: list[bool]):
    def finalize(value: Any) -> Any:
        empty = value is None or (isinstance(value, str) and not value.strip())
        blanks.append(empty)
        return BLANK if empty else value

    return finalize


_env = _ClauseEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_env.filters.update(FILTERS)
_env.filters = {name: _bounded(name, f) for name, f in _env.filters.items()}
# Clause texts fill in contract values; generators of arbitrary text or data have no place there.
for _name in ("range", "lipsum", "cycler", "joiner", "namespace", "dict"):
    _env.globals.pop(_name, None)


def context_for(contract: Contract) -> dict[str, Any]:
    """The names a clause template can use."""
    payee = contract.party(contract.payee)
    return {
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
    ("payments[0].amount | yuan", N_("First instalment")),
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


def _check_statements(source: str) -> None:
    try:
        tree = _env.parse(source)
    except TemplateError as exc:
        raise TemplateProblem(_("template syntax error: {error}").format(error=exc)) from exc
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            raise TemplateProblem(
                _("only fill-in fields {{ … }} are allowed in clause text, not {% … %} statements")
            )


def render(source: str, context: dict[str, Any]) -> Rendered:
    """Render one clause text. Raises TemplateProblem with a user-facing message."""
    if "{{" not in source and "{%" not in source and "{#" not in source:
        return Rendered(source)
    _check_statements(source)
    flags: list[bool] = []
    # finalize is read when a template is compiled, so each render compiles in an overlay.
    env = _env.overlay(finalize=_finalize_factory(flags))
    parts: list[str] = []
    size = 0
    try:
        for chunk in env.from_string(source).generate(context):
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
    except (MemoryError, RecursionError) as exc:
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


def render_contract_text(source: str, contract: Contract) -> Rendered:
    return render(source, context_for(contract))
