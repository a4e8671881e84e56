"""The Word packet as Word and WPS read it: content and order of the PDF packet, fill-ins filled, the cost table's
header repeating, 第 X 页 共 Y 页 as fields, Chinese text in a font named for East Asian text."""

from __future__ import annotations

import zipfile

import docx
from docx.oxml.ns import qn

from app.codecs.docx import render_docx
from app.codecs.pdf.cost_table import COST_HEADER


def _document(sample, tmp_path):
    path = tmp_path / "packet.docx"
    path.write_bytes(render_docx(sample))
    return path, docx.Document(str(path))


def test_content_and_order_as_the_pdf_packet(sample, tmp_path):
    _path, document = _document(sample, tmp_path)
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[:4] == ["CMHA-AY-202500441", "甲方合同编号：【\u3000\u3000】", "乙方合同编号：【\u3000\u3000】", sample.title]
    assert texts[4] == "【2025】年【05】月"
    order = [texts.index(t) for t in ("甲方：汤阴县公安局", "第一条 服务项目内容及费用结算", "1.1 服务项目内容",
                                      "（以下无正文）", "签字页：", "附件1：技术规范书", "附件3：费用明细表")]
    assert order == sorted(order)
    assert "本合同项下甲方应当向乙方支付的服务费用共计【4273290】元（大写：肆佰贰拾柒万叁仟贰佰玖拾元整），具体清单见附件3。" in texts
    assert "本合同一式【肆】份，甲方持【贰】份，乙方持【贰】份，各份合同具有同等效力。" in " ".join(texts)
    assert "乙方代表签字：邵晓" in texts
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["第一条 服务项目内容及费用结算"] == "CD Article"
    assert styles["1.1 服务项目内容"] == "CD Clause Title"


def test_cost_table_header_repeats_and_totals(sample, tmp_path):
    _path, document = _document(sample, tmp_path)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(COST_HEADER)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[6].text == "1,424,430.00"
    assert table.rows[-2].cells[6].text == "¥4,273,290.00"
    assert table.rows[-1].cells[0].text == "合计金额（大写）：人民币肆佰贰拾柒万叁仟贰佰玖拾元整"


def test_page_numbers_are_fields_and_the_title_page_has_none(sample, tmp_path):
    _path, document = _document(sample, tmp_path)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and 'w:fldCharType="begin"' in footer
    assert footer.count("<w:instrText") == 2
    assert section.footer.paragraphs[0].text.startswith("第 ") and "页 共 " in section.footer.paragraphs[0].text
    assert section.header.paragraphs[0].text == "CMHA-AY-202500441"


def test_song_face_named_for_east_asian_text(sample, tmp_path):
    path, document = _document(sample, tmp_path)
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert "asciiTheme" not in styles.split("<w:docDefaults>")[1].split("</w:docDefaults>")[0]
    assert 'w:name="宋体"' in fonts and 'w:val="SimSun"' in fonts
    body = document.styles["CD Body"].element.rPr.find(qn("w:rFonts"))
    assert body.get(qn("w:eastAsia")) == "宋体" and body.get(qn("w:hint")) == "eastAsia"


def test_blank_fill_ins_print_as_the_pdf_prints_them(sample, tmp_path):
    sample.terms.delivery_days = None
    _path, document = _document(sample, tmp_path)
    texts = [p.text for p in document.paragraphs]
    assert any("乙方应自合同生效之日起【\u3000\u3000】日内完成" in t for t in texts)


def test_sectioned_table_with_rates_as_the_pdf_prints_it(sample, tmp_path):
    from .cost_tables import GROSS, NET, TAX, use_showcase

    use_showcase(sample)
    _path, document = _document(sample, tmp_path)
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "项目", "规格/内容", "单位", "数量", "基准单价（元）", "折扣率", "折扣单价（元）",
                      "不含税金额（元）", "税率", "税额（元）", "含税金额（元）", "备注"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    col = {title: i for i, title in enumerate(header)}
    # a section: its number and title in bold, its subtotal computed from its rows
    first = table.rows[1]
    assert rows[0][:2] == ["一", "绿化、卫生保洁部分"] and rows[0][col["不含税金额（元）"]] == "254,522.60"
    assert all(run.bold for cell in first.cells for p in cell.paragraphs for run in p.runs)
    assert not any(run.bold for cell in table.rows[4].cells for p in cell.paragraphs for run in p.runs)
    # 1.2 sits deeper than 1: its item is indented
    assert table.rows[6].cells[1].paragraphs[0].paragraph_format.left_indent > table.rows[2].cells[1].paragraphs[0].paragraph_format.left_indent
    # a section settled on actual quantities, at its own discount; its rows at the discounted price
    assert rows[7][col["折扣率"]] == "95.5%" and rows[7][col["不含税金额（元）"]] == "按实结算"
    assert rows[8][col["数量"]] == "按实结算" and rows[8][col["折扣单价（元）"]] == "255.94"
    assert rows[6][col["税率"]] == "6%" and rows[6][col["税额（元）"]] == "13,320.00"
    total = rows[11]
    assert total[0] == "合计" and (total[col["不含税金额（元）"]], total[col["税额（元）"]], total[col["含税金额（元）"]]) == (
        f"{NET:,}", f"{TAX:,}", f"¥{GROSS:,}")
    assert rows[12][0] == "合计金额（大写）：人民币贰拾柒万贰仟零柒拾元零伍角肆分"
    assert rows[13][0].startswith("合同金额上限：¥300,000.00（大写：人民币叁拾万元整）")
    assert rows[14][0].startswith("注：金额、折扣单价、税额均按行四舍五入到分")
    # the rate the rows inherit from the table is stated above it
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("全表增值税税率：13%") - 1] == "附件3：费用明细表"


def test_estimate_total_row(sample, tmp_path):
    from app.domain import TotalKind

    sample.annex("3").table.total_kind = TotalKind.ESTIMATE
    _path, document = _document(sample, tmp_path)
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[-2][0] == "合计（暂定）" and rows[-1][0].startswith("暂定金额（大写）：人民币")
