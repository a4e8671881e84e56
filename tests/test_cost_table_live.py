"""LiveFigures (the editor's figures under edits) always equals compute() of the whole table."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from app.domain import CostRow, RowKind, TotalKind
from app.domain.cost_table import compute, structure_problem
from app.domain.cost_table_live import LiveFigures
from tests.cost_tables import showcase_table

D = Decimal
SECTION, ITEM = RowKind.SECTION, RowKind.ITEM


class Table:
    """A table as an editor keeps it: a list of rows and its figures."""

    def __init__(self, rows: list[CostRow], **options) -> None:
        self.rows = rows
        self.live = LiveFigures(lambda a, b: self.rows[a:b], **options)
        self.live.append(len(rows))

    def assert_matches(self) -> None:
        live = self.live
        f = compute(live.table(self.rows))
        assert len(live) == len(self.rows)
        assert (live.net, live.tax, live.gross, live.total) == (f.net, f.tax, f.gross, f.total)
        assert (live.uses_discount, live.uses_vat, live.has_sections, live.has_settled, live.numbered) == (
            f.uses_discount, f.uses_vat, f.has_sections, f.has_settled, f.numbered)
        for i, x in enumerate(f.rows):
            mine = live.figures(i)
            assert (mine.discount, mine.unit_price, mine.vat_rate, mine.net, mine.tax, mine.gross) == (
                x.discount, x.unit_price, x.vat_rate, x.net, x.tax, x.gross), i
            assert (live.parent(i), live.end(i)) == (x.parent, x.end), i
        assert live.column("net") == [x.net for x in f.rows]


def random_item(rng: random.Random, level: int) -> CostRow:
    quantity = None if rng.random() < 0.15 else D(rng.randint(0, 500)) / D(rng.choice([1, 10, 100]))
    return CostRow(f"item{rng.randint(0, 999)}", "", "个", quantity, D(rng.randint(0, 99999)) / 100, "",
                   level=level, no=rng.choice(["", "", "1", "2.1"]),
                   discount=rng.choice([None, None, None, D("0.955"), D("0.9")]),
                   vat_rate=rng.choice([None, None, None, D("0.13"), D("0.06")]))


def random_rows(rng: random.Random, n: int) -> list[CostRow]:
    rows: list[CostRow] = []
    limit = 0
    for _ in range(n):
        level = rng.randint(0, limit)
        if rng.random() < 0.25 and level < 7:
            row = CostRow(f"section{len(rows)}", kind=SECTION, level=level, quantity=None, no="一",
                          discount=rng.choice([None, None, D("0.955")]), vat_rate=rng.choice([None, None, D("0.09")]))
            limit = level + 1
        else:
            row = random_item(rng, level)
            limit = level
        rows.append(row)
    return rows


def shaped(rows: list[CostRow]) -> bool:
    return structure_problem(rows) is None


def test_the_showcase_and_its_totals():
    table = Table(list(showcase_table()), vat_rate=D("0.13"), total_kind=TotalKind.CEILING)
    table.assert_matches()
    assert table.live.gross == D("272070.54")


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_keep_every_figure_equal_to_compute(seed):
    rng = random.Random(seed)
    table = Table(random_rows(rng, rng.randint(0, 60)), vat_rate=rng.choice([None, D("0.13")]))
    table.assert_matches()
    rows = table.rows
    for _step in range(120):
        what = rng.randrange(8)
        n = len(rows)
        if what == 0 and n:  # an item's figures, or a section's rates, edited in place
            i = rng.randrange(n)
            was = {i: rows[i]}
            if rows[i].is_section:
                rows[i] = CostRow(rows[i].item, kind=SECTION, level=rows[i].level, quantity=None,
                                  discount=rng.choice([None, D("0.8")]), vat_rate=rng.choice([None, D("0.06")]))
            else:
                rows[i] = random_item(rng, rows[i].level)
            table.live.changed(was)
        elif what == 1 and n:  # several rows at once
            picked = rng.sample(range(n), min(n, rng.randint(1, 5)))
            was = {i: rows[i] for i in picked}
            for i in picked:
                if not rows[i].is_section:
                    rows[i] = random_item(rng, rows[i].level)
            table.live.changed(was)
        elif what == 2:  # rows inserted
            at = rng.randint(0, n)
            new = random_rows(rng, rng.randint(1, 4))
            level = rng.randint(0, 2)
            new = [CostRow(**{**r.__dict__, "level": r.level + level}) for r in new]
            candidate = rows[:at] + new + rows[at:]
            if not shaped(candidate):
                continue
            rows[:] = candidate
            table.live.splice(at, at, len(new), [])
        elif what == 3 and n:  # rows deleted
            a = rng.randrange(n)
            b = min(n, a + rng.randint(1, 4))
            candidate = rows[:a] + rows[b:]
            if not shaped(candidate):
                continue
            was = rows[a:b]
            rows[:] = candidate
            table.live.splice(a, b, 0, was)
        elif what == 4 and n:  # indented or outdented
            a = rng.randrange(n)
            b = min(n, a + rng.randint(1, 4))
            step = rng.choice([-1, 1])
            candidate = rows[:a] + [CostRow(**{**r.__dict__, "level": r.level + step}) for r in rows[a:b]] + rows[b:]
            if not shaped(candidate):
                continue
            was = rows[a:b]
            rows[:] = candidate
            table.live.splice(a, b, b - a, was)
        elif what == 5 and n:  # made a section or an item
            i = rng.randrange(n)
            r = rows[i]
            new_row = (CostRow(r.item, level=r.level, quantity=D(3), unit_price=D("2.50")) if r.is_section
                       else CostRow(r.item, kind=SECTION, level=r.level, quantity=None))
            candidate = [*rows[:i], new_row, *rows[i + 1:]]
            if not shaped(candidate):
                continue
            was = rows[i:i + 1]
            rows[:] = candidate
            table.live.splice(i, i + 1, 1, was)
        elif what == 6 and n > 1:  # rows moved
            a = rng.randrange(n - 1)
            b = min(n, a + rng.randint(2, 6))
            part = rows[a:b]
            rng.shuffle(part)
            candidate = rows[:a] + part + rows[b:]
            if not shaped(candidate):
                continue
            was = rows[a:b]
            rows[:] = candidate
            table.live.splice(a, b, b - a, was)
        elif what == 7:  # the table's options
            table.live.set_options(rng.choice([None, D("0.955")]), rng.choice([None, D("0.13")]), TotalKind.FIXED)
        table.assert_matches()


def test_a_table_read_in_pages_gets_its_figures_as_the_blocks_complete():
    rows = list(showcase_table())
    table = Table([], vat_rate=D("0.13"))
    table.rows.extend(rows[:4])
    table.live.append(4)
    table.rows.extend(rows[4:])
    table.live.append(len(rows) - 4)
    table.assert_matches()


def test_a_flat_table_keeps_no_figures_of_its_own():
    """100,000 top-level items: their figures are computed when shown, so the editor's memory stays small."""
    rows = [CostRow(f"r{i}", quantity=D(i % 7), unit_price=D("3.33")) for i in range(1000)]
    table = Table(rows, vat_rate=D("0.13"))
    assert table.live._figs == [None] * 1000
    assert table.live.figures(6).tax == D("2.60")
    was = {5: rows[5]}
    rows[5] = CostRow("r5", quantity=None, unit_price=D("3.33"))
    table.live.changed(was)
    table.assert_matches()


def test_an_edit_under_a_large_section_does_not_compute_the_section_again(monkeypatch):
    """100,000 rows under one section: an item's edit computes that item alone."""
    rows = [CostRow("一", kind=SECTION, quantity=None, no="一")] + [
        CostRow(f"r{i}", quantity=D(1), unit_price=D("1.00"), level=1) for i in range(20_000)]
    table = Table(rows)
    calls = []
    import app.domain.cost_table_live as live_module

    real = live_module.compute
    monkeypatch.setattr(live_module, "compute", lambda t: calls.append(len(t)) or real(t))
    was = rows[501]
    rows[501] = CostRow("r500", quantity=D(2), unit_price=D("1.00"), level=1)
    table.live.changed({501: was})
    assert calls == [1]
    assert table.live.figures(0).net == D("20001.00")
    table.assert_matches()
