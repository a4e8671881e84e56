"""Exports are inert: the PDF packet carries no JavaScript, no actions and no external links (even when
clause text or an attached annex PDF tries to add them), and Excel never turns user text into a formula."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from reportlab.pdfgen.canvas import Canvas

from app.codecs.pdf import render_pdf
from app.codecs.xlsx import export_xlsx
from app.domain import Annex, Clause

#: PDF names that run code, open something or reach outside the file.
ACTIVE = re.compile(rb"/(JavaScript|JS|URI|Launch|SubmitForm|ImportData|GoToR|GoToE|OpenAction|AA|RichMedia|EmbeddedFile)\b")

HOSTILE_TEXT = [
    '<a href="http://evil.example/x">点击</a>',
    "javascript:app.alert(1)",
    "http://evil.example/phish",
    '<link href="file:///etc/passwd">link</link>',
    "=HYPERLINK(\"http://evil.example\",\"x\")",
]


def _active_names(pdf: bytes) -> set[str]:
    """Active names anywhere in the file, with every stream decompressed (pypdf walks the objects)."""
    found = {m.decode() for m in ACTIVE.findall(pdf)}
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            action = obj.get("/A")
            if action is not None:
                found.add(str(action.get_object().get("/S")))
            if "/AA" in obj:
                found.add("/AA")
        if "/AA" in page:
            found.add("/AA")
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA", "/Names"):
        if key in root:
            names = root[key].get_object()
            if key != "/Names" or "/JavaScript" in names or "/EmbeddedFiles" in names:
                found.add(key)
    return found


def _hostile_pdf() -> bytes:
    """A one-page PDF with a web link, a JavaScript link, an open action and a page action."""
    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(72, 720, "attached annex")
    c.linkURL("http://evil.example/", (72, 700, 300, 730))
    c.showPage()
    c.save()
    writer = PdfWriter(clone_from=io.BytesIO(buf.getvalue()))
    js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(2)")})
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(72), NumberObject(600), NumberObject(300), NumberObject(630)]),
        NameObject("/A"): writer._add_object(js),
    })
    writer.pages[0][NameObject("/Annots")].append(writer._add_object(link))
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(js)})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(js)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_hostile_fixture_really_is_hostile():
    assert {"/JavaScript", "/URI", "/AA", "/OpenAction"} <= _active_names(_hostile_pdf())


def test_clause_text_cannot_add_links_or_script(sample):
    sample.clauses.append(Clause("十二", "链接", "\n".join(HOSTILE_TEXT)))
    pdf = render_pdf(sample)
    assert _active_names(pdf) == set()


def test_attached_pdf_brings_no_script_or_links(sample):
    text_annex = next(a for a in sample.annexes if a.table is None)
    text_annex.pdf = _hostile_pdf()
    pdf = render_pdf(sample)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
    assert _active_names(pdf) == set()


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "=HYPERLINK(\"http://evil.example\")",
                                  "\t=1", "=cmd|' /C calc'!A0"])
def test_excel_never_turns_user_text_into_a_formula(sample, tmp_path, text):
    sample.title = text
    sample.party_b.name = text
    sample.annexes[2].table[0].item = text
    sample.annexes[2].table[0].remark = text
    sample.annexes.append(Annex("9", text, text=text))
    out = tmp_path / "packet.xlsx"
    export_xlsx(sample, out)
    wb = load_workbook(out)
    hits = [(ws.title, cell.coordinate, cell.data_type) for ws in wb.worksheets for row in ws.iter_rows()
            for cell in row if cell.value == text]
    assert len(hits) >= 3
    assert all(kind == "s" for _t, _c, kind in hits), hits
