"""The intake report as a PDF a clerk prints and takes to whoever sent the draft: what was read, and every
arithmetic check with where it stands. The fonts are the packet's (app.codecs.pdf.fonts: the bundled Song face,
embedded), so the Chinese prints on any machine."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.base.fileio import atomic_path
from app.base.i18n import _
from app.codecs.intake.arithmetic import ArithmeticReport, Status, check_label
from app.codecs.intake.labels import field_label
from app.codecs.intake.report import source_line
from app.codecs.intake.result import IntakeResult

_COLOURS = {Status.ERROR: colors.Color(0.75, 0.1, 0.1), Status.WARNING: colors.Color(0.6, 0.4, 0.0),
            Status.OK: colors.Color(0.1, 0.45, 0.1)}


def render_report_pdf(result: IntakeResult, report: ArithmeticReport) -> bytes:
    from app.codecs.pdf.fonts import FontPreference, choose_fonts, register
    from app.codecs.pdf.paragraph import ChineseParagraph

    body, heading = register(choose_fonts(FontPreference.BUNDLED))
    text = ParagraphStyle("ir-body", fontName=body, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("ir-small", parent=text, fontSize=8.5, leading=11)
    title = ParagraphStyle("ir-title", fontName=heading, fontSize=15, leading=22, spaceAfter=4)
    head = ParagraphStyle("ir-head", fontName=heading, fontSize=11.5, leading=18, spaceBefore=8, spaceAfter=3)
    doc_ = result.document

    def p(value: str, style=text) -> Paragraph:
        return ChineseParagraph(escape(value), style)

    story: list = [p(_("Contract intake report"), title), p(source_line(result), small)]
    contract = result.contract
    story.append(p(f"{contract.number}  {contract.title}", small))
    story += [Spacer(0, 3 * mm), p(_("Arithmetic review:"), head)]
    errors, warnings, ok = (len(report.of(s)) for s in (Status.ERROR, Status.WARNING, Status.OK))
    story.append(p(_("{errors} errors, {warnings} warnings, {ok} checks passed").format(errors=errors, warnings=warnings, ok=ok)))
    rows = [[p(_("Result"), small), p(_("Check"), small), p(_("What the text says"), small), p(_("Where"), small)]]
    styles = []
    for i, check in enumerate(report.checks, start=1):
        rows.append([p(check.status.label, small), p(check_label(check.code), small), p(check.message, small),
                     p(doc_.describe(check.span), small)])
        styles.append(("TEXTCOLOR", (0, i), (0, i), _COLOURS[check.status]))
    story.append(_table(rows, (16, 30, 95, 24), styles))
    story += [p(_("Fields read:"), head)]
    rows = [[p(_("Field"), small), p(_("Value"), small), p(_("How"), small), p(_("Where"), small)]]
    for record in result.fields:
        if record.path.startswith("clause:") and not record.note:
            continue
        value = record.value if len(record.value) <= 120 else record.value[:119] + "…"
        note = f"{record.confidence.label}" + (f"：{record.note}" if record.note else "")
        rows.append([p(field_label(record.path), small), p(value, small), p(note, small), p(doc_.describe(record.span), small)])
    story.append(_table(rows, (38, 62, 45, 20), []))
    if result.unplaced:
        story.append(p(_("Not recognised and not stored:"), head))
        story += [p(f"{u.text}  （{doc_.describe(u.span)}）", small) for u in result.unplaced]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                      bottomMargin=18 * mm, title=_("Contract intake report"), creator="ContractDesk",
                      initialFontName=body).build(story, onFirstPage=_font(body), onLaterPages=_font(body))
    return buffer.getvalue()


def _font(name: str):
    def set_font(canvas, _doc) -> None:
        canvas.setFont(name, 9)

    return set_font


def _table(rows: list[list], widths_mm: tuple[int, ...], extra: list) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)), *extra]))
    return table


def write_report_pdf(result: IntakeResult, report: ArithmeticReport, out: Path) -> None:
    data = render_report_pdf(result, report)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
