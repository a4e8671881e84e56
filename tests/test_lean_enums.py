"""ui/lean_enums.py: every Qt enum made the fast way is the enum the standard library's general route makes."""

from __future__ import annotations

import enum
import os
import pickle
import subprocess
import sys
import types
from typing import Any

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from ui import lean_enums

BASES = (enum.IntFlag, enum.Flag, enum.IntEnum, enum.Enum)  # most derived first


def qt_enums() -> list[tuple[type, str, list[tuple[str, int]]]]:
    """(base, name, members in definition order, aliases included) of every enum of QtCore, QtGui and QtWidgets."""
    found: dict[int, tuple[type, str, list[tuple[str, int]]]] = {}
    for module in (QtCore, QtGui, QtWidgets):
        classes = [getattr(module, name) for name in dir(module)]  # PySide6 makes a module's classes when asked
        for owner in [module, *(value for value in classes if isinstance(value, type))]:
            for attribute in list(vars(owner)):
                getattr(owner, attribute, None)  # PySide6 makes a class's enums when it is first asked anything
            for value in list(vars(owner).values()):
                if isinstance(value, enum.EnumType) and id(value) not in found:
                    base = next(b for b in BASES if issubclass(value, b))
                    members = [(name, member._value_) for name, member in value.__members__.items()]
                    found[id(value)] = (base, value.__name__, members)
    return list(found.values())


