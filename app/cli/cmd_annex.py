"""`contractdesk import-annex NUMBER ANNEX_NO FILE.xlsx [--apply]`: review, then apply, a cost table from Excel."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from app.base.errors import NotFound, UserError
from app.base.i18n import _
from app.cli.common import open_store, print_json, refuse_approved_edit
from app.domain import COST_COLUMN_LABELS, COST_COLUMNS, Contract, CostRow
from app.rules.tablediff import TableDiff, diff_cost_rows
from app.values.money import format_amount


def register(sub) -> None:
    p = sub.add_parser(
        "import-annex",
        help=_("compare a cost table in an Excel workbook with the stored annex, and with --apply store it"),
    )
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("annex", metavar="ANNEX_NO")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--apply", action="store_true", help=_("store the workbook's table as the annex (one transaction)"))
    p.add_argument("--json", action="store_true", help=_("print the changes as JSON"))
    p.add_argument("--reopen", action="store_true", help=_("apply to an approved contract, returning it to review"))
    p.set_defaults(handler=run_import_annex)


@dataclass(frozen=True)
class CheckEffect:
    """Consistency findings that the import would add or clear, as (code, where, message)."""

    appear: list[tuple[str, str, str]]
    clear: list[tuple[str, str, str]]


def check_effect(contract: Contract, annex_no: str, rows: list[CostRow]) -> CheckEffect:
    from app.rules.checks import check

    after = copy.copy(contract)
    after.annexes = [copy.copy(a) for a in contract.annexes]
    for annex in after.annexes:
        if annex.no == annex_no:
            annex.table = rows
    before_set = [(f.code, f.where, f.message) for f in check(contract)]
    after_set = [(f.code, f.where, f.message) for f in check(after)]
    return CheckEffect([f for f in after_set if f not in before_set], [f for f in before_set if f not in after_set])


def _cells(row: CostRow) -> str:
    quantity = _("settled on actuals") if row.quantity is None else f"{row.quantity}"
    amount = "" if row.amount is None else format_amount(row.amount)
    item = row.label if row.no else row.item
    return " | ".join([item, row.spec, row.unit, quantity, format_amount(row.unit_price), amount, row.remark])


def _value(value: object) -> str:
    return f"{value}" if value != "" else _("(empty)")


def _print_text(diff: TableDiff, table, effect: CheckEffect, sheet_rows: list[int]) -> None:
    print(_("sheet {sheet}: {n} rows read").format(sheet=table.sheet, n=len(table.rows)))
    for added in diff.added:
        print(_("added    row {n} (sheet row {r}): {cells}").format(n=added.index + 1, r=sheet_rows[added.index],
                                                                   cells=_cells(added.row)))
    for removed in diff.removed:
        print(_("removed  row {n}: {cells}").format(n=removed.index + 1, cells=_cells(removed.row)))
    for change in diff.changed:
        edits = "; ".join(
            _("{column}: {old} → {new}").format(column=_(COST_COLUMN_LABELS[c.column]), old=_value(c.old), new=_value(c.new))
            for c in change.cells
        )
        print(_("changed  row {old} → row {new} (sheet row {r}): {edits}").format(
            old=change.old_index + 1, new=change.new_index + 1, r=sheet_rows[change.new_index], edits=edits))
    for change in diff.moved:
        print(_("moved    row {old} → row {new}: {item}").format(old=change.old_index + 1, new=change.new_index + 1,
                                                               item=change.new.item))
    for flag in table.flags:
        print(_("flagged  {cell}: {message}").format(cell=flag.cell, message=flag.message))
    if diff.is_empty:
        print(_("no changes"))
    sign = "+" if diff.total_change >= 0 else "-"
    print(_("total: ¥{old} → ¥{new} ({sign}¥{delta})").format(
        old=format_amount(diff.old_total), new=format_amount(diff.new_total), sign=sign,
        delta=format_amount(abs(diff.total_change))))
    for code, where, message in effect.appear:
        print(_("check: new finding {code} at {where}: {message}").format(code=code, where=where, message=message))
    for code, where, message in effect.clear:
        print(_("check: resolved {code} at {where}: {message}").format(code=code, where=where, message=message))


def _row_json(row: CostRow) -> dict[str, str | None]:
    data = {c: None if getattr(row, c) is None else str(getattr(row, c)) for c in COST_COLUMNS}
    data["amount"] = None if row.amount is None else str(row.amount)
    return data


def _json(diff: TableDiff, table, effect: CheckEffect, applied: bool) -> dict:
    return {
        "sheet": table.sheet,
        "rows": len(table.rows),
        "added": [{"row": a.index + 1, "sheet_row": table.sheet_rows[a.index], **_row_json(a.row)} for a in diff.added],
        "removed": [{"row": r.index + 1, **_row_json(r.row)} for r in diff.removed],
        "changed": [
            {"old_row": c.old_index + 1, "row": c.new_index + 1, "sheet_row": table.sheet_rows[c.new_index],
             "cells": [{"column": x.column, "old": str(x.old), "new": str(x.new)} for x in c.cells]}
            for c in diff.changed
        ],
        "moved": [{"old_row": c.old_index + 1, "row": c.new_index + 1} for c in diff.moved],
        "flags": [{"cell": f.cell, "message": f.message} for f in table.flags],
        "old_total": str(diff.old_total),
        "new_total": str(diff.new_total),
        "check_new": [{"code": c, "where": w, "message": m} for c, w, m in effect.appear],
        "check_resolved": [{"code": c, "where": w, "message": m} for c, w, m in effect.clear],
        "applied": applied,
    }


def run_import_annex(args) -> int:
    from app.codecs.xlsx_import import read_cost_table
    from app.ops.annexes import import_cost_table
    from app.ops.unit import ApprovedEdit
    from app.store.contracts import load_versioned

    db = open_store(args)
    contract, version = load_versioned(db, args.number)
    annex = contract.annex(args.annex)
    if annex is None:
        raise NotFound(_("this contract has no annex with this number"), args.annex)
    if annex.table is None:
        raise UserError(_("annex {no} is a text annex, not a cost table").format(no=args.annex), args.annex)
    table = read_cost_table(Path(args.file), annex.no, annex.title, contract.number)
    diff = diff_cost_rows(annex.table, table.rows)
    effect = check_effect(contract, annex.no, table.rows)
    applied = False
    if args.apply and not diff.is_empty:
        try:
            import_cost_table(db, contract.number, annex.no, table.rows, expected_version=version, reopen=args.reopen)
        except ApprovedEdit as exc:
            refuse_approved_edit(exc)
        applied = True
    if args.json:
        print_json(_json(diff, table, effect, applied))
        return 0
    _print_text(diff, table, effect, table.sheet_rows)
    if applied:
        print(_("applied: annex {no} now holds {n} rows").format(no=annex.no, n=len(table.rows)))
    elif not args.apply and not diff.is_empty:
        print(_("nothing was stored; run again with --apply to store these changes"))
    return 0
