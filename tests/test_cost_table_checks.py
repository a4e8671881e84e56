"""The check and the review diff on cost tables with sections: ceilings against instalments, subtotals a workbook
stated wrongly, VAT and 按实结算 rows; a row moved into or out of a section reads as such."""

from __future__ import annotations

import copy
from decimal import Decimal

from app.domain import CostRow, CostTable, RowKind, TotalKind
from app.review.diff import diff_contracts
from app.review.report import diff_json, diff_lines, table_lines
from app.rules.checks import Severity, check
from app.rules.tablediff import diff_cost_rows

from .cost_tables import GROSS, NET, showcase_table, use_showcase

D = Decimal


def _findings(contract, code: str):
    return [f for f in check(contract) if f.code == code]


def test_the_showcase_within_its_ceiling_passes(sample):
    use_showcase(sample)
    found = [f for f in check(sample) if f.code.startswith(("cost-table", "payment"))]
    assert found == []


def test_instalments_above_the_ceiling_are_an_error(sample):
    use_showcase(sample)
    sample.payments[2].amount = D("100000.01")  # 300,000.01 against a ceiling of 300,000.00
    [finding] = _findings(sample, "payment-sum")
    assert finding.severity is Severity.ERROR
    assert finding.message == "instalments add up to ¥300,000.01, above the contract's ceiling of ¥300,000.00 by ¥0.01"


def test_a_table_above_its_ceiling_is_an_error(sample):
    use_showcase(sample)
    sample.total = D("272070.53")
    sample.payments[2].amount = D("72070.53")
    [finding] = _findings(sample, "cost-table-total")
    assert finding.severity is Severity.ERROR and "above the contract's ceiling of ¥272,070.53" in finding.message


def test_a_fixed_table_compares_gross_or_net_as_the_total_says(sample):
    use_showcase(sample)
    table = sample.annex("3").table
    table.total_kind = TotalKind.FIXED
    sample.total = GROSS
    sample.payments[2].amount = GROSS - D("200000.00")
    assert _findings(sample, "cost-table-total") == []
    sample.tax_inclusive = False  # the contract total is before VAT: the table's net amounts count
    [finding] = _findings(sample, "cost-table-total")
    assert "adds up to ¥254,522.60" in finding.message
    sample.total, sample.payments[2].amount = NET, NET - D("200000.00")
    assert _findings(sample, "cost-table-total") == []
    # 按实结算 rows in a fixed total are worth a word
    [warning] = _findings(sample, "cost-table-settled")
    assert warning.severity is Severity.WARNING and "rows 9、10、11" in warning.message


def test_an_estimate_that_differs_is_a_warning(sample):
    use_showcase(sample)
    sample.annex("3").table.total_kind = TotalKind.ESTIMATE
    [finding] = _findings(sample, "cost-table-total")
    assert finding.severity is Severity.WARNING and "(an estimate)" in finding.message


def test_a_subtotal_stated_wrongly_is_reported_with_both_figures(sample):
    use_showcase(sample)
    sample.annex("3").table[2].stated = D("14610.00")  # 1.1 乔木养护: the rows add up to 14,601.00
    [finding] = _findings(sample, "cost-table-subtotal")
    assert finding.severity is Severity.ERROR and finding.where == "annex:3"
    assert finding.message == ("annex 3, row 3 (1.1 乔木养护): the table it was read from states a subtotal of ¥14,610.00, "
                               "its rows add up to ¥14,601.00")


def test_a_priced_row_without_a_vat_rate_in_a_vat_table_is_a_warning(sample):
    use_showcase(sample)
    table = sample.annex("3").table
    table.vat_rate = None  # only 卫生保洁 keeps its own 6 %
    [warning] = _findings(sample, "cost-table-vat")
    assert "rows 4、5、6" in warning.message


def _indented(table: CostTable) -> CostTable:
    """The showcase with a new top-level row 绿篱修剪 (after 草坪养护) indented into 1 绿化维护."""
    rows = list(table)
    rows.insert(6, CostRow("绿篱修剪", "", "米", D("300"), D("4.00"), "", level=2, no="1.3"))
    return table.with_rows(rows)


def test_a_row_moved_into_a_section_reads_as_such():
    before = showcase_table()
    rows = list(before)
    rows.insert(7, CostRow("绿篱修剪", "", "米", D("300"), D("4.00"), "", no="三"))  # top level, after 一
    old = before.with_rows(rows)
    new = _indented(before)
    diff = diff_cost_rows(old, new)
    assert not diff.added and not diff.removed
    [change] = diff.changed
    assert change.section_changed and (change.old_section, change.new_section) == (None, "1 绿化维护")
    assert "No.: 三 → 1.3; moved into section 1 绿化维护" in "\n".join(table_lines(diff))
    # and out again, with no other change: a move of its own
    back = diff_cost_rows(new, old.with_rows([*old[:7], CostRow("绿篱修剪", "", "米", D("300"), D("4.00"), "", no="1.3"), *old[8:]]))
    [moved] = [m for m in back.moved if m.section_changed]
    assert (moved.new.item, moved.old_section, moved.new_section) == ("绿篱修剪", "1 绿化维护", None)
    assert "row 7 → 8: 1.3 绿篱修剪 moved out of section 1 绿化维护 to the top level" in "\n".join(table_lines(back))


def test_a_section_heading_inserted_above_rows_moves_them_into_it(sample):
    old = copy.deepcopy(sample)
    rows = list(sample.annex("3").table)
    sample.annex("3").table = CostTable([CostRow("云存储服务", kind=RowKind.SECTION, no="一", quantity=None),
                                         *[CostRow(r.item, r.spec, r.unit, r.quantity, r.unit_price, r.remark, level=1)
                                           for r in rows]])
    diff = diff_contracts(old, sample)
    lines = diff_lines(diff)
    assert any("+ row 1: section 一 云存储服务" in line for line in lines)
    moved = [line for line in lines if "moved into section 一 云存储服务" in line]
    assert len(moved) == 3
    data = diff_json(diff)["annexes"][0]["table"]
    assert data["moved"][0]["section"] == [None, "一 云存储服务"]
    assert diff.total_effect == 0


def test_table_options_changes_are_listed(sample):
    old = copy.deepcopy(sample)
    table = sample.annex("3").table
    sample.annex("3").table = table.with_rows(table) if isinstance(table, CostTable) else CostTable(table)
    sample.annex("3").table.vat_rate = D("0.06")
    lines = diff_lines(diff_contracts(old, sample))
    assert "* table VAT rate: (none) → 6%" in "\n".join(lines)
