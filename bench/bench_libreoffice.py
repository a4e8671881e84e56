"""PDF packet against what clerks do today: a Word document of the same content converted by LibreOffice.

Two packets: the sample, and the sample with a 5,000-row cost table (about 150 pages). The bench writes a .docx
of the same content with python-docx (title page, parties, preamble, every clause filled in, the signing page,
the annexes, the cost table as a Word table whose header repeats, its totals), then, in each run and side by
side:

- ours: `export_pdf` in a fresh Python process; "process" is spawn to exit (imports, fonts, layout, writing),
  the fair match for one `soffice --convert-to pdf`; "first"/"second" are the first and a second export inside
  that process (fonts already parsed for the second).
- LibreOffice: `soffice --headless --convert-to pdf`, "cold" with a new user profile (its first start, as in a
  fresh container or the first run after installing), "warm" with that profile already made. The 5,000-row
  document takes LibreOffice about 11 minutes, so it is converted (warm) in the first run only; its ratio is
  that run's.

Target (issue 12): at least 5× faster than LibreOffice on the same content. LibreOffice is installed by
bench/setup.sh when missing (root or password-less sudo); when it cannot be, the comparison is skipped with a
note and our own figures are still reported. `python -m bench.bench_libreoffice` runs it once by itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Metric

TITLE = "PDF packet: ours against LibreOffice converting the same content from .docx"
DEFAULT_RUNS = 3
ROWS = {"sample": None, "rows5000": 5000}
QUICK_ROWS = {"sample": None, "rows5000": 300}
FONT = "Noto Serif CJK SC"
HERE = Path(__file__).resolve().parent
NOTE_FILE = "libreoffice-note.txt"
CELL_PT, CELL_LINE_PT = 9, 12

METRICS = [
    Metric("sample_ours_process_s", "sample: ours (process) vs LO warm", "s", target=5.0,
           vs="sample_lo_warm_s", speedup=True),
    Metric("sample_ours_first_s", "sample: ours (in the app) vs LO warm", "s", target=5.0,
           vs="sample_lo_warm_s", speedup=True),
    Metric("sample_ours_process_s", "sample: ours (process) vs LO cold", "s", vs="sample_lo_cold_s", speedup=True),
    Metric("sample_ours_first_s", "sample: ours, first export in the process", "s", target=1.0),
    Metric("sample_ours_second_s", "sample: ours, second export in the process", "s"),
    Metric("reportlab_floor_s", "plain ReportLab (one CJK paragraph, process) vs LO warm", "s",
           vs="sample_lo_warm_s", speedup=True),
    Metric("sample_lo_warm_s", "sample: LibreOffice warm", "s"),
    Metric("sample_lo_cold_s", "sample: LibreOffice cold (new profile)", "s"),
    Metric("rows5000_ours_process_s", "5,000 rows: ours (process) vs LO warm", "s", target=5.0,
           vs="rows5000_lo_warm_s", speedup=True),
    Metric("rows5000_ours_first_s", "5,000 rows: ours (in the app) vs LO warm", "s", target=5.0,
           vs="rows5000_lo_warm_s", speedup=True),
    Metric("rows5000_ours_first_s", "5,000 rows: ours, first export in a process", "s", target=5.0),
    Metric("rows5000_ours_second_s", "5,000 rows: ours, second export in the process", "s"),
    Metric("rows5000_lo_warm_s", "5,000 rows: LibreOffice warm", "s"),
    Metric("rows5000_ours_rss_mb", "5,000 rows: ours, peak memory", "MB", target=300.0),
]


def contract_for(case: str, quick: bool):
    from bench.pdf_child import contract_for as build

    return build(case, rows=(QUICK_ROWS if quick else ROWS)[case])


# --- the Word document -----------------------------------------------------------------------------------


def _fonts(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(12 if name == "Normal" else 15)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal = document.styles["Normal"].paragraph_format
    normal.line_spacing, normal.space_after = Pt(21), Pt(0)  # the packet's 12 pt body on a 21 pt line


def _page_number_footer(section) -> None:
    """第 N 页 in the footer, as the packet prints it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.add_run("第 ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.text = text
        run._r.append(element)
    paragraph.add_run(" 页")


def _cost_table(document, rows) -> None:
    """The cost table as one Word table: repeated header row, a row per cost row, the totals."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from app.codecs.pdf.cost_table import COST_HEADER, COST_WIDTHS_MM, quantity_text
    from app.domain import table_total
    from app.values.money import format_amount, rmb_upper

    total = table_total(rows)
    body = [
        [str(i), r.item, r.spec, r.unit, quantity_text(r.quantity), format_amount(r.unit_price),
         format_amount(r.amount), r.remark]
        for i, r in enumerate(rows, start=1)
    ]
    body.append(["合计", "", "", "", "", "", "¥" + format_amount(total), ""])
    body.append([f"合计金额（大写）：人民币{rmb_upper(total)}", "", "", "", "", "", "", ""])
    table = document.add_table(rows=1, cols=len(COST_HEADER))
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, text, width in zip(header.cells, COST_HEADER, COST_WIDTHS_MM, strict=True):
        cell.text = text
        cell.width = Mm(width)
        cell.paragraphs[0].runs[0].font.size = Pt(CELL_PT)
    props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    props.append(repeat)
    # Rows are written as XML directly: python-docx's add_row() re-reads the grid each time (quadratic).
    tbl = table._tbl
    for values in body:
        tr = OxmlElement("w:tr")
        for text, width in zip(values, COST_WIDTHS_MM, strict=True):
            tc = OxmlElement("w:tc")
            tc_pr = OxmlElement("w:tcPr")
            tc_w = OxmlElement("w:tcW")
            tc_w.set(qn("w:w"), str(int(width * 56.7)))
            tc_w.set(qn("w:type"), "dxa")
            tc_pr.append(tc_w)
            tc.append(tc_pr)
            p = OxmlElement("w:p")
            p_pr = OxmlElement("w:pPr")  # 9 pt on a 12 pt line, as the packet's cells
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:line"), str(CELL_LINE_PT * 20))
            spacing.set(qn("w:lineRule"), "exact")
            p_pr.append(spacing)
            p.append(p_pr)
            if text:
                r = OxmlElement("w:r")
                r_pr = OxmlElement("w:rPr")
                size = OxmlElement("w:sz")
                size.set(qn("w:val"), str(CELL_PT * 2))
                r_pr.append(size)
                r.append(r_pr)
                t = OxmlElement("w:t")
                t.text = text
                r.append(t)
                p.append(r)
            tc.append(p)
            tr.append(tc)
        tbl.append(tr)
    last = table.rows[-1]
    last.cells[0].merge(last.cells[-1])


def write_docx(contract, path: Path) -> None:
    """The packet's content as a Word document, laid out the way a clerk's template is."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    from app.codecs.pdf.annexes import annex_heading
    from app.codecs.pdf.signing_page import date_line
    from app.codecs.pdf.story import NO_MORE_TEXT, filled
    from app.rules.templating import render_contract_text

    def text_of(source: str) -> str:
        return render_contract_text(source, contract).text

    document = Document()
    _fonts(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    _page_number_footer(section)

    def page_break() -> None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    year, _sep, month = contract.drafted.partition("-")
    document.add_paragraph(contract.number)
    document.add_paragraph(f"甲方合同编号：【{filled(contract.party_a_number)}】")
    document.add_paragraph(f"乙方合同编号：【{filled(contract.party_b_number)}】")
    document.add_paragraph(contract.title, style="Title")
    document.add_paragraph(f"【{filled(year)}】年【{filled(month)}】月")
    page_break()
    for role, label in (("a", "甲方"), ("b", "乙方")):
        party = contract.party(role)
        document.add_paragraph(f"{label}：{party.name}")
        document.add_paragraph(f"法定代表人（负责人）：{party.representative}")
        document.add_paragraph(f"地址：{party.address}")
    if contract.preamble:
        document.add_paragraph(text_of(contract.preamble))
    for depth, clause in contract.all_clauses():
        lines = text_of(clause.text).split("\n") if clause.text else []
        if depth == 0:
            document.add_heading(" ".join(p for p in (clause.no, clause.title) if p), level=1)
        elif clause.title:
            document.add_heading(f"{clause.no} {clause.title}", level=2)
        else:
            first, lines = (lines[0], lines[1:]) if lines else ("", [])
            document.add_paragraph(f"{clause.no} {first}".rstrip())
        for line in lines:
            document.add_paragraph(line)
    document.add_paragraph(NO_MORE_TEXT)
    page_break()
    document.add_paragraph("签字页：")
    for role, label in (("a", "甲方"), ("b", "乙方")):
        signing = contract.signing(role)
        document.add_paragraph(f"{signing.seal_caption or label + '（盖章）'}：{contract.party(role).name}")
        document.add_paragraph(f"{label}代表签字：{signing.signatory}")
        document.add_paragraph(date_line(contract, role))
    for annex in contract.annexes:
        page_break()
        document.add_heading(annex_heading(annex), level=1)
        if annex.text:
            for line in text_of(annex.text).split("\n"):
                document.add_paragraph(line)
        if annex.table is not None:
            _cost_table(document, annex.table)
    document.save(str(path))


# --- LibreOffice -----------------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def install_libreoffice() -> str:
    """Run bench/setup.sh; return a note on what happened (empty when LibreOffice is there)."""
    if soffice():
        return ""
    try:
        proc = subprocess.run(["sh", str(HERE / "setup.sh")], capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"LibreOffice is not installed and bench/setup.sh failed: {exc}"
    if proc.returncode != 0 or not soffice():
        why = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["no output"]
        return f"LibreOffice is not installed and bench/setup.sh could not install it: {why[0]}"
    return ""


def convert(docx: Path, outdir: Path, profile: Path) -> float:
    """One `soffice --headless --convert-to pdf`; seconds from spawn to exit. Raises when no PDF comes out."""
    exe = soffice()
    assert exe is not None
    target = outdir / (docx.stem + ".pdf")
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
        capture_output=True, text=True, timeout=1800,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0 or not target.exists():
        raise RuntimeError(f"LibreOffice did not convert {docx.name}: {(proc.stderr or proc.stdout).strip()[-300:]}")
    return seconds


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


# --- ours ------------------------------------------------------------------------------------------------


#: A plain ReportLab program writing a Chinese document, process to process: the interpreter, ReportLab's platypus
#: imported as it comes, the bundled CJK face parsed and one paragraph on one page. A reference for what the library
#: costs as it comes; the app imports it without two costs it never uses (app/base/lean_imports.py) and reads its
#: parsed faces from a cache, so its whole packet can come in under this.
REPORTLAB_FLOOR = """
import sys
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate
pdfmetrics.registerFont(TTFont("song", sys.argv[2]))
style = ParagraphStyle("body", fontName="song", fontSize=11, leading=16)
SimpleDocTemplate(sys.argv[1]).build([Paragraph("甲方：汤阴县公安局。合同总价（含税）：人民币壹拾贰万元整。", style)])
"""


def reportlab_floor(out: Path) -> float:
    from app.base.resources import bundled_font

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", REPORTLAB_FLOOR, str(out), str(bundled_font())], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def ours(case: str, out: Path, quick: bool) -> dict[str, float]:
    # bench.pdf_child imports what an export needs and nothing of the bench's own (statistics, subprocess, docx).
    cmd = [sys.executable, "-m", "bench.pdf_child", case, str(out), str((QUICK_ROWS if quick else ROWS)[case] or 0)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = proc.communicate(timeout=1800)
    # The process ends after the second export; the first export alone is what one `contractdesk export` does.
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"export_pdf failed: {stderr.strip()[-500:]}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["process"] = wall - figures["second"]
    return figures


# --- the bench protocol ----------------------------------------------------------------------------------


def prepare(folder: Path, quick: bool) -> None:
    for case in ROWS:
        write_docx(contract_for(case, quick), folder / f"{case}.docx")
    note = install_libreoffice()
    if not note:
        try:  # one conversion to check that Writer is there and works
            convert(folder / "sample.docx", folder, folder / "lo-check-profile")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            note = f"LibreOffice cannot convert here: {exc}"
    (folder / NOTE_FILE).write_text(note, encoding="utf-8")


def measure(folder: Path, quick: bool) -> dict[str, Any]:
    note = (folder / NOTE_FILE).read_text(encoding="utf-8")
    result: dict[str, Any] = {}
    if note:
        result["libreoffice"] = "comparison skipped: " + note
    outdir = folder / "lo"
    outdir.mkdir(exist_ok=True)
    profile = folder / f"lo-profile-{os.getpid()}"
    result["reportlab_floor_s"] = reportlab_floor(folder / "floor.pdf")
    for case in ROWS:
        mine = ours(case, folder / f"{case}-ours.pdf", quick)
        result[f"{case}_ours_process_s"] = mine["process"]
        result[f"{case}_ours_first_s"] = mine["first"]
        result[f"{case}_ours_second_s"] = mine["second"]
        result[f"{case}_ours_rss_mb"] = mine["rss_mb"]
        result[f"{case}_ours_pages"] = pdf_pages(folder / f"{case}-ours.pdf")
        if note:
            continue
        if case == "sample":
            result["sample_lo_cold_s"] = convert(folder / "sample.docx", outdir, profile)  # makes the profile
        elif not quick:
            # LibreOffice needs about 11 minutes for this one (its table layout is quadratic in the rows):
            # converted in the first run only, with the profile already made; its start-up cost is the sample's.
            done = folder / "rows5000-lo-done"
            if done.exists():
                continue
            done.touch()
        result[f"{case}_lo_warm_s"] = convert(folder / f"{case}.docx", outdir, profile)
        result[f"{case}_lo_pages"] = pdf_pages(outdir / f"{case}.pdf")
    shutil.rmtree(profile, ignore_errors=True)
    if not note:
        result["libreoffice_version"] = subprocess.run(
            [soffice() or "soffice", "--headless", "--version"], capture_output=True, text=True
        ).stdout.strip()
    return result


if __name__ == "__main__":
    import tempfile

    quick_run = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        prepare(Path(tmp), quick_run)
        print(json.dumps(measure(Path(tmp), quick_run), ensure_ascii=False, indent=1))
