"""The cost-table model: sections add up their rows, 按实结算 rows have no amount, discounts and VAT round half up
to the fen per row and totals are sums of rounded rows; flat tables compute exactly as before."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import jsonschema
import pytest

from app.base.errors import UserError
from app.base.resources import resource
from app.codecs.json_codec import dumps, loads
from app.domain import CostRow, CostTable, RowKind, TotalKind, table_total
from app.domain.cost_table import format_rate, parse_rate, structure_problem
from app.values.money import AmountError

from .cost_tables import GROSS, NET, TAX, showcase_rows, showcase_table, use_showcase

D = Decimal
SCHEMA = json.loads(resource("schema", "contract.schema.json").read_text(encoding="utf-8"))


def test_showcase_figures_row_by_row():
    table = showcase_table()
    f = table.figures()
    by_no = {(r.no, r.item): x for r, x in zip(table, f.rows, strict=True)}
    assert by_no[("1.1", "乔木养护")].net == D("14601.00")  # 4,266.00 + 10,335.00
    assert by_no[("1.1", "乔木养护")].tax == D("1898.13")  # 554.58 + 1,343.55: sums of rounded row taxes
    assert by_no[("1.2", "草坪养护")].tax == D("2329.81")  # 17,921.60 × 13 % = 2,329.808, half up
    assert by_no[("1", "绿化维护")].net == D("32522.60")
    assert by_no[("2", "卫生保洁")].vat_rate == D("0.06") and by_no[("2", "卫生保洁")].tax == D("13320.00")
    assert by_no[("一", "绿化、卫生保洁部分")].gross == D("272070.54")
    # the 按实结算 section: discounted unit prices rounded half up, no amounts, no subtotal
    assert by_no[("2", "修补人行道砖")].unit_price == D("90.73")  # 95.00 × 95.5 % = 90.725
    assert by_no[("3", "疏通排水管")].unit_price == D("40.59")  # 42.50 × 95.5 % = 40.5875
    assert by_no[("2", "修补人行道砖")].net is None
    assert by_no[("二", "零星维修部分（按实结算）")].net is None
    assert (f.net, f.tax, f.gross, f.total) == (NET, TAX, GROSS, GROSS)
    assert table_total(table) == GROSS
    assert f.uses_vat and f.uses_discount and f.has_sections and f.has_settled and f.numbered
    # which rows belong to which section
    assert f.rows[0].end == 7 and f.rows[2].end == 5 and f.rows[3].parent == 2 and f.rows[8].parent == 7


def test_rates_inherit_from_the_nearest_section_then_the_table():
    rows = [
        CostRow("甲", kind=RowKind.SECTION, quantity=None, discount=D("0.9")),
        CostRow("a", quantity=D(1), unit_price=D("100.00"), level=1),
        CostRow("b", quantity=D(1), unit_price=D("100.00"), level=1, discount=D("1")),
        CostRow("c", quantity=D(1), unit_price=D("100.00")),
    ]
    f = CostTable(rows, discount=D("0.8")).figures()
    assert [x.unit_price for x in f.rows[1:]] == [D("90.00"), D("100.00"), D("80.00")]
    assert f.net == D("270.00")


def test_flat_tables_compute_as_before():
    rows = [CostRow("x", "", "台", D("3.3333"), D("0.03")), CostRow("y", "", "台", D("1.005"), D("1.00"))]
    # 0.099999 → 0.10 and 1.005 → 1.01, each row rounded half up, then added
    assert table_total(rows) == D("1.11")
    assert CostTable(rows).figures().total == D("1.11")
    assert [r.amount for r in rows] == [D("0.10"), D("1.01")]
    assert CostTable(rows).is_flat


def test_a_table_equals_a_list_only_without_options():
    rows = showcase_rows()
    assert CostTable(rows) == rows
    assert CostTable(rows, vat_rate=D("0.13")) != rows
    assert CostTable(rows, vat_rate=D("0.13")) != CostTable(rows, vat_rate=D("0.09"))
    table = showcase_table()
    assert copy.deepcopy(table) == table and copy.copy(table).total_kind is TotalKind.CEILING


@pytest.mark.parametrize(("rows", "where"), [
    ([CostRow("a", level=1)], (0, "level")),
    ([CostRow("a"), CostRow("b", level=1)], (1, "level")),  # below an item
    ([CostRow("s", kind=RowKind.SECTION, quantity=None), CostRow("b", level=2)], (1, "level")),
    ([CostRow("a", discount=D("1.2"))], (0, "discount")),
    ([CostRow("a", vat_rate=D("1"))], (0, "vat_rate")),
    ([CostRow("a", stated=D("1.00"))], (0, "stated")),
])
def test_shapes_that_are_refused(rows, where):
    problem = structure_problem(rows)
    assert problem is not None and problem[:2] == where


def test_rates_as_clerks_write_them():
    assert parse_rate("95.5%", discount=True) == D("0.955")
    assert parse_rate("９５.５％", discount=True) == D("0.955")
    assert parse_rate("0.13", discount=False) == D("0.13")
    assert parse_rate("0%", discount=False) == 0
    for bad, discount in (("95.5", True), ("13", False), ("0", True), ("100%", False), ("12.345%", False)):
        with pytest.raises(AmountError):
            parse_rate(bad, discount=discount)
    assert format_rate(D("0.955")) == "95.5%" and format_rate(D("0.13")) == "13%"


def test_json_round_trip_keeps_sections_rates_and_the_total_kind(sample):
    use_showcase(sample)
    text = dumps(sample)
    jsonschema.validate(json.loads(text), SCHEMA)
    table = json.loads(text)["annexes"][2]["table"]
    assert (table["total"], table["vat_rate"], "discount" in table) == ("ceiling", "0.13", False)
    rows = table["rows"]
    assert rows[0] == {"kind": "section", "no": "一", "item": "绿化、卫生保洁部分", "remark": ""}
    assert rows[7]["discount"] == "0.955" and rows[8]["quantity"] is None and rows[8]["level"] == 1
    assert rows[6]["vat_rate"] == "0.06"
    back = loads(text)
    assert back.annex("3").table == sample.annex("3").table
    assert isinstance(back.annex("3").table, CostTable) and back.annex("3").table.total_kind is TotalKind.CEILING
    assert dumps(back) == text


def test_flat_tables_are_written_exactly_as_before(sample):
    data = json.loads(dumps(sample))
    assert list(data["annexes"][2]["table"]) == ["rows"]
    assert all(list(r) == ["item", "spec", "unit", "quantity", "unit_price", "remark"] for r in data["annexes"][2]["table"]["rows"])


@pytest.mark.parametrize(("edit", "where", "words"), [
    (lambda t: t["rows"][1].update(level=3), "annexes[2].table.rows[1].level", "deeper"),
    (lambda t: t["rows"][0].update(quantity="1"), "annexes[2].table.rows[0].quantity", "section"),
    (lambda t: t["rows"][3].update(stated="1.00"), "annexes[2].table.rows[3].stated", "section"),
    (lambda t: t.update(vat_rate="13%"), "annexes[2].table.vat_rate", "fraction"),
    (lambda t: t.update(vat_rate="1.3"), "annexes[2].table.vat_rate", "rate"),
    (lambda t: t["rows"][7].update(discount="0"), "annexes[2].table.rows[7].discount", "discount"),
    (lambda t: t.update(total="maximum"), "annexes[2].table.total", "ceiling"),
    (lambda t: t["rows"][0].update(kind="heading"), "annexes[2].table.rows[0].kind", "section"),
])
def test_bad_table_members_are_refused_naming_the_field(sample, edit, where, words):
    use_showcase(sample)
    data = json.loads(dumps(sample))
    edit(data["annexes"][2]["table"])
    with pytest.raises(UserError) as caught:
        loads(json.dumps(data, ensure_ascii=False))
    assert caught.value.where == where
    assert words in caught.value.message


def test_an_old_file_reads_as_a_flat_table(sample):
    data = json.loads(dumps(sample))
    table = loads(json.dumps(data, ensure_ascii=False)).annex("3").table
    assert isinstance(table, CostTable) and table.is_flat and table_total(table) == D("4273290.00")
