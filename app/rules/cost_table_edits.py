"""Editing a cost table's sections: indent, outdent, make a row a section or an item, move rows with their
section, renumber — as pure functions, like app.rules.clauses for the clause tree.

A table is stored flat with levels (app.domain.cost_table), so the functions take its `kinds` and `levels`
(parallel lists, read only; an editor of 100,000 rows passes the lists it holds) and answer with what to
change: new levels by row, a new order of rows, new numbers. Before answering they check that the table
keeps its shape with `structure_problem` (only around the rows that change: the shape of a row depends on
the rows above it back to the top level only), and refuse with UserError naming the row and the reason,
changing nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import COST_COLUMN_LABELS, CostRow, RowKind
from app.domain.cost_table import MAX_LEVEL, structure_problem
from app.values.numbering import int_to_cn

SECTION = RowKind.SECTION.value
ITEM = RowKind.ITEM.value
#: Where a refusal is named when no single cell is at fault.
_WHERE = "level"


def where(row: int, column: str = _WHERE) -> str:
    """How a message names a cell: "row 12, Level" (rows counted from 1), as the store names it."""
    return _("row {row}, {column}").format(row=row + 1, column=_(COST_COLUMN_LABELS[column]))


def subtree_end(kinds: Sequence[str], levels: Sequence[int], index: int) -> int:
    """The index after a row's last row (the row itself for an item)."""
    end = index + 1
    if kinds[index] != SECTION:
        return end
    level = levels[index]
    n = len(levels)
    while end < n and levels[end] > level:
        end += 1
    return end


def block(kinds: Sequence[str], levels: Sequence[int], first: int, last: int) -> tuple[int, int]:
    """The rows `first … last` with every row under them: (start, stop)."""
    return first, max(subtree_end(kinds, levels, i) for i in range(first, last + 1))


def check(kinds: Sequence[str], levels: Sequence[int], start: int, stop: int) -> None:
    """Refuse (UserError naming the row) when rows `start … stop` — the changed rows and the one after them —
    break the table's shape; the rows above `start` are taken as they are."""
    lo = start
    while lo > 0 and (lo >= len(levels) or levels[lo] > 0):
        lo -= 1
    hi = min(stop + 1, len(levels))
    rows = [CostRow(kind=RowKind(kinds[i]), level=levels[i], quantity=None) for i in range(lo, hi)]
    problem = structure_problem(rows)
    if problem is not None:
        index, column, message = problem
        raise UserError(message, where(lo + index, column if column in ("level", "no") else _WHERE))


class _Overlay(Sequence):
    """A list read through a few replaced values (so 100,000 levels are not copied for a change of three)."""

    def __init__(self, base: Sequence, changes: Mapping[int, object]) -> None:
        self.base, self.changes = base, changes

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i):  # type: ignore[override]
        return self.changes.get(i, self.base[i])


def indent(kinds: Sequence[str], levels: Sequence[int], first: int, last: int) -> dict[int, int]:
    """Put rows `first … last` (with their rows) one level deeper, into the section above them: new levels."""
    start, stop = block(kinds, levels, first, last)
    new = {i: levels[i] + 1 for i in range(start, stop)}
    if any(level > MAX_LEVEL for level in new.values()):
        raise UserError(_("a level is from 0 to {n}").format(n=MAX_LEVEL), where(start))
    if start == 0 or (kinds[start - 1] != SECTION and levels[start - 1] <= levels[start]):
        raise UserError(_("the row above is not a section: make it a section first, or move the row under one"),
                        where(start))
    check(kinds, _Overlay(levels, new), start, stop)
    return new


def outdent(kinds: Sequence[str], levels: Sequence[int], first: int, last: int) -> dict[int, int]:
    """Take rows `first … last` (with their rows) one level up, out of their section: new levels."""
    start, stop = block(kinds, levels, first, last)
    top = next((i for i in range(first, last + 1) if levels[i] == 0), None)
    if top is not None:
        raise UserError(_("the row is already at the top level"), where(top))
    new = {i: levels[i] - 1 for i in range(start, stop)}
    try:
        check(kinds, _Overlay(levels, new), start, stop)
    except UserError as exc:
        if stop < len(levels) and levels[stop] == levels[start]:
            raise UserError(_("the rows below it in its section would be left under an item: move it below them "
                              "first (Alt+Down), or outdent them too"), where(start)) from exc
        raise
    return new


