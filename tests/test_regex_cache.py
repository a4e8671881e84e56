"""app/base/regex_cache.py: a pattern compiled by one start is handed to the engine from the file by the next, and
behaves exactly as Python's own compile of it; a damaged or foreign file costs only the compile."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from app.base import regex_cache
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
    entry = tmp_path / "cache" / "regex" / "patterns.bin"
    monkeypatch.setattr(regex_cache, "cache_file", lambda: entry)
    monkeypatch.setattr(regex_cache, "_stored", {})
    monkeypatch.setattr(regex_cache, "_used", set())
    monkeypatch.setattr(regex_cache, "_changed", False)
    return entry


def _next_start(entry) -> None:
    """What the next process holds: only what the file says."""
    regex_cache._stored.clear()
    regex_cache._used.clear()
    regex_cache._stored.update(regex_cache._read(entry))
    re.purge()  # and no pattern compiled in this one


def _python_compile(pattern, flags):
    assert regex_cache._real_compile is not None
    return regex_cache._real_compile(pattern, flags)


def _behaviour(compiled: re.Pattern) -> list:
    seen: list = [compiled.pattern, compiled.flags, compiled.groups, dict(compiled.groupindex)]
    for sample in SAMPLES:
        text = sample.encode() if isinstance(compiled.pattern, bytes) else sample
        seen.append([(m.span(), m.groups(), m.groupdict()) for m in compiled.finditer(text)])
    return seen


def test_the_compiler_is_the_stored_one_once_app_is_imported():
    assert regex_cache._real_compile is not None
    assert re._compiler.compile is regex_cache._compile


def test_a_pattern_compiled_once_comes_from_the_file_next_time_and_behaves_the_same(fresh, monkeypatch):
    re.purge()
    first = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    regex_cache.save()
    assert fresh.is_file()
    _next_start(fresh)
    assert set(regex_cache._stored) >= set(PATTERNS)
    compiled_by_python = []
    real = regex_cache._real_compile
    monkeypatch.setattr(regex_cache, "_real_compile", lambda *args: compiled_by_python.append(args) or real(*args))
    again = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert compiled_by_python == []  # every one handed to the engine from the file
    for pattern_flags, before, after in zip(PATTERNS, first, again, strict=True):
        reference = _python_compile(*pattern_flags)
        assert _behaviour(after) == _behaviour(before) == _behaviour(reference), pattern_flags
    assert re.compile(PATTERNS[0][0]).match("2025年5月22日").group("month") == "5"


def test_nothing_new_writes_nothing(fresh):
    re.purge()
    re.compile(*PATTERNS[0])
    regex_cache.save()
    written = fresh.stat().st_mtime_ns
    _next_start(fresh)
    re.compile(*PATTERNS[0])
    regex_cache.save()
    assert fresh.stat().st_mtime_ns == written


@pytest.mark.parametrize("damage", [b"", b"\x00\x01", b"not marshal data at all", "flip"])
def test_a_damaged_file_costs_only_the_compile(fresh, damage):
    re.purge()
    re.compile(*PATTERNS[1])
    regex_cache.save()
    data = fresh.read_bytes()
    fresh.write_bytes(data[:-1] + bytes([data[-1] ^ 1]) if damage == "flip" else damage)
    assert regex_cache._read(fresh) == {}
    _next_start(fresh)
    assert _behaviour(re.compile(*PATTERNS[1])) == _behaviour(_python_compile(*PATTERNS[1]))
    regex_cache.save()  # and the file is whole again
    assert PATTERNS[1] in regex_cache._read(fresh)


def test_code_the_engine_refuses_is_compiled_as_python_would(fresh):
    pattern, flags = PATTERNS[2]
    regex_cache._stored[(pattern, flags)] = (flags, [999, 1, 2], 1, {"sep": 1}, (None, "sep"))  # not SRE code
    re.purge()
    assert _behaviour(re.compile(pattern, flags)) == _behaviour(_python_compile(pattern, flags))
    assert regex_cache._stored[(pattern, flags)][1] != [999, 1, 2]  # replaced by the real code


def test_the_file_keeps_at_most_max_patterns_dropping_those_not_used(fresh, monkeypatch):
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", 5)
    for n in range(8):
        regex_cache._stored[(f"old{n}", 0)] = regex_cache._stored.get((f"old{n}", 0)) or (0, [], 0, {}, ())
    re.purge()
    re.compile(*PATTERNS[0])
    regex_cache.save()
    kept = regex_cache._read(fresh)
    assert len(kept) == 5 and PATTERNS[0] in kept


def test_a_folder_that_cannot_be_written_does_not_fail_the_program(fresh):
    fresh.parent.parent.mkdir(parents=True)
    fresh.parent.write_text("a file where the folder goes")
    re.purge()
    re.compile(*PATTERNS[3])
    regex_cache.save()  # no exception: the next start compiles again
    assert not fresh.exists()


def test_the_program_writes_the_file_once_and_uses_it(tmp_path):
    """Two runs of a command in a fresh data folder: the first writes the file, the second only reads it."""
    env = {**os.environ, "CONTRACTDESK_HOME": str(tmp_path), "CONTRACTDESK_LANG": "en"}

    def run() -> str:
        done = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = run()
    (entry,) = (tmp_path / "cache" / "regex").iterdir()
    assert entry.name.startswith(f"patterns-{sys.implementation.name}-")
    assert len(regex_cache._read(entry)) > 10
    written = entry.stat().st_mtime_ns
    assert run() == first
    assert entry.stat().st_mtime_ns == written
