"""Amendments appended to a contract's PDF: each on a new page with its changed terms, clauses and annexes."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from app.base.i18n import _
from app.codecs.pdf.cost_table import cost_table
from app.codecs.pdf.story import para
from app.domain import Contract
from app.rules.field_text import field_name, field_value


def amendment_flowables(contract: Contract, amendments: list, s) -> list[Flowable]:
    """Amendments appended to the packet: each on a new page with its changes, clauses and annexes."""
    out: list[Flowable] = []
    for a in amendments:
        out += [PageBreak(), para(a.title or _("Amendment"), s.title), para(a.number, s.cover_line)]
        if a.signed:
            out.append(para(_("signed on {date}").format(date=a.signed.isoformat()), s.cover_line))
        if a.changes:
            out.append(para(_("Changed terms"), s.article))
            for path in sorted(a.changes):
                out.append(para(f"{field_name(path)}：{field_value(path, a.changes[path])}", s.numbered))
        for clause in a.clauses:
            for _depth, sub in clause.walk():
                head = f"{sub.no} {sub.title}".strip()
                out.append(para(f"{head} {sub.text}".strip() if not sub.title else head, s.numbered if not sub.title else s.article))
                if sub.title and sub.text:
                    out.append(para(sub.text, s.numbered))
        for annex in a.annexes:
            out.append(para(_("Annex {no} {title}").format(no=annex.no, title=annex.title).strip(), s.annex_title))
            if annex.table is not None:
                out += cost_table(annex.table, s)
            elif annex.text:
                out.append(para(annex.text, s.body))
    return out