def make_sections(kinds: Sequence[str], levels: Sequence[int], rows: Sequence[int]) -> list[int]:
    """Rows to turn into sections (those that are items): their subtotals come from the rows put under them."""
    return [i for i in rows if kinds[i] != SECTION]


def make_items(kinds: Sequence[str], levels: Sequence[int], rows: Sequence[int]) -> list[int]:
    """Sections to turn into items; refused for a section that holds rows."""
    out = []
    for i in rows:
        if kinds[i] != SECTION:
            continue
        held = subtree_end(kinds, levels, i) - i - 1
        if held:
            raise UserError(_("the section holds {n} rows: outdent, move or delete them first").format(n=held),
                            where(i, "kind"))
        out.append(i)
    return out


def move(kinds: Sequence[str], levels: Sequence[int], first: int, last: int, step: int) -> tuple[int, list[int]]:
    """Move rows `first … last` with their rows one place up (-1) or down (+1): past the whole neighbouring
    row with its rows, or past the heading of the section they leave or enter. Answers (start, order): the
    rows `start …` take the rows of `order` (old indices) in turn."""
    start, stop = block(kinds, levels, first, last)
    level = levels[start]
    if step < 0:
        if start == 0:
            raise UserError(_("the rows are already at the top of the table"), where(start))
        s = start - 1
        while s > 0 and levels[s] > level:
            s -= 1
        order = [*range(start, stop), *range(s, start)]
        lo = s
    else:
        if stop >= len(levels):
            raise UserError(_("the rows are already at the bottom of the table"), where(stop - 1))
        e = subtree_end(kinds, levels, stop) if levels[stop] == level else stop + 1
        order = [*range(stop, e), *range(start, stop)]
        lo = start
    moved_kinds = _Overlay(kinds, {lo + k: kinds[i] for k, i in enumerate(order)})
    moved_levels = _Overlay(levels, {lo + k: levels[i] for k, i in enumerate(order)})
    check(moved_kinds, moved_levels, lo, lo + len(order))
    return lo, order


def renumber(kinds: Sequence[str], levels: Sequence[int], nos: Sequence[str]) -> dict[int, str]:
    """Numbers by place, as offices number a priced bill: the top level 一, 二, 三 (1, 2, 3 when it holds no
    section), the next 1, 2, 3, deeper ones after their section's number (1.1, 1.1.1). A section is always
    numbered; an item is when it or a row beside it (in the same section) is. Answers the numbers that change."""
    parents: list[int | None] = []
    stack: list[int] = []
    for i, level in enumerate(levels):
        while stack and levels[stack[-1]] >= level:
            stack.pop()
        parents.append(stack[-1] if stack else None)
        if kinds[i] == SECTION:
            stack.append(i)
    groups: dict[int | None, list[int]] = {}
    for i, parent in enumerate(parents):
        groups.setdefault(parent, []).append(i)
    numbered = {parent for parent, rows in groups.items() if any(kinds[i] == SECTION or nos[i] for i in rows)}
    new: list[str] = list(nos)
    for i, parent in enumerate(parents):  # parents come before their rows, so their new numbers are known
        if parent not in numbered:
            continue
        place = bisect_left(groups[parent], i) + 1
        if parent is None:
            chinese = any(kinds[k] == SECTION for k in groups[None])
            new[i] = int_to_cn(place) if chinese and place < 1000 else str(place)
        elif parents[parent] is None or not _dotted(new[parent]):
            new[i] = str(place)
        else:
            new[i] = f"{new[parent]}.{place}"
    return {i: no for i, no in enumerate(new) if no != nos[i]}


def _dotted(no: str) -> bool:
    return bool(no) and all(part.isascii() and part.isdigit() for part in no.split("."))
