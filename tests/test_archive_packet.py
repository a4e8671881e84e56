"""The archive packet as the archive office reads it (pdftotext, page counts): cover, 卷内目录 with page ranges, every
file in its set order, numbered pages; what the office's settings want but is missing; the scanned original
compared with the packet it came from."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pytest

from app.base.i18n import set_language
from app.ops.archive import check_archive, export_archive
from app.ops.attachments import attach_file
from app.ops.contracts import set_event
from app.ops.lifecycle import record_step
from app.ops.payments import record_payment
from app.rules.scan_compare import total_spellings
from tests import office_files as files
from tests import office_scenario as sc
from tests.pdf_tools import pages_text, pdffonts, squash

N = sc.NUMBER


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture
def filed(db):
    """The scenario's contract, every step up to filing recorded, two payments made."""
    files.store_contract(db)
    for ev in sc.EVENTS[:6]:
        record_step(db, N, ev, today=sc.TODAY)
    set_event(db, N, "signed_a", sc.SIGNED)
    set_event(db, N, "signed_b", sc.SIGNED)
    for ev in sc.EVENTS[6:8]:
        record_step(db, N, ev, today=sc.TODAY)
    for p in sc.PAYMENTS[:2]:
        record_payment(db, N, p, today=sc.TODAY)
    return db


def test_the_packet_lists_a_missing_approval_sheet_and_numbers_every_file(filed, tmp_path):
    licence = attach_file(filed, N, "counterparty_licence", "营业执照.png", files.png_bytes()).value
    opinion = attach_file(filed, N, "review_opinion", "审查意见书.pdf", files.pdf_bytes("同意", pages=2)).value
    minutes = attach_file(filed, N, "minutes", "党组会纪要.docx", files.docx_bytes()).value
    out = tmp_path / "archive.pdf"
    packet = export_archive(filed, N, out, today=sc.TODAY).value
    text = pages_text(out)
    cover = squash(text[0])
    assert "Missing from this packet: approval sheet" in text[0].replace("\n", " ")
    assert squash(N) in cover and "¥80,000.00（捌万元整）" in cover
    assert "測合登" not in cover and squash("测合登〔2025〕112号") in cover  # the registration number
    # The list: licence (1 page), opinion (2), minutes kept as a file, the contract packet, in that order.
    kinds = [e.kind for e in packet.entries]
    assert kinds == ["counterparty's licence and qualifications", "legality review opinion", "meeting minutes",
                     "contract packet"]
    assert [e.pages for e in packet.entries][:3] == [(1, 1), (2, 3), None]
    contract_pages = packet.entries[3].pages
    assert contract_pages is not None and contract_pages[0] == 4
    assert packet.numbered_pages == contract_pages[1]
    assert pdf_pages(out) == packet.front_pages + packet.numbered_pages
    listing = squash("".join(text[1:packet.front_pages]))
    assert "Filelist" in listing and "1" in listing and "2–3" in listing and f"4–{contract_pages[1]}" in listing
    assert minutes.sha256 in listing and opinion.sha256 in listing and licence.sha256 in listing
    assert "Worddocument,keptasafile(notprintedhere)" in listing
    layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", str(packet.front_pages), str(out), "-"],
                            capture_output=True, text=True, check=True).stdout
    dates = {e.date for e in packet.entries if e.date}
    assert dates and all(d in layout for d in dates)  # each date on one line of its cell (it broke as 2026-12-0|7)
    # The files' pages carry the archive's page numbers, from 1, in the top right corner.
    first_numbered = text[packet.front_pages]
    assert first_numbered.strip().splitlines()[0].strip() == "1"
    assert text[packet.front_pages + 2].strip().splitlines()[0].strip().endswith("3")


def test_the_packet_in_chinese_names_the_missing_sheet_as_the_office_does(filed, tmp_path):
    set_language("zh_CN")
    out = tmp_path / "归档.pdf"
    export_archive(filed, N, out, today=sc.TODAY)
    cover = squash(pages_text(out)[0])
    assert "合同归档材料" in cover
    assert "归档材料尚缺" in cover or "尚缺" in cover
    assert "合同审批单" in cover and "签署原件扫描件" in cover
    assert all(f["emb"] == "yes" for f in pdffonts(out))  # every font embedded: no tofu on another machine


def test_the_scanned_original_is_compared_with_the_packet_it_came_from(filed, tmp_path):
    from app.ops.export import packet_printed

    packet_printed(filed, N)  # the packet went out: the comparison uses that revision
    pages = pdf_pages_of_packet(filed)
    good = files.pdf_bytes(f"合同编号：{N}", "合同总价：人民币80,000.00元（捌万元整）", pages=pages)
    scan = attach_file(filed, N, "signed_original", "签署原件.pdf", good).value
    check = check_archive(filed, N, today=sc.TODAY)
    [comparison] = check.comparisons
    assert (comparison.scan_pages, comparison.packet_pages) == (pages, pages)
    assert comparison.number_found and comparison.total_found and comparison.problems == []
    assert "revision" in comparison.packet_source
    from app.ops.attachments import detach_file

    detach_file(filed, N, scan.id)
    short = files.pdf_bytes("合同编号：测政采〔2025〕036号", "合同总价：79,000.00", pages=pages - 1)
    attach_file(filed, N, "signed_original", "少一页.pdf", short)
    problems = check_archive(filed, N, today=sc.TODAY).problems
    assert problems == [
        "the archive still lacks: counterparty's licence and qualifications, legality review opinion, approval sheet",
        f"\"少一页.pdf\" has {pages - 1} pages; {comparison.packet_source} has {pages}",
        "\"少一页.pdf\": the contract number is not found in its text",
        "\"少一页.pdf\": the contract total is not found in its text",
    ]
    image = attach_file(filed, N, "signed_original", "照片.jpg", files.jpeg_bytes()).value
    by_name = {c.attachment.name: c for c in check_archive(filed, N, today=sc.TODAY).comparisons}
    assert not by_name[image.name].has_text and by_name[image.name].number_found is None


def pdf_pages_of_packet(db) -> int:
    import io

    from pypdf import PdfReader

    from app.codecs.pdf import render_pdf
    from app.store.contracts import load

    return len(PdfReader(io.BytesIO(render_pdf(load(db, N)))).pages)


def test_the_total_is_found_however_it_is_written():
    spellings = total_spellings(Decimal("80000.00"))
    assert {"80,000.00", "80000.00", "捌万元整", "80,000", "80000"} <= set(spellings)


def test_a_file_name_the_font_cannot_print_refuses_the_archive_packet(filed, tmp_path):
    """The 卷内目录 prints each file's name: a character without a glyph is named (app.codecs.pdf.glyphs)."""
    from app.base.errors import UserError

    attach_file(filed, N, "review_opinion", "审查意见书\U0001f600.pdf", files.pdf_bytes("同意"))
    out = tmp_path / "archive.pdf"
    with pytest.raises(UserError) as err:
        export_archive(filed, N, out, today=sc.TODAY)
    assert "U+1F600" in err.value.message and not out.exists()
