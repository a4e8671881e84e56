"""Intake of contracts in the layouts clerks meet, from every readable format: what the clerk would check."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from app.codecs.intake import Confidence, read_document, recognise, review
from app.codecs.intake.arithmetic import Status
from app.codecs.intake.tables import RowKind
from app.domain import DueAfter

from .intake_samples import (
    BAD_CODE,
    HOSPITAL_CODE,
    SERVICE_CODE,
    SUPPLIER_CODE,
    construction_utf8_bom,
    mof_goods_docx,
    services_gbk,
)


def errors(report) -> list[tuple[str, str]]:
    return [(c.code, c.message) for c in report.of(Status.ERROR)]


# ---------------------------------------------------------------- the Ministry of Finance model layout (Word)


def test_mof_goods_contract_from_word(tmp_path):
    result = recognise(read_document(mof_goods_docx(tmp_path / "goods.docx")))
    c = result.contract
    assert c.number == "HNCG-TY-2025-0107-1"  # 政府采购合同编号
    assert c.title == "汤阴县中小学多媒体教室设备采购项目政府采购合同"
    assert (c.party_a.name, c.party_a.address) == ("汤阴县教育局", "汤阴县人民路88号")  # 采购人（甲方） / 采购人地址
    assert (c.party_b.name, c.party_b.address, c.party_b.credit_code) == (
        "河南鼎新电子科技有限公司", "安阳市文峰区光明路16号", SUPPLIER_CODE)
    assert c.total == Decimal("285500.00")  # 合计金额小写
    assert c.fixed_price is True
    assert [p.amount for p in c.payments] == [Decimal("85650.00"), Decimal("185575.00"), Decimal("14275.00")]
    assert [p.wording for p in c.payments] == ["合同签订后10个工作日内", "货物验收合格后15日内", "质保期满一年后15日内"]
    assert c.payments[0].due.after is DueAfter.EFFECTIVE and c.payments[0].due.days == 10
    assert (c.payments[2].due.years, c.payments[2].due.days) == (1, 15)
    assert (c.terms.delivery_days, c.terms.maintenance_months) == (30, 36)
    assert (c.terms.copies.total, c.terms.copies.a, c.terms.copies.b) == (5, 3, 1)
    # the signing block is a two-column Word table, with the supplier's bank under its seal
    assert (c.signing_a.seal_caption, c.signing_a.signatory, str(c.signing_a.date)) == ("甲方（盖章）", "王建国", "2025-06-10")
    assert (c.signing_b.signatory, str(c.signing_b.date)) == ("刘晓峰", "2025-06-12")
    assert c.party_b.bank is not None and c.party_b.bank.account_no == "41050162360800001234" and c.payee == "b"
    # 一、标的信息 → a cost-table annex with the three rows
    table = next(a for a in c.annexes if a.table is not None)
    assert [(r.item, r.unit, r.quantity, r.unit_price) for r in table.table] == [
        ("交互式智能平板", "台", Decimal(20), Decimal("12800.00")), ("实物展台", "台", Decimal(20), Decimal("1150.00")),
        ("安装调试服务", "项", Decimal(1), Decimal("6500.00"))]
    assert "政府采购品目" not in table.table[0].remark and "多媒体设备" in table.table[0].remark
    # head lines the packet does not print from fields stay in the preamble, the number bound to its field
    assert "采购方式：公开招标" in c.preamble and "{{ number }}" in c.preamble
    assert ("采购方式", "公开招标") in [(label, value) for label, value, _s in result.extras]
    # the clause tree keeps the numbering styles: 三、 → （二） → 1.
    three = next(cl for cl in c.clauses if cl.no == "三、")
    assert [cl.no for cl in three.clauses] == ["（一）", "（二）", "（三）"]
    assert [cl.no for cl in three.clauses[1].clauses] == ["1.", "2.", "3."]
    report = review(result)
    assert errors(report) == [] and report.of(Status.WARNING) == []
    passed = {c.code for c in report.of(Status.OK)}
    assert {"upper-amount", "instalment-percent", "instalment-sum", "percent-sum", "row-amount", "table-contract-total",
            "copies", "credit-code"} <= passed


def test_mof_wrong_uppercase_total_is_an_error_with_its_place(tmp_path):
    result = recognise(read_document(mof_goods_docx(tmp_path / "goods.docx", upper_total="贰拾捌万伍仟元整")))
    report = review(result)
    wrong = [c for c in report.of(Status.ERROR) if c.code == "upper-amount"]
    assert len(wrong) == 1
    assert "¥285,000.00" in wrong[0].message and "¥285,500.00" in wrong[0].message and "¥500.00" in wrong[0].message
    assert result.document.describe(wrong[0].span) == "paragraph 13"
    assert result.document.excerpt(wrong[0].span) == "贰拾捌万伍仟元整"


# ---------------------------------------------------------------- services: 委托方/受托方, GBK text, a pipe table


def test_services_contract_in_gbk_with_a_pipe_table(tmp_path):
    result = recognise(read_document(services_gbk(tmp_path / "services.txt")))
    assert result.document.encoding == "GB18030"
    c = result.contract
    assert (c.number, c.title) == ("TY-FW-2025-032", "技术服务合同")
    assert (c.party_a.name, c.party_a.representative, c.party_a.credit_code) == ("汤阴县人民医院", "张明", HOSPITAL_CODE)
    assert (c.party_b.name, c.party_b.credit_code) == ("安阳云帆信息技术有限公司", SERVICE_CODE)
    assert c.party_b.bank is not None and c.party_b.bank.bank_name == "中国农业银行安阳分行"
    assert c.total == Decimal("114000.00") and c.tax_inclusive is True
    assert [p.amount for p in c.payments] == [Decimal("57000.00"), Decimal("57000.00")]
    assert c.jurisdiction == "安阳仲裁委员会"
    assert (c.terms.copies.total, c.terms.copies.a, c.terms.copies.b) == (4, 2, 2)  # 双方各执两份
    # the unit-price-only row (按实结算) is kept as one: no quantity, its price, no amount
    annex = next(a for a in c.annexes if a.table is not None)
    assert [(r.item, r.quantity, r.unit_price) for r in annex.table] == [
        ("系统巡检", 12, Decimal("1500.00")), ("驻场运维", 12, Decimal("8000.00")), ("应急响应", None, Decimal("2000.00"))]
    assert annex.table[2].settled_on_actuals and annex.table[2].amount is None
    assert annex.table.figures().total == Decimal("114000.00")
    record = result.field(f"annex:{annex.no}")
    assert record is not None and record.confidence is Confidence.GUESSED  # the body's table made an annex
    assert "按实结算" not in record.note  # its remark says so: nothing was assumed
    # a sentence broken over two lines is one paragraph again; nothing of the body is lost
    secrecy = next(cl for cl in c.clauses if cl.no == "三、")
    assert secrecy.text == "乙方对在服务中知悉的甲方数据负有保密义务，未经甲方书面同意不得向任何第三方披露。"
    report = review(result)
    assert errors(report) == []
    ranges = [ck for ck in report.of(Status.OK) if ck.code == "date-range"]
    assert ranges and "2026年6月30日" in ranges[0].message


# ---------------------------------------------------------------- construction: UTF-8 with BOM, tab table, sections


def test_construction_contract_with_sections_and_its_errors(tmp_path):
    result = recognise(read_document(construction_utf8_bom(tmp_path / "works.txt")))
    assert result.document.encoding == "UTF-8 (BOM)"
    c = result.contract
    assert (c.party_a.name, c.party_b.name, c.party_b.representative) == (
        "汤阴县城关镇人民政府", "河南路通建设工程有限公司", "赵刚")
    assert c.total == Decimal("352600.00")
    table = result.tables[0]
    sections = [ln for ln in table.lines if ln.kind is RowKind.SECTION]
    assert [(s.number, s.item, s.amount) for s in sections] == [("一", "路面工程", Decimal("300600.00")),
                                                               ("二", "附属工程", Decimal("52000.00"))]
    assert [len(s.children) for s in sections] == [2, 1]
    # the annex keeps the sections; the subtotal typed wrong (300,600 for 300,000) is kept for `check`
    annex = next(a for a in c.annexes if a.table is not None)
    assert [(r.no, r.item, r.kind.value, r.level, r.stated) for r in annex.table] == [
        ("一", "路面工程", "section", 0, Decimal("300600.00")), ("1", "沥青路面铣刨", "item", 1, None),
        ("2", "沥青混凝土摊铺", "item", 1, None), ("二", "附属工程", "section", 0, None), ("1", "路缘石更换", "item", 1, None)]
    assert annex.table.figures().total == Decimal("352000.00")
    # 支付至97%: this instalment is 67%; 剩余3%…期满后支付: the share comes before the verb
    assert [p.wording for p in c.payments][1:] == ["工程竣工验收合格后30日内", "缺陷责任期满后"]
    report = review(result)
    codes = [code for code, _m in errors(report)]
    assert sorted(codes) == sorted(["credit-code", "section-subtotal", "table-total", "instalment-sum",
                                    "instalment-percent", "date-range", "copies"])
    messages = dict(errors(report))
    assert BAD_CODE in messages["credit-code"]
    assert "¥300,000.00" in messages["section-subtotal"] and "¥300,600.00" in messages["section-subtotal"]
    assert "97%" in messages["instalment-percent"] and "67%" in messages["instalment-percent"]
    assert "¥236,242.00" in messages["instalment-percent"]
    assert "¥1,242.00" in messages["instalment-sum"]
    assert "2025年10月29日" in messages["date-range"]
    assert "= 5" in messages["copies"]


# ---------------------------------------------------------------- PDF and the Word packet


def test_text_pdf_of_the_sample_packet(tmp_path, sample):
    from app.codecs.pdf import export_pdf

    from .test_intake_seed import compare

    export_pdf(sample, tmp_path / "packet.pdf")
    result = recognise(read_document(tmp_path / "packet.pdf"))
    assert result.document.pages > 5
    same, differ, _skipped = compare(result.contract)
    # a PDF's table is read as text: annex 3 keeps its cells as text, everything else comes back
    assert differ == [] and len(same) == 265
    assert "1,424,430.00" in (result.contract.annex("3").text or "")
    assert not review(result).has_errors


def test_word_packet_round_trips_the_whole_sample(tmp_path, sample):
    from app.codecs.docx import export_docx

    from .test_intake_seed import compare

    export_docx(sample, tmp_path / "packet.docx")
    result = recognise(read_document(tmp_path / "packet.docx"))
    same, differ, _skipped = compare(result.contract)
    assert differ == [] and len(same) == 265 + 18  # the cost table of annex 3 comes back from the Word table
    assert result.contract == sample


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_text_pdf_made_by_libreoffice_from_the_word_file(tmp_path):
    import os

    from .conftest import ROOT

    source = mof_goods_docx(tmp_path / "goods.docx")
    profile = tmp_path / "profile"
    # LibreOffice finds Chinese glyphs through fontconfig: give it the bundled face, whatever the machine has
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f'<dir>{ROOT / "resources" / "fonts"}</dir><cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>',
        encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240,
                   env={**os.environ, "FONTCONFIG_FILE": str(fonts_conf)})
    if not (tmp_path / "goods.pdf").exists():  # soffice answers 0 without Writer, which opens a .docx
        pytest.fail("LibreOffice made no PDF of the Word file: is LibreOffice Writer installed?")
    result = recognise(read_document(tmp_path / "goods.pdf"))
    c = result.contract
    assert (c.number, c.party_a.name, c.party_b.name) == ("HNCG-TY-2025-0107-1", "汤阴县教育局", "河南鼎新电子科技有限公司")
    assert c.total == Decimal("285500.00")
    assert [p.amount for p in c.payments] == [Decimal("85650.00"), Decimal("185575.00"), Decimal("14275.00")]
    assert not review(result).has_errors
