"""app/base/compile_cache.py: a pattern or a generated function compiled by one start comes from the file at the next,
and behaves exactly as Python's own compile of it; a damaged or foreign file costs only the compile."""

from __future__ import annotations
import __future__

import marshal
import os
import re
import subprocess
import sys

import pytest

from app.base import compile_cache as cache
from tests.conftest import ROOT

#: Patterns of the kinds the app and its libraries compile: named groups and back-references, flags inline and
#: given, verbose, case-insensitive Chinese, bytes, look-behind, possessive repeats.
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日", 0),
    (r"(?<![A-Za-z0-9_.-])\d(?: ?\d){7,}(?![\w-]|\.\d)", 0),
    (r"\d{2,6}(?P<sep>[- ])\d{2,6}(?:(?P=sep)\d{2,6})+", 0),
    (r"""
        (?P<lead> total | 合计 ) [ \t]* [:：]? [ \t]*  # a label
        (?P<amount> -?\d[\d,]*(?:\.\d+)? )            # its amount
     """, re.VERBOSE | re.IGNORECASE),
    (r"(?i)[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]{2,}[元圆角分整]*", 0),
    (rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII),
    (r"^\s*(\d+)\.(\d+)\s+(.*)$", re.MULTILINE),
    (r"a++b*+c?+", 0),
]
SAMPLES = ["2025年5月22日 合计：4,273,290.00", "6222-0210-0100-1234 TOTAL 12", "4105 0167 8888 9999", "壹佰贰拾元整",
           "# -*- coding: utf-8 -*-", "1.6 交付\n2.1 付款", "aaabbbc"]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """The module as a new process finds it, with its file in tmp_path; returns the file."""
    entry = tmp_path / "cache" / "compiled" / "build.bin"
    monkeypatch.setattr(cache, "cache_file", lambda: entry)
    monkeypatch.setattr(cache, "_stored", {"patterns": {}, "code": {}})
    monkeypatch.setattr(cache, "_used", set())
    monkeypatch.setattr(cache, "_changed", False)
    monkeypatch.setattr(cache, "_saves", 0)
    monkeypatch.setattr(cache, "_last_used", {})
    return entry


def _next_start(entry) -> None:
    """What the next process holds: only what the file says."""
    kept = cache.read_file(entry)
    cache._used.clear()
    for kind in cache.KINDS:
        cache._stored[kind].clear()
        cache._stored[kind].update(kept[kind])
    cache._saves = kept["saves"]
    cache._last_used.clear()
    cache._last_used.update(kept["last_used"])
    cache._changed = False
    re.purge()  # and no pattern compiled in this one


def _python_compile(pattern, flags):
    assert cache._real_compile is not None
    return cache._real_compile(pattern, flags)


def _behaviour(compiled: re.Pattern) -> list:
    seen: list = [compiled.pattern, compiled.flags, compiled.groups, dict(compiled.groupindex)]
    for sample in SAMPLES:
        text = sample.encode() if isinstance(compiled.pattern, bytes) else sample
        seen.append([(m.span(), m.groups(), m.groupdict()) for m in compiled.finditer(text)])
    return seen


def test_patterns_and_the_served_modules_compile_through_it_once_app_is_imported():
    import collections
    import dataclasses
    import typing

    import sqlalchemy.util.langhelpers as langhelpers
    import sqlalchemy.util.typing as sqlalchemy_typing

    assert cache._real_compile is not None
    assert re._compiler.compile is cache._compile_pattern
    assert (collections.eval, dataclasses.exec, typing.compile) == (
        cache.eval_source, cache.exec_source, cache.compile_source)
    assert (langhelpers.compile, langhelpers.exec) == (cache.compile_source, cache.exec_source)
    assert sqlalchemy_typing.eval is cache.eval_source


# ---------------------------------------------------------------------------------------------- patterns


def test_a_pattern_compiled_once_comes_from_the_file_next_time_and_behaves_the_same(fresh, monkeypatch):
    re.purge()
    first = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    cache.save()
    assert fresh.is_file()
    _next_start(fresh)
    assert set(cache._stored["patterns"]) >= set(PATTERNS)
    compiled_by_python = []
    real = cache._real_compile
    monkeypatch.setattr(cache, "_real_compile", lambda *args: compiled_by_python.append(args) or real(*args))
    again = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert compiled_by_python == []  # every one handed to the engine from the file
    for pattern_flags, before, after in zip(PATTERNS, first, again, strict=True):
        reference = _python_compile(*pattern_flags)
        assert _behaviour(after) == _behaviour(before) == _behaviour(reference), pattern_flags
    assert re.compile(PATTERNS[0][0]).match("2025年5月22日").group("month") == "5"


def test_nothing_new_writes_nothing(fresh):
    re.purge()
    re.compile(*PATTERNS[0])
    cache.save()
    written = fresh.stat().st_mtime_ns
    _next_start(fresh)
    re.compile(*PATTERNS[0])
    cache.save()
    assert fresh.stat().st_mtime_ns == written