def made(base: type, name: str, members: list[Any], route: Any, monkeypatch: pytest.MonkeyPatch,
         number: int) -> type:
    """`base(name, members, boundary=KEEP)` as PySide6 calls it, through `route`; then named as PySide6 names it, in a
    module of its own (so that its members can be pickled)."""
    monkeypatch.setattr(enum.EnumType, "_create_", route)
    made_ = base(name, members, boundary=enum.KEEP)
    monkeypatch.setattr(enum.EnumType, "_create_", lean_enums._create_)
    module = types.ModuleType(f"lean_enums_case_{number}_{route is lean_enums._create_}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    made_.__module__, made_.__qualname__ = module.__name__, name
    setattr(module, name, made_)
    return made_


def described(made_: Any) -> dict[str, Any]:
    """All a caller can see of an enum class and its members, with the class and module names left out."""
    names = set(made_.__members__)
    seen: dict[str, Any] = {
        "mro": [c.__name__ for c in made_.__mro__],
        "members": [(n, m._name_, m._value_, type(m).__name__) for n, m in made_.__members__.items()],
        "iterated": [(m._name_, m._value_) for m in made_],
        "by value": sorted((v, m._name_) for v, m in made_._value2member_map_.items()),
        "canonical": list(made_._member_names_),
        "class dict": sorted((k, type(v).__name__) for k, v in vars(made_).items()
                             if k not in ("__module__", "__qualname__")),
        "class dict values": [(k, vars(made_)[k]) for k in ("__doc__", "_boundary_", "_flag_mask_", "_all_bits_",
                                                             "_singles_mask_", "_inverted_", "_use_args_",
                                                             "_member_type_", "_value_repr_") if k in vars(made_)],
    }
    seen["each"] = [
        (repr(m), str(m), format(m), hash(m), getattr(m, "_sort_order_", None), bool(m), made_(m._value_) is m,
         made_[n] is m, getattr(made_, n) is m, vars(made_)[n] is m, pickle.loads(pickle.dumps(m)) is m)
        for n, m in made_.__members__.items() if n in names
    ]
    first = list(made_.__members__.values())[:5]
    if issubclass(made_, enum.Flag):
        seen["operators"] = [(repr(a | b), repr(a & b), repr(a ^ b), repr(~a), repr(made_(0))) for a in first
                             for b in first]
    return seen


def test_the_window_makes_its_enums_the_fast_way():
    """In the app's order (`ui` first, as ui/main.py and the bundle's runtime hook import it): here pytest-qt has
    imported PySide6 before any test module, so a new process is asked."""
    assert enum.EnumType._create_ is lean_enums._create_
    script = ("import ui\nfrom PySide6.QtCore import Qt\nfrom PySide6.QtWidgets import QWidget\n"
              "from ui import lean_enums\nassert (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) == 0x21\n"
              "print(lean_enums.made_fast)")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert int(ran.stdout) > 100  # the Qt namespace alone is 95 enums, QtCore's own 30-odd


def test_every_qt_enum_made_the_fast_way_is_the_general_routes(monkeypatch):
    cases = qt_enums()
    assert len(cases) > 500
    before = lean_enums.made_fast
    for number, (base, name, members) in enumerate(cases):
        fast = made(base, name, list(members), lean_enums._create_, monkeypatch, number)
        general = made(base, name, list(members), lean_enums._general, monkeypatch, number)
        assert described(fast) == described(general), f"{base.__name__} {name}"
    assert lean_enums.made_fast - before == len(cases)  # none of them fell back to the general route


@pytest.mark.parametrize(("base", "members", "keywords"), [
    (enum.Enum, {"A": 1, "B": 2}, {"boundary": enum.KEEP}),  # a dict, as shiboken's stand-in for a missing value
    (enum.Enum, [("A", 1)], {"boundary": enum.KEEP, "module": __name__}),
    (enum.Enum, [("A", 1)], {}),  # no boundary: not PySide6's call
    (enum.IntEnum, [("real", 1), ("B", 2)], {"boundary": enum.KEEP}),  # a name int already has
    (enum.Enum, [("name", 1)], {"boundary": enum.KEEP}),
    (enum.Flag, [("_A", 1)], {"boundary": enum.KEEP}),
    (enum.Flag, [("A", 1), ("A", 2)], {"boundary": enum.KEEP}),  # a name twice: the general route's error
    (enum.Enum, [("A", "text")], {"boundary": enum.KEEP}),
])
def test_any_other_call_takes_the_general_route(base, members, keywords, monkeypatch):
    before = lean_enums.made_fast
    outcomes = []
    for route in (lean_enums._create_, lean_enums._general):
        monkeypatch.setattr(enum.EnumType, "_create_", route)
        try:
            made_ = base("Case", members, **keywords)
        except (TypeError, ValueError) as error:
            outcomes.append(type(error))
        else:
            outcomes.append((made_.__module__, [(n, m._value_, type(vars(made_).get(n)).__name__)
                                                for n, m in made_.__members__.items()]))
    assert outcomes[0] == outcomes[1]
    assert lean_enums.made_fast == before


class Shade(enum.Flag):  # a place for the pickled members below
    pass


def test_an_enum_of_ours_in_pyside6s_shape_belongs_to_its_module_and_pickles(monkeypatch):
    """The fast route names the caller's module as the general route does (PySide6 renames its own afterwards)."""
    global Shade
    before = lean_enums.made_fast
    made_ = enum.Flag("Shade", [("LIGHT", 1), ("DARK", 2)], boundary=enum.KEEP)
    assert lean_enums.made_fast == before + 1
    assert made_.__module__ == __name__
    monkeypatch.setattr(sys.modules[__name__], "Shade", made_)
    assert pickle.loads(pickle.dumps(made_.LIGHT | made_.DARK)) == made_.LIGHT | made_.DARK
    general = lean_enums._general(enum.Flag, "Shade", [("LIGHT", 1)], boundary=enum.KEEP, module=__name__)
    assert general.__module__ == made_.__module__


def test_qt_values_outside_an_enum_still_pass():
    """shiboken's permissive `_missing_` (made with a dict, the general route) still answers for a fast-made enum."""
    odd = QSizePolicy.Policy(12345)
    assert odd.value == 12345 and type(odd) is QSizePolicy.Policy
    assert Qt.AlignmentFlag(0x8000) in (Qt.AlignmentFlag(0x8000),)
    assert QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed).horizontalPolicy() is \
        QSizePolicy.Policy.Expanding
