"""Qt's enums made through the standard library's fast path: ≈15–25 ms of every start, before the first paint.

PySide6 makes a Python `enum` class for each Qt enum the first time Python touches its class or namespace, by
calling the functional API (`Flag("AlignmentFlag", [("AlignLeft", 1), …], boundary=KEEP)`). CPython's
general route runs a Python method for every member (`_proto_member.__set_name__`, ≈9 µs each); the window's first
paint needs 228 enums with 3,671 members (the `Qt` namespace alone has 1,206), ≈35 ms of it under Python 3.11
against ≈10 ms for a bare window. The standard library makes its own enums (`re.RegexFlag`, `http.HTTPStatus` …)
through `enum._simple_enum`, which builds the members directly and takes half the time.

`install` routes exactly PySide6's call shape there: one of the four base classes, a list of (name, int) pairs,
`boundary=KEEP` and nothing else given, with no name that is private, repeated or already an attribute of the base
class (a member named `real` or `name` needs the descriptor handling of the general route). The result is made the
same as the general route's: its members are plain class attributes (not `property` redirects, as `_simple_enum`
leaves them under 3.11), its `__doc__` and `_generate_next_value_` are the general route's, and its `__module__`
is the caller's, found as the general route finds it (for every call: this frame sits in between). Every other call —
a string or dict of members, a module or qualname given, shiboken's stand-in for a missing value — goes the general
way. tests/test_lean_enums.py makes every enum of QtCore, QtGui and QtWidgets both ways and compares
members, aliases, lookups, flags' masks and operators, repr, str, format, hash and pickling.
"""

from __future__ import annotations

import builtins
import enum
import sys
from typing import Any

_general = vars(enum.EnumType)["_create_"]  # the standard route (a plain function of the metaclass)
_simple_enum = getattr(enum, "_simple_enum", None)  # the standard library's fast route (3.11 and later)
#: The bases PySide6 makes its enums from, each with the boundary `_simple_enum` is given for it.
_BOUNDARY: dict[type, enum.FlagBoundary | None] = {
    enum.Enum: None, enum.IntEnum: None, enum.Flag: enum.KEEP, enum.IntFlag: enum.KEEP,
}
#: Every attribute a base class has (its `dir` leaves out the members' `name` and `value` descriptors).
_TAKEN = {base: frozenset(name for klass in base.__mro__ for name in vars(klass)) for base in _BOUNDARY}
#: How many enums were made the fast way (for the tests and for a look in a debugger).
made_fast = 0


def _general_made(base: type) -> dict[str, Any]:
    """What the general route puts into a class made from `base` that `_simple_enum` does not (same Python)."""
    probe = _general(base, "Probe", [("A", 1)], boundary=enum.KEEP)
    return {name: probe.__dict__[name] for name in ("__doc__", "_generate_next_value_") if name in probe.__dict__}


_AS_GENERAL = {base: _general_made(base) for base in _BOUNDARY}


def _callers_module() -> str | None:
    """The module of the code that called the enum class (two frames up from `_create_`, as the general route looks
    from its own frame), or None when it cannot be told."""
    try:
        return sys._getframemodulename(3)  # type: ignore[attr-defined]  # 3.12 and later
    except AttributeError:
        try:
            return sys._getframe(3).f_globals["__name__"]
        except (AttributeError, ValueError, KeyError):
            return None


def _plain_members(base: type, names: list[Any]) -> dict[str, Any] | None:
    """`names` as a name → value dict when each is a (name, int) pair the fast route makes exactly as the general one
    does; None otherwise."""
    taken = _TAKEN[base]
    members: dict[str, Any] = {}
    for item in names:
        if builtins.type(item) is not tuple or len(item) != 2:
            return None
        name, value = item
        if (builtins.type(name) is not str or builtins.type(value) is not int or name.startswith("_")
                or name in taken or name in members):
            return None
        members[name] = value
    return members


def _create_(cls: Any, class_name: Any, names: Any = None, *, module: Any = None, qualname: Any = None,
             type: Any = None, start: int = 1, boundary: Any = None) -> Any:  # the stdlib's own parameter names
    """`EnumType._create_`, the functional API's worker: PySide6's calls the fast way, every other the general way."""
    global made_fast
    shiboken_shape = (cls in _BOUNDARY and boundary is enum.KEEP and module is None
                      and qualname is None and type is None and start == 1 and builtins.type(class_name) is str
                      and builtins.type(names) is list)
    if module is None:  # the caller's module, found as the general route finds it (this frame sits in between)
        module = _callers_module()
    if shiboken_shape and module is not None and _simple_enum is not None:
        members: dict[str, Any] | None = _plain_members(cls, names)
        if members is not None:
            members["__module__"] = module
            made = _simple_enum(cls, boundary=_BOUNDARY[cls])(builtins.type(class_name, (), members))
            for name, member in made._member_map_.items():  # plain attributes, as the general route leaves them
                builtins.type.__setattr__(made, name, member)
            for name, value in _AS_GENERAL[cls].items():
                builtins.type.__setattr__(made, name, value)
            made_fast += 1
            return made
    return _general(cls, class_name, names, module=module, qualname=qualname, type=type, start=start,
                    boundary=boundary)


def install() -> None:
    """Route the functional API through `_create_` (before PySide6 makes its first enum); a Python without the fast
    path keeps the general route."""
    if callable(_simple_enum) and vars(enum.EnumType)["_create_"] is _general:
        enum.EnumType._create_ = _create_  # type: ignore[attr-defined]