@pytest.mark.parametrize("damage", [b"", b"\x00\x01", b"not marshal data at all", "flip"])
def test_a_damaged_file_costs_only_the_compile(fresh, damage):
    re.purge()
    re.compile(*PATTERNS[1])
    cache.save()
    data = fresh.read_bytes()
    fresh.write_bytes(data[:-1] + bytes([data[-1] ^ 1]) if damage == "flip" else damage)
    assert cache.read_file(fresh) == {"patterns": {}, "code": {}, "saves": 0, "last_used": {}}
    _next_start(fresh)
    assert _behaviour(re.compile(*PATTERNS[1])) == _behaviour(_python_compile(*PATTERNS[1]))
    cache.save()  # and the file is whole again
    assert PATTERNS[1] in cache.read_file(fresh)["patterns"]


def test_code_the_engine_refuses_is_compiled_as_python_would(fresh):
    pattern, flags = PATTERNS[2]
    cache._stored["patterns"][(pattern, flags)] = (flags, [999, 1, 2], 1, {"sep": 1}, (None, "sep"))  # not SRE code
    re.purge()
    assert _behaviour(re.compile(pattern, flags)) == _behaviour(_python_compile(pattern, flags))
    assert cache._stored["patterns"][(pattern, flags)][1] != [999, 1, 2]  # replaced by the real code


def test_the_file_keeps_at_most_max_entries_dropping_those_used_longest_ago(fresh, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)
    for n in range(8):
        cache._stored["patterns"][(f"old{n}", 0)] = (0, [], 0, {}, ())
        cache._last_used[(f"old{n}", 0)] = n
    cache._saves = 8
    re.purge()
    re.compile(*PATTERNS[0])
    cache.save()
    kept = cache.read_file(fresh)["patterns"]
    assert sorted(kept, key=str) == sorted([PATTERNS[0], *((f"old{n}", 0) for n in (4, 5, 6, 7))], key=str)


def test_an_entry_no_recent_process_used_is_dropped(fresh, monkeypatch):
    """A pattern built from a set's members differs from one process to the next (string hashing is randomised):
    each start finds "its" pattern new, and the ones of earlier starts are never used again."""
    monkeypatch.setattr(cache, "KEEP_SAVES", 2)
    for start in range(4):
        re.purge()
        re.compile(*PATTERNS[0])  # used by every start
        re.compile(f"[{'abcd'[start:] + 'abcd'[:start]}]+")  # the same set, in this start's order
        cache.save()
        _next_start(fresh)
    kept = cache.read_file(fresh)
    assert set(kept["patterns"]) == {PATTERNS[0], ("[cdab]+", 0), ("[dabc]+", 0)}  # the last two starts' own
    assert kept["saves"] == 4 and kept["last_used"][PATTERNS[0]] == 4


def test_flags_of_an_int_subclass_are_kept_as_ints(fresh):
    """Python 3.13's re.sub and re.split pass their default flags as an int subclass, which marshal cannot write."""

    class Sentinel(int):
        pass

    re.purge()
    assert re.compile("合同[0-9]+", Sentinel(0)).match("合同12").group() == "合同12"
    cache.save()
    assert ("合同[0-9]+", 0) in cache.read_file(fresh)["patterns"]


def test_an_entry_marshal_cannot_write_is_left_out_not_the_file(fresh):
    class Odd(str):
        pass

    re.purge()
    re.compile(*PATTERNS[0])
    cache._stored["code"][(Odd("x = 1"), "<t>", "exec", 0, 0)] = marshal.dumps(compile("x = 1", "<t>", "exec"))
    cache._changed = True
    cache.save()
    kept = cache.read_file(fresh)
    assert PATTERNS[0] in kept["patterns"] and kept["code"] == {}


def test_a_folder_that_cannot_be_written_does_not_fail_the_program(fresh):
    fresh.parent.parent.mkdir(parents=True)
    fresh.parent.write_text("a file where the folder goes")
    re.purge()
    re.compile(*PATTERNS[3])
    cache.save()  # no exception: the next start compiles again
    assert not fresh.exists()


# ---------------------------------------------------------------------------------------------- source

#: A generated function as dataclasses and SQLAlchemy write them, with an annotation that tells whether the
#: caller's `from __future__ import annotations` reached the compile.
GENERATED = "def __init__(self, total: Decimal, title='合同'):\n    self.total = total\n    self.title = title\n"


def _define(source: str, *, future_annotations: bool) -> dict:
    """Run a caller (compiled with or without the future import) that compiles `source` through compile_source and
    execs the code; returns the namespace the function landed in."""
    from decimal import Decimal

    caller = "code = compile_source(source, '<generated>', 'exec')\nexec(code, namespace)\n"
    flags = __future__.annotations.compiler_flag if future_annotations else 0
    namespace: dict = {"Decimal": Decimal}
    builtins_compile = __builtins__["compile"] if isinstance(__builtins__, dict) else __builtins__.compile
    outer = builtins_compile(caller, "<caller>", "exec", flags, True)
    exec(outer, {"compile_source": cache.compile_source, "source": source, "namespace": namespace})
    return namespace


