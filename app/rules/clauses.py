"""Editing the clause tree: add, delete, indent, outdent, move and renumber, as pure functions.

A clause is addressed by its index path in the tree: (4, 3) is the fourth child of the fifth
top-level clause (5.4 in the sample). Every function works on the list it is given, in place, and
returns the new path of the clause it moved, so the editor can keep it selected. Refused
operations raise UserError and leave the list unchanged.
"""

from __future__ import annotations

import copy

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Clause
from app.values.numbering import article_no, child_no

Path = tuple[int, ...]


def siblings(clauses: list[Clause], path: Path) -> list[Clause]:
    """The list that holds the clause at `path` (the top-level list or a parent's children)."""
    if not path:
        raise UserError(_("no clause is selected"), "clauses")
    return clauses if len(path) == 1 else get(clauses, path[:-1]).clauses


def get(clauses: list[Clause], path: Path) -> Clause:
    """The clause at `path`; UserError if there is none."""
    items = clauses
    clause: Clause | None = None
    for index in path:
        if not 0 <= index < len(items):
            raise UserError(_("there is no such clause"), "clauses")
        clause = items[index]
        items = clause.clauses
    if clause is None:
        raise UserError(_("no clause is selected"), "clauses")
    return clause


def find(clauses: list[Clause], no: str) -> Path | None:
    """The path of the first clause numbered `no` (as `check` names it: clause:5.4), or None."""
    wanted = no.strip()

    def search(items: list[Clause], prefix: Path) -> Path | None:
        for i, clause in enumerate(items):
            if clause.no.strip() == wanted:
                return (*prefix, i)
            found = search(clause.clauses, (*prefix, i))
            if found is not None:
                return found
        return None

    return search(clauses, ())


def paths(clauses: list[Clause]) -> list[Path]:
    """Every clause's path in document order."""
    out: list[Path] = []

    def visit(items: list[Clause], prefix: Path) -> None:
        for i, clause in enumerate(items):
            out.append((*prefix, i))
            visit(clause.clauses, (*prefix, i))

    visit(clauses, ())
    return out


def snapshot(clauses: list[Clause]) -> list[Clause]:
    """A deep copy, for undo: later edits to the live list do not reach it."""
    return copy.deepcopy(clauses)


def add_after(clauses: list[Clause], path: Path | None, clause: Clause | None = None) -> Path:
    """Insert a clause after `path` at the same level (at the end of the top level when None)."""
    new = clause if clause is not None else Clause()
    if path is None or not path:
        clauses.append(new)
        return (len(clauses) - 1,)
    items = siblings(clauses, path)
    get(clauses, path)
    items.insert(path[-1] + 1, new)
    return (*path[:-1], path[-1] + 1)


def add_child(clauses: list[Clause], path: Path, clause: Clause | None = None) -> Path:
    """Append a clause as the last child of the clause at `path`."""
    parent = get(clauses, path)
    parent.clauses.append(clause if clause is not None else Clause())
    return (*path, len(parent.clauses) - 1)


def delete(clauses: list[Clause], path: Path) -> Clause:
    """Remove the clause at `path` with everything under it; returns it."""
    get(clauses, path)
    return siblings(clauses, path).pop(path[-1])


def move(clauses: list[Clause], path: Path, delta: int) -> Path:
    """Move a clause up (delta -1) or down (+1) among its siblings."""
    items = siblings(clauses, path)
    get(clauses, path)
    target = path[-1] + delta
    if not 0 <= target < len(items):
        raise UserError(
            _("the clause is already the first at its level") if delta < 0 else _("the clause is already the last at its level"),
            "clauses",
        )
    items.insert(target, items.pop(path[-1]))
    return (*path[:-1], target)


def indent(clauses: list[Clause], path: Path) -> Path:
    """Make the clause the last child of the clause just above it (5.5 → 5.4.5)."""
    items = siblings(clauses, path)
    get(clauses, path)
    if path[-1] == 0:
        raise UserError(_("the first clause at its level cannot be indented"), "clauses")
    new_parent = items[path[-1] - 1]
    new_parent.clauses.append(items.pop(path[-1]))
    return (*path[:-1], path[-1] - 1, len(new_parent.clauses) - 1)


def outdent(clauses: list[Clause], path: Path) -> Path:
    """Move the clause up a level, right after its former parent (5.4.2 → 5.5)."""
    get(clauses, path)
    if len(path) < 2:
        raise UserError(_("a top-level clause cannot be outdented"), "clauses")
    clause = siblings(clauses, path).pop(path[-1])
    parent_path = path[:-1]
    siblings(clauses, parent_path).insert(parent_path[-1] + 1, clause)
    return (*parent_path[:-1], parent_path[-1] + 1)


def renumber(clauses: list[Clause]) -> int:
    """Number the whole tree afresh (第一条 …, then 1.1, 1.1.1 below); returns how many numbers changed."""
    changed = 0

    def visit(items: list[Clause], prefix: tuple[int, ...]) -> None:
        nonlocal changed
        for i, clause in enumerate(items, start=1):
            no = article_no(i) if not prefix else child_no(prefix, i)
            if clause.no != no:
                clause.no = no
                changed += 1
            visit(clause.clauses, (*prefix, i))

    visit(clauses, ())
    return changed


def next_no(clauses: list[Clause], path: Path) -> str:
    """A number for a new clause at `path`, following its level's style (第N条 or dotted)."""
    if len(path) == 1:
        return article_no(path[0] + 1)
    parent_numbers: list[int] = []
    items = clauses
    for index in path[:-1]:
        parent_numbers.append(index + 1)
        items = items[index].clauses
    return child_no(tuple(parent_numbers), path[-1] + 1)
