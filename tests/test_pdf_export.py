"""The exported PDF packet read back as a user's tools read it: text, fonts, page numbers, layout order."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from app.base.errors import UserError
from app.codecs.pdf import Cancelled, PdfOptions, export_pdf
from app.codecs.pdf.cost_table import COST_HEADER
from app.codecs.pdf.story import NO_MORE_TEXT
from app.codecs.sample import SAMPLE_NUMBER, sample_contract
from app.domain import Annex, CostRow
from app.rules.templating import render_contract_text
from app.values.money import format_amount, rmb_upper
from tests.pdf_tools import body_text, footers, page_count, pages_text, pdffonts, squash


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    export_pdf(sample_contract(), out)
    return out


def expected_clause_texts(contract) -> list[str]:
    """What each clause must print: "第一条 title", "1.1 title" + paragraphs, "1.2 " + text."""
    out = []
    for _depth, clause in contract.all_clauses():
        text = render_contract_text(clause.text, contract).text if clause.text else ""
        out.append(" ".join(p for p in (clause.no, clause.title) if p) + text if clause.title else clause.no + text)
    return out


def test_text_extraction_returns_every_clause_exactly_and_in_order(sample_pdf):
    contract = sample_contract()
    body = body_text(sample_pdf, contract.number)
    position = 0
    expected = [contract.title, render_contract_text(contract.preamble, contract).text]
    expected += [*expected_clause_texts(contract), NO_MORE_TEXT]
    for text in expected:
        found = body.find(squash(text), position)
        assert found >= 0, f"not found after {position}: {text[:60]}"
        position = found + len(squash(text))
    for special in ("【4273290】", "¥1424430", "（大写：肆佰贰拾柒万叁仟贰佰玖拾元整）", "“天眼”"):
        assert special in body


def test_title_page_has_number_party_numbers_title_and_date(sample_pdf):
    first = pages_text(sample_pdf)[0]
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    assert lines[0] == SAMPLE_NUMBER
    assert squash(first).startswith(SAMPLE_NUMBER + "甲方合同编号：【】乙方合同编号：【】")
    assert "【2025】年【05】月" in squash(first)
    assert "第 1 页" not in first


def test_every_font_is_embedded_subset_with_unicode_map(sample_pdf):
    fonts = pdffonts(sample_pdf)
    assert fonts
    for font in fonts:
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font
        assert "Helvetica" not in font["name"]


def test_pages_after_the_title_carry_number_and_page_x_of_y(sample_pdf):
    pages = pages_text(sample_pdf)
    numbers = footers(sample_pdf)
    total = page_count(sample_pdf)
    assert numbers[0] is None
    assert numbers[1:] == [(n, total) for n in range(2, total + 1)]
    for page in pages[1:]:
        assert page.splitlines()[0].strip() == SAMPLE_NUMBER


def test_signing_page_stands_alone_after_no_more_text(sample_pdf):
    pages = [squash(p) for p in pages_text(sample_pdf)]
    signing = next(i for i, p in enumerate(pages) if p.startswith(SAMPLE_NUMBER + "签字页"))
    assert NO_MORE_TEXT in pages[signing - 1]
    page = pages[signing]
    for text in (
        "甲方（盖章）：汤阴县公安局",
        "甲方代表签字：",
        "乙方（盖章）：中国移动通信集团河南有限公司安阳分公司",
        "乙方代表签字：邵晓",
        "日期：年月日",
    ):
        assert text in page
    assert "第一条" not in page and "附件" not in page


def test_annexes_each_start_a_page_and_the_cost_table_has_its_total(sample_pdf):
    pages = [squash(p) for p in pages_text(sample_pdf)]
    starts = {n: i for i, p in enumerate(pages) for n in ("1", "2", "3") if f"附件{n}：" in p[:40]}
    assert sorted(starts) == ["1", "2", "3"]
    assert starts["1"] < starts["2"] < starts["3"]
    table_page = pages[starts["3"]]
    assert "附件3：费用明细表" in table_page
    assert "1,424,430.00" in table_page
    assert "¥4,273,290.00" in table_page
    assert "人民币肆佰贰拾柒万叁仟贰佰玖拾元整" in table_page


def test_no_annexes_option_leaves_them_out(tmp_path):
    out = tmp_path / "p.pdf"
    export_pdf(sample_contract(), out, PdfOptions(annexes=False))
    pages = [squash(p) for p in pages_text(out)]
    assert pages[-1].startswith(SAMPLE_NUMBER + "签字页")
    assert not any("附件3：费用明细表" in p[:40] for p in pages)
    assert not any("1,424,430.00" in p for p in pages)


def big_contract(rows: int):
    contract = sample_contract()
    contract.annexes[2].table = [
        CostRow(f"设备{i}", "400万像素红外枪型网络摄像机", "台", Decimal(i % 3 + 1), Decimal("1234.50"), "")
        for i in range(1, rows + 1)
    ]
    return contract


def test_long_cost_table_repeats_header_on_every_page(tmp_path):
    contract = big_contract(200)
    out = tmp_path / "big.pdf"
    export_pdf(contract, out)
    pages = [squash(p) for p in pages_text(out)]
    first = next(i for i, p in enumerate(pages) if "附件3：费用明细表" in p[:40])
    table_pages = pages[first:]
    assert len(table_pages) >= 3
    for page in table_pages:
        assert all(title in page for title in COST_HEADER), page[:80]
    for i in (1, 100, 200):
        assert any(f"{i}设备{i}" in p for p in table_pages)
    total = sum((r.amount for r in contract.annexes[2].table), Decimal("0"))
    assert "¥" + format_amount(total) in table_pages[-1]
    assert rmb_upper(total) in table_pages[-1]
    total_pages = page_count(out)
    assert footers(out)[-1] == (total_pages, total_pages)


def attached_pdf(pages: int) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595, 842))
    for n in range(1, pages + 1):
        canvas.drawString(100, 500, f"ATTACHED PAGE {n}")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def test_attached_pdf_annex_is_merged_in_place_with_numbering_continued(tmp_path):
    contract = sample_contract()
    contract.annexes.insert(2, Annex(no="2-1", title="网络拓扑图", pdf=attached_pdf(2)))
    out = tmp_path / "merged.pdf"
    export_pdf(contract, out)
    pages = pages_text(out)
    total = len(pages)
    title = next(i for i, p in enumerate(pages) if "附件2-1：网络拓扑图" in squash(p))
    assert "ATTACHED PAGE 1" in pages[title + 1] and "ATTACHED PAGE 2" in pages[title + 2]
    assert "附件3：费用明细表" in squash(pages[title + 3])
    assert footers(out)[1:] == [(n, total) for n in range(2, total + 1)]
    assert pages[title + 1].splitlines()[0].strip() == SAMPLE_NUMBER or SAMPLE_NUMBER in pages[title + 1]


def test_unreadable_attached_pdf_is_a_user_error_naming_the_annex(tmp_path):
    contract = sample_contract()
    contract.annexes[0].pdf = b"%PDF-1.4 not really"
    with pytest.raises(UserError) as err:
        export_pdf(contract, tmp_path / "x.pdf")
    assert err.value.where == "annex:1"
    assert not (tmp_path / "x.pdf").exists()


def test_bad_clause_template_names_the_clause_and_writes_nothing(tmp_path):
    contract = sample_contract()
    contract.clauses[1].clauses[0].text = "金额【{{ totl | yuan }}】"
    out = tmp_path / "bad.pdf"
    with pytest.raises(UserError) as err:
        export_pdf(contract, out)
    assert err.value.where == f"clause:{contract.clauses[1].clauses[0].no}"
    assert not out.exists()


def test_character_without_glyph_is_refused(tmp_path):
    contract = sample_contract()
    contract.clauses[0].clauses[1].text += "\U0001f600"
    with pytest.raises(UserError) as err:
        export_pdf(contract, tmp_path / "x.pdf")
    assert "U+1F600" in err.value.message
    assert err.value.where == f"Clause {contract.clauses[0].clauses[1].no}"  # where the clerk typed it


def test_a_character_without_glyph_is_refused_naming_the_field_that_holds_it(tmp_path):
    """㎡ typed into 项目名称 was refused under "font", with no word of where it was."""
    contract = sample_contract()
    contract.project += "（120㎡）"
    with pytest.raises(UserError) as err:
        export_pdf(contract, tmp_path / "x.pdf")
    assert err.value.where == "Project" and "㎡ (U+33A1)" in err.value.message
    assert "type them another way" in err.value.message
    assert not (tmp_path / "x.pdf").exists()


def test_failed_export_leaves_the_previous_file_untouched(tmp_path, monkeypatch):
    out = tmp_path / "packet.pdf"
    out.write_bytes(b"previous packet")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("app.codecs.pdf.merge_attachments", boom)
    contract = sample_contract()
    contract.annexes[0].pdf = attached_pdf(1)
    with pytest.raises(OSError):
        export_pdf(contract, out)
    assert out.read_bytes() == b"previous packet"
    assert [p.name for p in tmp_path.iterdir()] == ["packet.pdf"]


def test_cancel_stops_the_export_and_progress_is_reported(tmp_path):
    seen: list[tuple[int, int]] = []
    out = tmp_path / "c.pdf"
    with pytest.raises(Cancelled):
        export_pdf(
            sample_contract(),
            out,
            PdfOptions(progress=lambda d, t: seen.append((d, t)), cancelled=lambda: len(seen) > 5),
        )
    assert not out.exists()
    seen.clear()
    export_pdf(sample_contract(), out, PdfOptions(progress=lambda d, t: seen.append((d, t))))
    assert seen[-1][0] == seen[-1][1] and all(d <= t for d, t in seen)


def test_cli_export_pdf(cli, db, tmp_path):
    out = tmp_path / "cli.pdf"
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(out))
    assert result.code == 0, result
    assert "第一条服务项目内容及费用结算" in body_text(out, SAMPLE_NUMBER)
    result = cli(
        "export", SAMPLE_NUMBER, "--pdf", str(tmp_path / "s.pdf"), "--cross-page-seal", str(tmp_path / "none.png")
    )
    assert result.code == 2 and "none.png" in result.err
    assert not (tmp_path / "s.pdf").exists()


def test_character_without_glyph_in_the_cost_table_is_refused(tmp_path):
    contract = big_contract(3)
    contract.annexes[2].table[1].remark = "含\U0001f600"
    with pytest.raises(UserError) as err:
        export_pdf(contract, tmp_path / "x.pdf")
    assert "U+1F600" in err.value.message
    assert err.value.where == f"Annex {contract.annexes[2].no}, row 2, Remark"


def test_rotated_attached_page_gets_its_footer_upright(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(attached_pdf(1)))
    writer.pages[0].rotate(90)
    rotated = io.BytesIO()
    writer.write(rotated)
    contract = sample_contract()
    contract.annexes[0].pdf = rotated.getvalue()
    out = tmp_path / "rot.pdf"
    export_pdf(contract, out)
    index = next(i for i, p in enumerate(pages_text(out)) if "ATTACHED PAGE 1" in p)
    page = PdfReader(out).pages[index]
    assert page.rotation == 0 and float(page.mediabox.width) > float(page.mediabox.height)
    assert footers(out)[index] == (index + 1, page_count(out))


def test_a_preamble_of_several_lines_prints_them_as_lines(tmp_path):
    """An imported draft's head (each party's credit code, bank, account) kept its lines in the store and the Word
    export; the PDF ran them into one paragraph, so nobody could tell whose code was whose."""
    import subprocess

    contract = sample_contract()
    contract.preamble = "甲方统一社会信用代码：124105234178901232\n乙方统一社会信用代码：91410503MA45BC7D2P\n根据《民法典》订立本合同。"
    out = tmp_path / "head.pdf"
    export_pdf(contract, out)
    layout = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in layout.splitlines()]
    assert "甲方统一社会信用代码：124105234178901232" in lines
    assert "乙方统一社会信用代码：91410503MA45BC7D2P" in lines