def test_generated_code_comes_from_the_file_next_time_with_the_callers_future_flags(fresh, monkeypatch):
    import builtins

    plain = _define(GENERATED, future_annotations=False)["__init__"]
    postponed = _define(GENERATED, future_annotations=True)["__init__"]
    assert plain.__annotations__["total"].__name__ == "Decimal" and postponed.__annotations__["total"] == "Decimal"
    cache.save()
    _next_start(fresh)
    assert len(cache._stored["code"]) >= 2  # one per set of flags
    compiled = []
    real = builtins.compile
    monkeypatch.setattr(builtins, "compile", lambda *args, **kw: compiled.append(args) or real(*args, **kw))
    again_plain = _define(GENERATED, future_annotations=False)["__init__"]
    again_postponed = _define(GENERATED, future_annotations=True)["__init__"]
    assert [args[1] for args in compiled] == ["<caller>", "<caller>"]  # only the test's own callers
    assert again_plain.__annotations__ == plain.__annotations__
    assert again_postponed.__annotations__ == {"total": "Decimal"}
    assert again_plain.__code__.co_code == plain.__code__.co_code
    assert again_plain.__defaults__ == ("合同",)


def test_a_dataclass_defined_from_stored_code_behaves_as_one_compiled_anew(fresh, monkeypatch):
    import builtins
    import dataclasses

    def define():
        @dataclasses.dataclass(frozen=True, order=True)
        class Payment:
            stage: int
            amount: str = "0.00"
            note: list = dataclasses.field(default_factory=list)

        return Payment

    first = define()
    cache.save()
    _next_start(fresh)
    compiled = []
    real = builtins.compile
    monkeypatch.setattr(builtins, "compile", lambda *args, **kw: compiled.append(args) or real(*args, **kw))
    second = define()
    assert compiled == []  # its methods came from the file
    for cls in (first, second):
        a, b = cls(1, "100.00"), cls(2)
        assert (a < b, a == cls(1, "100.00")) == (True, True)
        assert repr(b).endswith("Payment(stage=2, amount='0.00', note=[])")
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.stage = 3


def test_exec_source_without_a_namespace_runs_in_the_callers(fresh):
    namespace = {"exec_source": cache.exec_source}
    exec("exec_source('answer = 6 * 7')", namespace)
    assert namespace["answer"] == 42


def test_eval_source_answers_as_eval_and_from_the_file_next_time(fresh, monkeypatch):
    import builtins
    import collections

    namespace = {"eval_source": cache.eval_source, "rate": 3}
    assert eval("eval_source('  rate * 14')", namespace) == 42  # leading blanks, the caller's namespace
    assert cache.eval_source("rate + x", {"rate": 1}, {"x": 2}) == 3
    with pytest.raises(SyntaxError):
        cache.eval_source("\n  1")
    Point = collections.namedtuple("Point", "x y")  # namedtuple's own eval, served
    cache.save()
    _next_start(fresh)
    compiled = []
    real = builtins.compile
    monkeypatch.setattr(builtins, "compile", lambda *args, **kw: compiled.append(args) or real(*args, **kw))
    Again = collections.namedtuple("Point", "x y")
    assert cache.eval_source("rate + x", {"rate": 1}, {"x": 2}) == 3
    assert compiled == []
    assert Again(1, 2) == Point(1, 2) and Again(1, y=2)._asdict() == {"x": 1, "y": 2}


def test_what_is_not_source_text_is_compiled_as_python_would(fresh):
    import ast

    tree = ast.parse("x = 1")
    assert isinstance(cache.compile_source("x = 1", "<t>", "exec", ast.PyCF_ONLY_AST), ast.Module)
    namespace: dict = {}
    exec(cache.compile_source(tree, "<t>", "exec"), namespace)
    assert namespace["x"] == 1 and cache._stored["code"] == {}


def test_a_damaged_code_entry_is_compiled_again(fresh):
    _define(GENERATED, future_annotations=False)
    (key,) = cache._stored["code"]
    cache._stored["code"][key] = b"\x00garbage"
    assert _define(GENERATED, future_annotations=False)["__init__"].__defaults__ == ("合同",)
    cache._stored["code"][key] = marshal.dumps(("not", "code"))
    assert _define(GENERATED, future_annotations=False)["__init__"].__defaults__ == ("合同",)


# ---------------------------------------------------------------------------------------------- the program


def test_the_program_writes_the_file_once_and_uses_it(tmp_path):
    """Two runs of a command in a fresh data folder: the first writes the file, the second only reads it. (String
    hashing fixed: a checkout without compiled catalogs reads them with Babel, which builds a pattern from a set.)"""
    env = {**os.environ, "CONTRACTDESK_HOME": str(tmp_path), "CONTRACTDESK_LANG": "en", "PYTHONHASHSEED": "0"}

    def run() -> str:
        done = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = run()
    (entry,) = (tmp_path / "cache" / "compiled").iterdir()
    assert entry.name.startswith(f"{sys.implementation.name}-")
    kept = cache.read_file(entry)
    assert len(kept["patterns"]) > 10 and len(kept["code"]) > 10
    written = entry.stat().st_mtime_ns
    assert run() == first
    assert entry.stat().st_mtime_ns == written
