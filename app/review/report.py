"""The diff as readable lines (CLI, review PDF): fields old → new, clauses with [-removed-]{+added+}, table rows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from app.base.i18n import _
from app.domain import COST_COLUMN_LABELS, COST_COLUMNS, CostRow, TotalKind
from app.domain.cost_table import format_rate
from app.review.diff import AnnexChange, ContractDiff, FieldChange, Span
from app.rules.field_text import field_name, field_value, show
from app.rules.fields import where_label
from app.rules.tablediff import RowChange, TableDiff
from app.values.money import format_amount

KIND_MARK = {"added": "+", "removed": "-", "changed": "~"}


def entry_subject(what: str, new: str | None) -> str:
    """What an audit entry changed, as a clerk reads it: "项目名称、合同总价", "附件3", "状态"."""
    import json

    if what == "edit" and new:
        try:
            paths = list(json.loads(new))
        except (ValueError, TypeError):
            paths = []
        names = list(dict.fromkeys(_path_name(p) for p in paths))
        if names:
            return _("、").join(names[:3]) + ("…" if len(names) > 3 else "")
    if what in ("state", "state note"):
        return _("the state")
    if what.startswith("event "):
        return where_label("events." + what.removeprefix("event "))
    if what.startswith("annex "):
        return _("Annex {no}").format(no=what.removeprefix("annex ").split(":", 1)[0])
    if what.startswith("comment"):
        return _("the review comments")
    if what.startswith("amendment "):
        return _("amendment {no}").format(no=what.removeprefix("amendment "))
    return _("the contract")


def _path_name(path: str) -> str:
    annex = re.fullmatch(r"annex\[(.+)\]", path)
    if annex:
        return _("Annex {no}").format(no=annex.group(1))
    clause = re.fullmatch(r"clause\[(.+?)'*\]", path)
    if clause:
        return _("Clause {no}").format(no=clause.group(1))
    name = field_name(path)
    return name


def column_name(column: str) -> str:
    if column == "total_kind":
        return _("total kind")
    return _(COST_COLUMN_LABELS.get(column, column))


def marked(spans: list[Span]) -> str:
    """Spans as one line of text: removed text as [-…-], added text as {+…+}."""
    out = []
    for s in spans:
        if s.kind == "removed":
            out.append(f"[-{s.text}-]")
        elif s.kind == "added":
            out.append(f"{{+{s.text}+}}")
        else:
            out.append(s.text)
    return "".join(out)


def amount_text(amount: Decimal | None) -> str:
    """A row's amount as the reports show it; a row without one is settled on actual quantities."""
    return format_amount(amount) if amount is not None else _("settled on actuals")


def row_text(row: CostRow, amount: Decimal | None = None) -> str:
    """A row in one line: its cells, then `= amount` (the amount its table computes, when given)."""
    if row.is_section:
        return _("section {label}").format(label=row.label)
    cells = [row.no, *(str(getattr(row, c)) for c in COST_COLUMNS if getattr(row, c) not in ("", None))]
    if row.quantity is None:
        cells.insert(4 if row.no else 3, _("settled on actuals"))
    shown = amount if amount is not None else row.amount
    text = " | ".join(c for c in cells if c)
    return text if shown is None else f"{text} = {format_amount(shown)}"


def signed_amount(value: Decimal) -> str:
    return ("+" if value > 0 else "") + format_amount(value)


def _section_text(c: RowChange) -> str:
    """Where a row went: into a section, out of one, or from one into another."""
    if c.old_section and c.new_section:
        return _("moved from section {old} into section {new}").format(old=c.old_section, new=c.new_section)
    if c.new_section:
        return _("moved into section {new}").format(new=c.new_section)
    if c.old_section:
        return _("moved out of section {old} to the top level").format(old=c.old_section)
    return _("moved to another section")


def cell_value(column: str, value: Any) -> str:
    """A changed cell's value as the clerk reads it: rates as percentages, 按实结算, section or item."""
    if column in ("discount", "vat_rate") and value is not None:
        return format_rate(value)
    if column == "quantity" and value is None:
        return _("settled on actuals")
    if column == "kind":
        return _("section") if value == "section" else _("item")
    return show(value)


def option_value(column: str, value: Any) -> str:
    if value is None:
        return _("(none)")
    if column == "total_kind":
        return TotalKind(value).label
    return format_rate(value)


def table_lines(t: TableDiff) -> list[str]:
    lines = []
    for o in t.options:
        lines.append("  * " + _("table {option}: {old} → {new}").format(
            option=column_name(o.column), old=option_value(o.column, o.old), new=option_value(o.column, o.new)))
    for r in t.added:
        lines.append("  + " + _("row {n}: {row}").format(n=r.index + 1, row=row_text(r.row, r.amount)))
    for r in t.removed:
        lines.append("  - " + _("row {n}: {row}").format(n=r.index + 1, row=row_text(r.row, r.amount)))
    for c in t.changed:
        cells = _("; ").join(_("{field}: {value}").format(
            field=column_name(cell.column), value=f"{cell_value(cell.column, cell.old)} → {cell_value(cell.column, cell.new)}")
            for cell in c.cells)
        if c.section_changed:
            cells += "; " + _section_text(c)
        lines.append("  ~ " + _("row {old} → {new}: {cells}").format(old=c.old_index + 1, new=c.new_index + 1, cells=cells))
    for c in t.moved:
        if c.section_changed:
            lines.append("  ↕ " + _("row {old} → {new}: {item} {where}").format(
                old=c.old_index + 1, new=c.new_index + 1, item=c.new.label, where=_section_text(c)))
        else:
            lines.append("  ↕ " + _("row {old} moved to {new}: {item}").format(old=c.old_index + 1, new=c.new_index + 1, item=c.new.item))
    if t.total_change:
        lines.append("  " + _("total {old} → {new} ({change})").format(
            old=format_amount(t.old_total), new=format_amount(t.new_total), change=signed_amount(t.total_change)))
    else:
        lines.append("  " + _("total unchanged: {total}").format(total=format_amount(t.new_total)))
    return lines


