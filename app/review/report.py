"""The diff as readable lines (CLI, review PDF): fields old → new, clauses with [-removed-]{+added+}, table rows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from app.domain import COST_COLUMN_LABELS, COST_COLUMNS, CostRow, Status, TotalKind
from app.domain.cost_table import format_rate
from app.errors import UserError
from app.fields import Kind, spec_for, where_label
from app.i18n import _
from app.money import AmountError, format_amount, parse_amount
from app.review.diff import AnnexChange, ContractDiff, Span
from app.tablediff import RowChange, TableDiff

KIND_MARK = {"added": "+", "removed": "-", "changed": "~"}


def show(value: Any) -> str:
    if value is None or value == "":
        return _("(blank)")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def field_name(path: str) -> str:
    """A changed field as the clerk reads it ("交付（天）"), not its JSON path."""
    if path == "status":
        return _("Status")
    clause = re.fullmatch(r"clause\[(.+)\]\.(?:text|title)", path)  # an amendment's change to a clause
    return _("Clause {no}").format(no=clause.group(1)) if clause else where_label(path)


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


def field_value(path: str, value: Any) -> str:
    """A field's value as the clerk reads it: a state by its label, an amount with separators."""
    if path == "status" and value in {s.value for s in Status}:
        return Status(value).label
    try:
        kind = spec_for(path).kind
    except UserError:
        kind = None
    if kind in (Kind.AMOUNT, Kind.OPTIONAL_AMOUNT) and isinstance(value, str | int):
        try:
            return format_amount(parse_amount(str(value)))
        except AmountError:
            pass
    return show(value)


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
        cells = "; ".join(f"{column_name(cell.column)}: {cell_value(cell.column, cell.old)} → "
                          f"{cell_value(cell.column, cell.new)}" for cell in c.cells)
        if c.section_changed:
            cells += "; " + _section_text(c)
        lines.append("  ~ " + _("row {old} → {new}: {cells}").format(old=c.old_index + 1, new=c.new_index + 1, cells=cells))
    for c in t.moved:
        if c.section_changed:
            lines.append("  ↕ " + _("row {old} → {new}: {item} {where}").format(
                old=c.old_index + 1, new=c.new_index + 1, item=c.new.label, where=_section_text(c)))
        else:
            lines.append("  ↕ " + _("row {old} moved to {new}: {item}").format(old=c.old_index + 1, new=c.new_index + 1, item=c.new.item))
    lines.append("  " + _("total {old} → {new} ({change})").format(
        old=format_amount(t.old_total), new=format_amount(t.new_total), change=signed_amount(t.total_change)))
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


def diff_lines(d: ContractDiff) -> list[str]:
    if d.is_empty:
        return [_("no changes")]
    lines: list[str] = []
    if d.fields:
        lines.append(_("Fields"))
        lines += [f"  {field_name(f.path)}: {field_value(f.path, f.old)} → {field_value(f.path, f.new)}" for f in d.fields]
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
    return None if value is None else f"{value:.2f}"


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
            "old_total": f"{t.old_total:.2f}", "new_total": f"{t.new_total:.2f}", "total_change": f"{t.total_change:.2f}",
        }

    return {
        "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in d.fields],
        "clauses": [{"no": c.no, "kind": c.kind, "spans": [[s.kind, s.text] for s in c.spans]} for c in d.clauses],
        "annexes": [{"no": a.no, "kind": a.kind, "spans": [[s.kind, s.text] for s in a.spans], "pdf_changed": a.pdf_changed,
                     "table": table(a.table)} for a in d.annexes],
        "total_effect": f"{d.total_effect:.2f}",
    }
