"""Tables as contracts set them out: discounts, rebates, 万元 columns, rows without a quantity; the one mapping
onto the cost-table model."""

from __future__ import annotations

from decimal import Decimal

from app.codecs.intake.document import Span
from app.codecs.intake.tables import RowKind, cost_rows, recognise_table


def table(rows):
    return recognise_table(rows, [[Span(0, 0)] * len(r) for r in rows], Span(0, 0), caption="报价表")


def test_discount_and_rebate_columns():
    t = table([["序号", "名称", "数量", "单价", "折扣率", "金额"], ["1", "服务器", "2", "10000", "95%", "19000"],
               ["2", "交换机", "1", "5000", "9折", "4500"]])
    assert [ln.discount for ln in t.items] == [Decimal("0.95"), Decimal("0.9")]
    t = table([["序号", "名称", "数量", "单价", "优惠率", "金额"], ["1", "服务器", "2", "10000", "5%", "19000"]])
    assert t.items[0].discount == Decimal("0.95")  # 5% off
    mapped = cost_rows(t)  # the base price and the rate are kept, as the table states them
    assert [(r.quantity, r.unit_price, r.discount, r.amount) for r in mapped.rows] == [
        (2, Decimal("10000.00"), Decimal("0.95"), Decimal("19000.00"))]
    assert mapped.notes == [] and mapped.rows.figures().total == Decimal("19000.00")


def test_amounts_in_wan_yuan_columns():
    t = table([["序号", "项目", "金额（万元）"], ["1", "设计费", "12.5"], ["合计", "", "12.5"]])
    assert t.items[0].amount == Decimal("125000.00")
    assert t.stated(RowKind.TOTAL).amount == Decimal("125000.00")
    assert [(r.quantity, r.unit_price) for r in cost_rows(t).rows] == [(1, Decimal("125000.00"))]


def test_discount_left_out_is_a_warning(tmp_path):
    from app.codecs.intake import read_document, recognise, review
    from app.codecs.intake.arithmetic import Status

    path = tmp_path / "quote.txt"
    path.write_text(
        "设备采购合同\n甲方：某某局\n乙方：某某公司\n第一条 货物及价格\n"
        "序号\t名称\t数量\t单价\t折扣率\t金额\n1\t服务器\t2\t10000\t95%\t20000\n合计\t\t\t\t\t20000\n"
        "合同总价为人民币20000元（大写：贰万元整）。\n", encoding="utf-8")
    report = review(recognise(read_document(path)))
    warned = [c for c in report.of(Status.WARNING) if c.code == "row-amount"]
    assert len(warned) == 1 and "95%" in warned[0].message
