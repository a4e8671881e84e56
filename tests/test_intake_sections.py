"""Intake of tables with sections into the cost-table model: sections and levels, stated subtotals that `check`
reports, 按实结算 rows, discount and VAT columns, ceilings; and the Word packet of such a table read back."""

from __future__ import annotations

import json
from decimal import Decimal

from app.cli import main
from app.codecs.intake import read_document, recognise, review
from app.codecs.intake.arithmetic import Status
from app.domain import RowKind, TotalKind
from app.store import contracts

from .conftest import SAMPLE_NUMBER
from .cost_tables import showcase_table, use_showcase
from .intake_samples import CEILING_VAT, mof_sectioned_docx
from .test_intake_seed import compare

D = Decimal


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_mof_detail_table_keeps_its_sections_and_the_subtotal_typed_wrong(tmp_path):
    result = recognise(read_document(mof_sectioned_docx(tmp_path / "services.docx")))
    c = result.contract
    assert (c.number, c.total) == ("HNCG-TY-2025-0215-1", D("1021500.00"))
    annex = next(a for a in c.annexes if a.table is not None)
    assert annex.title == "合同标的及金额明细"  # the detail table, not the one-row 标的信息 summary
    table = annex.table
    assert [(r.no, r.item, r.kind, r.level, r.quantity, r.unit_price, r.stated) for r in table] == [
        ("一", "绿化养护部分", RowKind.SECTION, 0, None, D("0.00"), D("310500.00")),  # its rows add up to 301,500
        ("1", "乔木养护", RowKind.ITEM, 1, D(1500), D("45.00"), None),
        ("2", "灌木及绿篱修剪", RowKind.ITEM, 1, D(12000), D("12.00"), None),
        ("3", "草坪养护", RowKind.ITEM, 1, D(30000), D("3.00"), None),
        ("二", "环卫保洁部分", RowKind.SECTION, 0, None, D("0.00"), None),  # its 小计 row agrees: nothing kept
        ("1", "道路清扫保洁", RowKind.ITEM, 1, D(12), D("48000.00"), None),
        ("2", "垃圾清运", RowKind.ITEM, 1, D(12), D("12000.00"), None),
        ("三", "零星维修", RowKind.SECTION, 0, None, D("0.00"), None),
        ("1", "更换路灯灯头", RowKind.ITEM, 1, None, D("268.00"), None),  # 按实结算: a unit price only
        ("2", "修补人行道砖", RowKind.ITEM, 1, None, D("95.00"), None),
    ]
    assert table.total_kind is TotalKind.FIXED
    f = table.figures()
    assert (f.rows[0].net, f.rows[4].net, f.rows[7].net, f.total) == (D("301500.00"), D("720000.00"), None,
                                                                        D("1021500.00"))
    report = review(result)
    wrong = [ck for ck in report.of(Status.ERROR)]
    assert [ck.code for ck in wrong] == ["section-subtotal"]
    assert "¥301,500.00" in wrong[0].message and "¥310,500.00" in wrong[0].message
    assert result.document.excerpt(wrong[0].span) == "310,500.00"
    assert result.document.describe(wrong[0].span) == "table 2, row 2, column 7"
    passed = {(ck.code, ck.message) for ck in report.of(Status.OK)}
    assert any(code == "section-subtotal" and "the 小计 says ¥720,000.00" in m for code, m in passed)
    assert any(code == "table-contract-total" and "合同标的及金额明细" in m for code, m in passed)


def test_stored_intake_of_a_typed_wrong_subtotal_is_reported_by_check(tmp_path, capsys, db_path):
    source = mof_sectioned_docx(tmp_path / "services.docx")
    code, _out, err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(source), "--apply")
    assert code == 1, err  # stored, with the arithmetic's error
    code, out, _err = run(capsys, "--db", str(db_path), "--lang", "en", "check", "HNCG-TY-2025-0215-1", "--json")
    assert code == 1
    findings = {f["code"]: f for f in json.loads(out)}
    subtotal = findings["cost-table-subtotal"]
    assert subtotal["severity"] == "error"
    assert "row 1 (一 绿化养护部分)" in subtotal["message"]
    assert "¥310,500.00" in subtotal["message"] and "¥301,500.00" in subtotal["message"]
    assert findings["cost-table-settled"]["severity"] == "warning"  # 按实结算 rows under a fixed total
    assert "cost-table-total" not in findings  # the rows add up to the contract total


def test_price_list_with_discount_vat_and_a_ceiling(tmp_path):
    path = tmp_path / "framework.txt"
    path.write_text(CEILING_VAT, encoding="utf-8")
    result = recognise(read_document(path))
    c = result.contract
    assert c.total == D("50000.00")
    table = next(a.table for a in c.annexes if a.table is not None)
    assert table.total_kind is TotalKind.CEILING  # 合同金额上限 in the clause under the table
    assert [(r.item, r.quantity, r.unit_price, r.discount, r.vat_rate) for r in table] == [
        ("打印机维修", None, D("200.00"), D("0.9"), D("0.06")),
        ("复印机保养", D(10), D("500.00"), D("0.9"), D("0.06")),
        ("硒鼓更换", D(20), D("400.00"), D("0.9"), D("0.13")),
    ]
    f = table.figures()
    assert (f.net, f.tax, f.gross) == (D("11700.00"), D("1206.00"), D("12906.00"))
    report = review(result)
    assert report.of(Status.ERROR) == []
    within = [ck for ck in report.of(Status.OK) if ck.code == "table-contract-total"]
    assert within and "¥12,906.00" in within[0].message and "ceiling" in within[0].message
    # a tax typed wrong is an error at its cell
    path.write_text(CEILING_VAT.replace("\t936.00\t", "\t963.00\t"), encoding="utf-8")
    result = recognise(read_document(path))
    wrong = [ck for ck in review(result).of(Status.ERROR) if ck.code == "row-tax"]
    assert len(wrong) == 2  # the tax against amount × rate, the amount with VAT against amount + tax
    assert "¥7,200.00 × 13% = ¥936.00" in wrong[0].message and "¥963.00" in wrong[0].message
    assert result.document.excerpt(wrong[0].span) == "963.00"
    assert "¥8,163.00" in wrong[1].message and result.document.excerpt(wrong[1].span) == "8,136.00"


def _export_docx(capsys, db_path, out) -> None:
    code, _out, err = run(capsys, "--db", str(db_path), "export", SAMPLE_NUMBER, "--docx", str(out))
    assert code == 0, err


def test_sample_round_trips_through_export_docx(tmp_path, capsys, db, db_path, sample):
    out = tmp_path / "packet.docx"
    _export_docx(capsys, db_path, out)
    result = recognise(read_document(out))
    same, differ, _skipped = compare(result.contract)
    assert differ == [] and len(same) == 265 + 18 and result.contract == sample
    assert result.contract.annex("3").table.is_flat  # a flat table stays flat (no 序号 kept)


def test_sectioned_contract_round_trips_through_export_docx(tmp_path, capsys, db, db_path, sample):
    use_showcase(sample)
    contracts.save(db, sample, replace=True)
    out = tmp_path / "packet.docx"
    _export_docx(capsys, db_path, out)
    result = recognise(read_document(out))
    table = result.contract.annex("3").table
    assert table == showcase_table()  # sections, levels, 按实结算, the section's discount, the table's VAT, ceiling
    assert result.contract == sample
    assert result.unplaced == []  # the rounding note and the rate lines the packet prints are its own
    assert review(result).of(Status.ERROR) == []