def annex_lines(a: AnnexChange) -> list[str]:
    title = a.new_title or a.old_title
    lines = [f"{KIND_MARK[a.kind]} " + _("annex {no} {title}").format(no=a.no, title=title)]
    if a.kind == "changed" and a.old_title != a.new_title:
        lines.append("  " + _("title: {old} → {new}").format(old=show(a.old_title), new=show(a.new_title)))
    if a.spans:
        lines.append("  " + marked(a.spans))
    if a.pdf_changed:
        lines.append("  " + _("attached PDF changed"))
    if a.table is not None:
        lines += table_lines(a.table)
    return lines


def shown_fields(d: ContractDiff) -> list[FieldChange]:
    """The field changes a reader is shown: a list that became empty (or was filled) is told by its items
    ("第 1 期：金额：1,424,430.00 → （空白）"), not by a line of the list itself that reads "（空白） → （无）"; a
    signing date, one value kept in two places (app.rules.signing_dates), is told once, as the signing page's."""
    empty: tuple[Any, ...] = (None, [], {})
    page_dates = {(f.path.split(".")[1], f.old, f.new) for f in d.fields if re.fullmatch(r"signing\.[ab]\.date", f.path)}
    return [f for f in d.fields if not (f.old in empty and f.new in empty)
            and not (f.path in ("events.signed_a", "events.signed_b") and (f.path[-1], f.old, f.new) in page_dates)]


def diff_lines(d: ContractDiff) -> list[str]:
    if d.is_empty:
        return [_("no changes")]
    lines: list[str] = []
    fields = shown_fields(d)
    if fields:
        lines.append(_("Fields"))
        lines += ["  " + _("{field}: {value}").format(
            field=field_name(f.path), value=f"{field_value(f.path, f.old)} → {field_value(f.path, f.new)}") for f in fields]
    if d.clauses:
        lines.append(_("Clauses"))
        for c in d.clauses:
            title = c.new_title or c.old_title
            lines.append(f"  {KIND_MARK[c.kind]} {c.no} {title}".rstrip())
            if c.kind == "changed" and c.old_title != c.new_title:
                lines.append("    " + _("title: {old} → {new}").format(old=show(c.old_title), new=show(c.new_title)))
            lines.append("    " + marked(c.spans))
    if d.annexes:
        lines.append(_("Annexes"))
        for a in d.annexes:
            lines += ["  " + x for x in annex_lines(a)]
        if d.total_effect:
            lines.append("  " + _("effect on the cost-table total: {change}").format(change=signed_amount(d.total_effect)))
    return lines


def _json_amount(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value, grouping=False)


def _json_section(c: RowChange) -> dict[str, Any]:
    """The section move of a row, only when there is one (older readers see the members they knew)."""
    if not c.section_changed:
        return {}
    return {"section": [c.old_section, c.new_section]}


def _json_option(value: Any) -> str | None:
    return None if value is None else str(value)


def diff_json(d: ContractDiff) -> dict[str, Any]:
    def table(t: TableDiff | None) -> Any:
        if t is None:
            return None
        return {
            "added": [{"row": r.index + 1, "item": r.row.item, "amount": _json_amount(r.amount)} for r in t.added],
            "removed": [{"row": r.index + 1, "item": r.row.item, "amount": _json_amount(r.amount)} for r in t.removed],
            "changed": [{"from": c.old_index + 1, "to": c.new_index + 1,
                         "cells": {x.column: [str(x.old), str(x.new)] for x in c.cells}, **_json_section(c)}
                        for c in t.changed],
            "moved": [{"from": c.old_index + 1, "to": c.new_index + 1, **_json_section(c)} for c in t.moved],
            **({"options": {o.column: [_json_option(o.old), _json_option(o.new)] for o in t.options}} if t.options else {}),
            "old_total": format_amount(t.old_total, grouping=False), "new_total": format_amount(t.new_total, grouping=False), "total_change": format_amount(t.total_change, grouping=False),
        }

    return {
        "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in d.fields],
        "clauses": [{"no": c.no, "kind": c.kind, "spans": [[s.kind, s.text] for s in c.spans]} for c in d.clauses],
        "annexes": [{"no": a.no, "kind": a.kind, "spans": [[s.kind, s.text] for s in a.spans], "pdf_changed": a.pdf_changed,
                     "table": table(a.table)} for a in d.annexes],
        "total_effect": format_amount(d.total_effect, grouping=False),
    }
