"""What changed between two versions of a cost table, row by row and cell by cell.

Used by `import-annex` to review a workbook before it is applied, and meant for the review and
revision views. Rows are matched in order first (so an inserted row does not make every row below
it look changed), then rows that only moved, then rows with the same item, then rows left in place that
still share most cells; everything unmatched is added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from app.domain import COST_COLUMNS, CostRow, table_total


@dataclass(frozen=True)
class CellChange:
    column: str
    old: object
    new: object


@dataclass(frozen=True)
class RowChange:
    """A row present in both tables: `old_index`/`new_index` are 0-based positions."""

    old_index: int
    new_index: int
    old: CostRow
    new: CostRow
    cells: tuple[CellChange, ...]


@dataclass(frozen=True)
class RowAt:
    index: int
    row: CostRow


@dataclass
class TableDiff:
    added: list[RowAt] = field(default_factory=list)
    removed: list[RowAt] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    #: Rows whose content is the same but whose position changed (other than by inserts/deletes around them).
    moved: list[RowChange] = field(default_factory=list)
    old_total: Decimal = Decimal("0.00")
    new_total: Decimal = Decimal("0.00")

    @property
    def total_change(self) -> Decimal:
        return self.new_total - self.old_total

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)


def _key(row: CostRow) -> tuple:
    return tuple(getattr(row, c) for c in COST_COLUMNS)


def cell_changes(old: CostRow, new: CostRow) -> tuple[CellChange, ...]:
    return tuple(
        CellChange(c, getattr(old, c), getattr(new, c)) for c in COST_COLUMNS if getattr(old, c) != getattr(new, c)
    )


def diff_cost_rows(old: list[CostRow], new: list[CostRow]) -> TableDiff:
    """The changes that turn `old` into `new`; quantities and prices compare as numbers (1 == 1.00)."""
    result = TableDiff(old_total=table_total(old), new_total=table_total(new))
    old_keys, new_keys = [_key(r) for r in old], [_key(r) for r in new]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    blocks: list[tuple[list[int], list[int]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            blocks.append((list(range(i1, i2)), list(range(j1, j2))))
    free_old = {i for olds, _news in blocks for i in olds}
    free_new = {j for _olds, news in blocks for j in news}
    pairs: list[tuple[int, int]] = []

    def pair_by(key_of) -> None:
        waiting: dict[object, list[int]] = {}
        for i in sorted(free_old):
            waiting.setdefault(key_of(old[i]), []).append(i)
        for j in sorted(free_new):
            bucket = waiting.get(key_of(new[j]))
            if bucket:
                i = bucket.pop(0)
                free_old.discard(i)
                free_new.discard(j)
                pairs.append((i, j))

    pair_by(_key)  # moved rows, unchanged
    pair_by(lambda r: (r.item, r.spec))  # same item and specification, other cells edited
    pair_by(lambda r: r.item)  # same item
    for olds, news in blocks:  # what is left where it was and still mostly alike: edited in place
        for i, j in zip([i for i in olds if i in free_old], [j for j in news if j in free_new], strict=False):
            if len(cell_changes(old[i], new[j])) * 2 > len(COST_COLUMNS):
                continue  # a different row in the same place: removed and added
            free_old.discard(i)
            free_new.discard(j)
            pairs.append((i, j))

    for i, j in sorted(pairs, key=lambda p: p[1]):
        cells = cell_changes(old[i], new[j])
        change = RowChange(i, j, old[i], new[j], cells)
        (result.changed if cells else result.moved).append(change)
    result.added = [RowAt(j, new[j]) for j in sorted(free_new)]
    result.removed = [RowAt(i, old[i]) for i in sorted(free_old)]
    return result
