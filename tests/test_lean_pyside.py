"""ui/lean_pyside.py: PySide6's "does this module mention PySide6?" answered from the file's bytes, the same answer
its own source scan gives, for every kind of module."""

from __future__ import annotations

import sys

import app.domain
import ui.main_window
from ui.lean_pyside import install, uses_pyside


def _pyside_answer(module) -> bool:
    """PySide6's own test (shibokensupport/feature.py): the source through inspect, searched for the name."""
    import inspect

    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


def test_the_answer_is_pysides_own_for_every_kind_of_module():
    import _sqlite3  # an extension module
    import json  # a package from the standard library

    import shiboken6

    modules = [ui.main_window, app.domain, sys, _sqlite3, json, shiboken6, sys.modules["ui"]]
    assert [uses_pyside(m) for m in modules] == [_pyside_answer(m) for m in modules]
    assert uses_pyside(ui.main_window) and not uses_pyside(app.domain)


def test_importing_ui_puts_it_in_place_of_the_source_scan():
    install()  # again: harmless
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is uses_pyside
