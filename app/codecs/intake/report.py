"""What intake found and what the arithmetic review says, as text for the terminal and as JSON for scripts.

Labels follow the interface language; the contract's own words (values, 大写, clause titles) stay as written.
"""

from __future__ import annotations

from typing import Any

from app.base.i18n import _, ngettext
from app.codecs.intake.arithmetic import ArithmeticReport, Status, check_label
from app.codecs.intake.document import Span
from app.codecs.intake.labels import field_label
from app.codecs.intake.result import Confidence, IntakeResult
from app.codecs.intake.tables import RowKind
from app.codecs.json_codec import contract_to_dict

#: Field records shown one per line; clause records are summarised unless guessed.
_MAX_VALUE = 60


def _short(text: str, limit: int = _MAX_VALUE) -> str:
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _span(span: Span | None) -> dict[str, int] | None:
    return span.as_dict() if span else None


def _at(where: str) -> str:
    # TRANSLATORS: where a field stands in the source, after its value ("line 12", "page 3, line 5")
    return _(" ({place})").format(place=where)


def source_line(result: IntakeResult) -> str:
    doc = result.document
    details = doc.kind.value
    if doc.encoding:
        details += f", {doc.encoding}"
    if doc.pages:
        details += ", " + ngettext("{n} page", "{n} pages", doc.pages).format(n=doc.pages)
    return f"{doc.name} ({details})"


def recognition_lines(result: IntakeResult) -> list[str]:
    doc = result.document
    out = [_("Read from {source}:").format(source=source_line(result))]
    clause_count = 0
    for record in result.fields:
        if record.path.startswith("clause:") and record.confidence is Confidence.FOUND:
            clause_count += 1
            continue
        where = doc.describe(record.span)
        line = f"  [{record.confidence.label}] " + _("{field}: {value}").format(
            field=field_label(record.path), value=_short(record.value))
        if where:
            line += _at(where)
        if record.note:
            line += f"  — {record.note}"
        out.append(line)
    out.append("  " + ngettext("{n} numbered clause read", "{n} numbered clauses read", clause_count).format(n=clause_count))
    blanks = [f for f in result.fillins if f.blank]
    if blanks:
        out.append("  " + ngettext("{n} blank fill-in 【】: {places}", "{n} blank fill-ins 【】: {places}", len(blanks)).format(
            n=len(blanks), places="、".join(doc.describe(f.span) for f in blanks)))
    for table in result.tables:
        items = [ln for ln in table.lines if ln.kind is RowKind.ITEM]
        sections = [ln for ln in table.lines if ln.kind is RowKind.SECTION]
        out.append("  " + _("table “{table}”: {rows} rows, {sections} sections ({place})").format(
            table=table.caption or "—", rows=len(items), sections=len(sections), place=doc.describe(table.span)))
    if result.extras:
        out.append(_("Stated in the text, no field for it yet (kept in the text):"))
        for label, value, span in result.extras:
            out.append("  " + _("{field}: {value}").format(field=label, value=_short(value)) + _at(doc.describe(span)))
    if result.unplaced:
        out.append(_("Not recognised and not stored:"))
        for item in result.unplaced:
            out.append(f"  {_short(item.text)}" + _at(doc.describe(item.span)))
    return out


def arithmetic_lines(result: IntakeResult, report: ArithmeticReport) -> list[str]:
    doc = result.document
    out = [_("Arithmetic review:")]
    for check in report.checks:
        where = doc.describe(check.span)
        out.append(f"  [{check.status.label}] " + _("{field}: {value}").format(field=check_label(check.code), value=check.message)
                   + (_at(where) if where else ""))
    errors, warnings, ok = (len(report.of(s)) for s in (Status.ERROR, Status.WARNING, Status.OK))
    out.append(_("{errors} errors, {warnings} warnings, {ok} checks passed").format(errors=errors, warnings=warnings, ok=ok))
    return out


def report_text(result: IntakeResult, report: ArithmeticReport) -> str:
    return "\n".join([*recognition_lines(result), "", *arithmetic_lines(result, report)]) + "\n"


def report_json(result: IntakeResult, report: ArithmeticReport) -> dict[str, Any]:
    """The whole reading for scripts: the contract (contractdesk/1), each field with its source, the checks."""
    doc = result.document
    return {
        "file": doc.name,
        "kind": doc.kind.value,
        "encoding": doc.encoding or None,
        #: what every "span" indexes: the document's paragraphs and tables as read, one per line
        "text": doc.text,
        "contract": contract_to_dict(result.contract),
        "fields": [
            {"path": f.path, "value": f.value, "confidence": f.confidence.value, "place": doc.describe(f.span),
             "span": _span(f.span), "note": f.note}
            for f in result.fields
        ],
        "fillins": [{"content": f.content, "blank": f.blank, "place": doc.describe(f.span), "span": _span(f.span)}
                    for f in result.fillins],
        "tables": [
            {
                "caption": t.caption,
                "place": doc.describe(t.span),
                "columns": t.columns,
                "total_kind": t.total_kind.value,
                "rows": [
                    {"row": ln.row + 1, "kind": ln.kind.value, "number": ln.number, "level": ln.level, "item": ln.item,
                     "spec": ln.spec, "unit": ln.unit,
                     **{k: None if getattr(ln, k) is None else f"{getattr(ln, k):f}"
                        for k in ("quantity", "unit_price", "amount", "discount", "discounted", "vat", "tax", "gross")},
                     "settled": ln.settled, "remark": ln.remark, "upper": ln.upper}
                    for ln in t.lines
                ],
            }
            for t in result.tables
        ],
        "extras": [{"label": label, "value": value, "place": doc.describe(span)} for label, value, span in result.extras],
        "unplaced": [{"text": u.text, "place": doc.describe(u.span)} for u in result.unplaced],
        "arithmetic": {
            "errors": len(report.of(Status.ERROR)),
            "warnings": len(report.of(Status.WARNING)),
            "checks": [{"code": c.code, "status": c.status.value, "message": c.message, "where": c.where,
                        "place": doc.describe(c.span), "span": _span(c.span)} for c in report.checks],
        },
    }
