"""ui/lean_pyside.py: PySide6 started without its stub generator, its per-start compiles and its import hook, and
working as it does with them."""

from __future__ import annotations

import re
import sys

from tests.conftest import ROOT


def test_no_module_of_ours_opts_into_a_pyside_feature():
    """The import hook is taken out because nothing here uses `from __feature__ import …`: one that did would get
    no feature, silently."""
    uses = re.compile(r"^\s*(?:from|import)\s+__feature__\b", re.MULTILINE)
    sources = [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py"),
               *ROOT.joinpath("tests").rglob("*.py")]
    assert len(sources) > 100
    assert [path for path in sources if uses.search(path.read_text(encoding="utf-8"))] == []


#: A fresh process importing ui as the window does: which of PySide6's support modules were compiled from source
#: (through the built-in compile, spied on before ui is imported), and how the stub generator behaves.
FRESH = r"""
import builtins, json, sys
compiled = []
real = builtins.compile
def spy(source, filename, mode, *args, **kwargs):
    compiled.append(str(filename))
    return real(source, filename, mode, *args, **kwargs)
builtins.compile = spy
import ui
builtins.compile = real
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
seen = {"compiled": [name for name in compiled if name.startswith("shibokensupport/")]}
seen["import"] = [builtins.__import__.__name__, builtins.__import__ is builtins.__orig_import__]
import ui.main_window  # imported after: PySide6 does not look at it
feature = sys.modules["shibokensupport.feature"]
seen["looked_at"] = "ui.main_window" in feature.pyside_feature_dict
widget = QWidget()
widget.setWindowTitle("合同台")
seen["qt_names"] = [widget.windowTitle(), hasattr(widget, "set_window_title")]
generator = sys.modules["shibokensupport.signature.lib.pyi_generator"]
seen["generator_ran_at_start"] = "generate_pyi" in vars(generator)
try:
    QWidget().setWindowTitle(1, 2)
except TypeError as exc:
    seen["wrong_call"] = str(exc)
from PySide6.support.signature.lib.pyi_generator import generate_pyi  # as PySide6's stub tool imports it
from PySide6.support.signature.lib.enum_sig import ExactEnumerator
seen["generator"] = [generate_pyi.__name__, ExactEnumerator.__name__, "generate_pyi" in vars(generator)]
try:
    generator.no_such_name
except AttributeError as exc:
    seen["missing"] = str(exc)
from app.base import compile_cache
compile_cache.save()  # as the program does when its window is closed (app.startup.main)
print(json.dumps(seen))
"""


def _fresh(home) -> dict:
    import json
    import os
    import subprocess

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "CONTRACTDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _kept_support(home) -> list[str]:
    """The support modules whose code the compile cache file in `home` holds."""
    from app.base import compile_cache

    (entry,) = (home / "cache" / "compiled").glob("*.bin")
    return sorted(key[1] for key in compile_cache.read_file(entry)["code"] if key[1].startswith("shibokensupport/"))


def test_pysides_support_is_compiled_once_and_its_stub_generator_runs_when_used(tmp_path):
    from ui.lean_pyside import DEFERRED

    first = _fresh(tmp_path)
    assert "shibokensupport/signature/parser.py" in first["compiled"]  # compiled from source: nothing stored yet
    assert "shibokensupport/signature/parser.py" in _kept_support(tmp_path)  # with the program's other entries
    second = _fresh(tmp_path)
    assert sorted(second["compiled"]) == sorted(DEFERRED)  # only their few-line stand-ins; the rest came stored
    for seen in (first, second):
        assert seen["import"] == ["__lazy_import__", True]  # PySide6's own import, without the feature hook
        assert seen["looked_at"] is False
        assert seen["qt_names"] == ["合同台", False]  # Qt's names, no feature
        assert seen["generator_ran_at_start"] is False
        assert seen["wrong_call"] == "QWidget.setWindowTitle() takes exactly one argument (2 given)"  # PySide6's own
        assert seen["generator"] == ["generate_pyi", "ExactEnumerator", True]
        assert seen["missing"] == "module 'shibokensupport.signature.lib.pyi_generator' has no attribute 'no_such_name'"


def test_a_damaged_store_is_compiled_again_and_rewritten(tmp_path):
    _fresh(tmp_path)
    (entry,) = (tmp_path / "cache" / "compiled").glob("*.bin")
    entry.write_bytes(b"\x00not marshal data")
    seen = _fresh(tmp_path)
    assert "shibokensupport/signature/parser.py" in seen["compiled"]
    assert seen["wrong_call"] == "QWidget.setWindowTitle() takes exactly one argument (2 given)"
    assert "shibokensupport/signature/parser.py" in _kept_support(tmp_path)


def test_a_data_folder_that_cannot_be_written_costs_only_the_compile(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    seen = _fresh(blocked / "home")  # the data folder cannot be created: no cache, PySide6 starts as it would
    assert "shibokensupport/signature/parser.py" in seen["compiled"]
    assert seen["wrong_call"] == "QWidget.setWindowTitle() takes exactly one argument (2 given)"


def test_a_cache_entry_that_cannot_be_replaced_does_not_stop_the_window(tmp_path, monkeypatch):
    from app.base.compile_cache import cache_file

    monkeypatch.setenv("CONTRACTDESK_HOME", str(tmp_path))
    entry = cache_file()
    assert entry is not None
    entry.mkdir(parents=True)  # a folder where the entry goes: the safe writer refuses to replace it (a UserError)
    seen = _fresh(tmp_path)
    assert "shibokensupport/signature/parser.py" in seen["compiled"]
    assert seen["wrong_call"] == "QWidget.setWindowTitle() takes exactly one argument (2 given)"
