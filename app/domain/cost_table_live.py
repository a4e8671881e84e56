"""A cost table's figures kept current while it is edited, for an editor that holds 100,000 rows.

`compute()` (app.domain.cost_table) gives every figure of a table, but takes a quarter of a second on
100,000 rows, and a cell edit must update the total within a few milliseconds. `LiveFigures` therefore keeps
`compute()`'s answers and, after an edit, asks `compute()` again only for what the edit can change:

- a top-level block (a row at level 0 and, for a section, every row under it) is computed on its own: no
  figure of one block depends on another, and the table's totals are the sums of the blocks' (the module
  rule of app.domain.cost_table: sums of rounded row figures). An edit takes away what its blocks added as
  they were (computed from the rows as they were, which the caller passes) and adds what they add now;
- an item whose quantity, price or own rates change is computed alone (with the rates it inherits), and the
  sections above it change by exactly the difference of its rounded figures.

Nothing here rounds or prices anything itself: every row figure comes from `compute()`. The tests compare
the figures after every kind of edit with `compute()` of the whole table.

Only the figures of sections and of the rows in them are kept; a top-level item's are computed when asked
for (they depend on that row and the table's options alone), so a flat table of 100,000 rows costs a list
of empty slots. Rows are read through `rows(start, stop)`, so the owner keeps them as it likes (an editor
keeps columns). A kept figure was computed for a slice of the table: its `parent` and `end` count from
`_base[index]`, where the slice started (so inserting rows shifts integers, not figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from app.domain.cost_table import ZERO, CostRow, CostTable, RowFigures, RowKind, TotalKind, compute

# What a row makes the table use (a column shown, a kind of row present).
_OWN_DISCOUNT, _OWN_VAT, _SECTION, _SETTLED, _NUMBERED = 1, 2, 4, 8, 16
_FLAGS = (_OWN_DISCOUNT, _OWN_VAT, _SECTION, _SETTLED, _NUMBERED)
#: More rows than this changed at once are computed as one range rather than one by one.
_ONE_BY_ONE = 64
#: Top-level items' figures computed for display are kept until the next edit, at most this many.
_CACHE = 4096


def _flags(row: CostRow) -> int:
    bits = 0
    if row.discount is not None:
        bits |= _OWN_DISCOUNT
    if row.vat_rate is not None:
        bits |= _OWN_VAT
    if row.is_section:
        bits |= _SECTION
    elif row.quantity is None:
        bits |= _SETTLED
    if row.no:
        bits |= _NUMBERED
    return bits


def _share(f: RowFigures) -> tuple[Decimal, Decimal, Decimal]:
    """What a row adds to its section's (or the table's) figures, as `compute()` adds it (nothing unpriced)."""
    return f.net or ZERO, f.tax or ZERO, f.gross or ZERO


class LiveFigures:
    """The figures of a table whose rows change. After rows were inserted, deleted, moved or reshaped call
    `splice` with the rows as they were; after cells changed in place, `changed`; after the table's own
    options changed, `set_options`. Rows past `len(self)` have no figures yet (a table still being read)."""

    def __init__(self, rows: Callable[[int, int], list[CostRow]], discount: Decimal | None = None,
                 vat_rate: Decimal | None = None, total_kind: TotalKind = TotalKind.FIXED) -> None:
        self._rows = rows
        self.discount, self.vat_rate, self.total_kind = discount, vat_rate, total_kind
        #: Kept figures; None for a top-level item (computed when asked for).
        self._figs: list[RowFigures | None] = []
        self._base: list[int] = []
        self._cache: dict[int, RowFigures] = {}
        self._counts = dict.fromkeys(_FLAGS, 0)
        self.net = self.tax = self.gross = ZERO

    def __len__(self) -> int:
        return len(self._figs)

    # ------------------------------------------------------------------ reading

    def figures(self, index: int) -> RowFigures | None:
        """The row's figures, None for a row not read yet (their `parent` and `end` do not count from the
        table's top: use `parent()` and `end()`)."""
        if index >= len(self._figs):
            return None
        kept = self._figs[index]
        if kept is not None:
            return kept
        found = self._cache.get(index)
        if found is None:
            if len(self._cache) >= _CACHE:
                self._cache.clear()
            found = self._cache[index] = compute(self.table(self._rows(index, index + 1))).rows[0]
        return found

    def column(self, name: str) -> list:
        """One figure (a RowFigures field) of every row, for sorting by it: the whole table computed once."""
        kept = self._figs
        if all(f is None for f in kept):
            return [getattr(x, name) for x in compute(self.table(self._rows(0, len(kept)))).rows]
        return [getattr(self.figures(i), name) for i in range(len(kept))]

    def parent(self, index: int) -> int | None:
        """The index of the section the row is in (None at the top level)."""
        f = self._figs[index]
        if f is None or f.parent is None:
            return None
        return self._base[index] + f.parent

    def end(self, index: int) -> int:
        """The index after the row's last row (a section's rows are `index + 1 … end - 1`)."""
        f = self._figs[index]
        return index + 1 if f is None else self._base[index] + f.end

    def ancestors(self, index: int) -> list[int]:
        """The sections the row is in, innermost first."""
        out = []
        p = self.parent(index)
        while p is not None:
            out.append(p)
            p = self.parent(p)
        return out

    def root(self, index: int) -> int:
        """The top-level row whose block holds the row."""
        chain = self.ancestors(index)
        return chain[-1] if chain else index

    @property
    def uses_discount(self) -> bool:
        return self.discount is not None or self._counts[_OWN_DISCOUNT] > 0

    @property
    def uses_vat(self) -> bool:
        return self.vat_rate is not None or self._counts[_OWN_VAT] > 0

    @property
    def has_sections(self) -> bool:
        return self._counts[_SECTION] > 0

    @property
    def has_settled(self) -> bool:
        return self._counts[_SETTLED] > 0

    @property
    def numbered(self) -> bool:
        return self._counts[_NUMBERED] > 0

    @property
    def total(self) -> Decimal:
        """As `TableFigures.total`: the gross total when the table shows VAT, else the sum of the amounts."""
        return self.gross if self.uses_vat else self.net

    def table(self, rows: Iterable[CostRow]) -> CostTable:
        """Rows with this table's options."""
        return CostTable(rows, discount=self.discount, vat_rate=self.vat_rate, total_kind=self.total_kind)

    # ------------------------------------------------------------------ keeping up with edits

    def set_options(self, discount: Decimal | None, vat_rate: Decimal | None, total_kind: TotalKind) -> None:
        """New table options: every row may inherit them, so the whole table is computed again."""
        self.discount, self.vat_rate, self.total_kind = discount, vat_rate, total_kind
        n = len(self._figs)
        self._figs, self._base, self._cache = [], [], {}
        self._counts = dict.fromkeys(_FLAGS, 0)
        self.net = self.tax = self.gross = ZERO
        self.append(n)

    def append(self, count: int) -> None:
        """`count` rows were added at the end (a table read page by page)."""
        self.splice(len(self._figs), len(self._figs), count, ())

    def splice(self, start: int, stop: int, count: int, old: Sequence[CostRow]) -> None:
        """Rows `start … stop - 1`, which were `old`, were replaced by `count` rows (now at `start …`); every other
        row kept its values. The top-level blocks the change touches are computed again, nothing else."""
        old_n = len(self._figs)
        lo = self.root(start) if start < old_n else old_n
        hi = stop if stop >= old_n or self.parent(stop) is None else self.end(self.root(stop))
        shift = count - (stop - start)
        if lo == start and 0 < lo < hi + shift and self._rows(lo, lo + 1)[0].level > 0:
            lo = self.root(lo - 1)  # the change continues the block above (a row indented into a section)
        before = [*self._rows(lo, start), *old, *self._rows(stop + shift, hi + shift)]
        if before:
            was = compute(self.table(before))
            self._add(was.net, was.tax, was.gross, sign=-1)
            self._count_rows(before, -1)
        rows = self._rows(lo, hi + shift)
        now = compute(self.table(rows))
        self._add(now.net, now.tax, now.gross)
        self._count_rows(rows, 1)
        self._figs[lo:hi] = [None if x.parent is None and not row.is_section else x
                             for row, x in zip(rows, now.rows, strict=True)]
        self._base[lo:hi] = [lo] * len(rows)
        if shift:
            after = lo + len(rows)
            self._base[after:] = [b + shift for b in self._base[after:]]
        self._cache.clear()

    def changed(self, old: Mapping[int, CostRow]) -> None:
        """Cells of these rows (index → the row as it was) changed in place; their kinds and levels did not
        (else use `splice`)."""
        if not old:
            return
        wanted = sorted(old)
        for i in wanted:
            self._cache.pop(i, None)
        now = {i: self._rows(i, i + 1)[0] for i in wanted} if len(wanted) <= _ONE_BY_ONE else {}
        # One item at a time when each is an item that stays priced (or unpriced); else the blocks again: a
        # section's rows inherit its rates, and whether a section has a subtotal at all depends on its rows.
        if now and all(not (old[i].is_section or row.is_section) and (old[i].quantity is None) == (row.quantity is None)
                       for i, row in now.items()):
            for index in wanted:
                self._item_changed(index, old[index], now[index])
            return
        a, b = wanted[0], wanted[-1] + 1
        self.splice(a, b, b - a, [old.get(k, row) for k, row in zip(range(a, b), self._rows(a, b), strict=True)])

    def _item_changed(self, index: int, was: CostRow, row: CostRow) -> None:
        """Compute one item (`was`, now `row`) on its own and move the sections above it by the change in its
        figures."""
        parent = self.parent(index)
        above = self._figs[parent] if parent is not None else None
        discount, vat = (above.discount, above.vat_rate) if above is not None else (self.discount, self.vat_rate)
        kept = self._figs[index]
        old = kept if kept is not None else compute(CostTable([replace(was, level=0)], discount=discount,
                                                              vat_rate=vat)).rows[0]
        new = compute(CostTable([replace(row, level=0)], discount=discount, vat_rate=vat)).rows[0]
        if kept is not None:
            self._figs[index] = RowFigures(new.discount, new.unit_price, new.vat_rate, new.net, new.tax, new.gross,
                                           kept.parent, kept.end)
        self._count(_flags(was), -1)
        self._count(_flags(row), 1)
        (n0, t0, g0), (n1, t1, g1) = _share(old), _share(new)
        dn, dt, dg = n1 - n0, t1 - t0, g1 - g0
        if not (dn or dt or dg):
            return
        p = parent
        while p is not None:
            s = self._figs[p]
            assert s is not None
            self._figs[p] = replace(s, net=s.net + dn, tax=s.tax + dt, gross=s.gross + dg)  # type: ignore[operator]
            p = self.parent(p)
        self._add(dn, dt, dg)

    def _add(self, net: Decimal, tax: Decimal, gross: Decimal, sign: int = 1) -> None:
        if sign < 0:
            self.net, self.tax, self.gross = self.net - net, self.tax - tax, self.gross - gross
        else:
            self.net, self.tax, self.gross = self.net + net, self.tax + tax, self.gross + gross

    def _count_rows(self, rows: list[CostRow], step: int) -> None:
        """Count what these rows make the table use (a pass per flag: quicker than a call per row)."""
        counts = self._counts
        counts[_OWN_DISCOUNT] += step * sum(1 for r in rows if r.discount is not None)
        counts[_OWN_VAT] += step * sum(1 for r in rows if r.vat_rate is not None)
        sections = sum(1 for r in rows if r.kind is RowKind.SECTION)
        counts[_SECTION] += step * sections
        if sections < len(rows):
            counts[_SETTLED] += step * sum(1 for r in rows if r.quantity is None and r.kind is not RowKind.SECTION)
        counts[_NUMBERED] += step * sum(1 for r in rows if r.no)

    def _count(self, bits: int, step: int) -> None:
        if bits:
            for flag in _FLAGS:
                if bits & flag:
                    self._counts[flag] += step
