"""What the store calls on every write: read-only checks, revisions and audit entries.

Everything runs inside the store's own transaction, so a refused change leaves no trace and an
accepted one is never stored without its audit entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Annex, Contract, table_total
from app.errors import NotFound
from app.i18n import _
from app.review import audit, states
from app.store.schema import AnnexRow, ContractRow


def _clause_sources(c: Contract) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, (_depth, clause) in enumerate(c.all_clauses()):
        key = f"clause[{clause.no or '#' + str(i + 1)}]"
        while key in out:
            key += "'"
        out[key] = {"title": clause.title, "text": clause.text}
    return out


def _annex_summary(a: Annex) -> dict[str, Any]:
    if a.table is not None:
        return {"title": a.title, "rows": len(a.table), "total": f"{table_total(a.table):.2f}"}
    return {"title": a.title, "text": a.text, "pdf_bytes": len(a.pdf or b"")}


def _annex_changes(old: Contract, new: Contract) -> tuple[dict[str, Any], dict[str, Any]]:
    """Annexes that differ, summarised (a 100k-row table is compared, never copied into the log)."""
    a = {x.no: x for x in old.annexes}
    b = {x.no: x for x in new.annexes}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for no in list(a) + [n for n in b if n not in a]:
        x, y = a.get(no), b.get(no)
        if x is not None and y is not None and (x.title, x.text, x.table, x.pdf) == (y.title, y.text, y.table, y.pdf):
            continue
        before[f"annex[{no}]"] = _annex_summary(x) if x is not None else None
        after[f"annex[{no}]"] = _annex_summary(y) if y is not None else None
    return before, after


def changes(old: Contract, new: Contract) -> tuple[dict[str, Any], dict[str, Any]]:
    """{path: old}, {path: new} for everything that differs (tables summarised)."""
    from app.review.diff import contract_fields

    a = {**contract_fields(old), **_clause_sources(old)}
    b = {**contract_fields(new), **_clause_sources(new)}
    keys = list(a) + [k for k in b if k not in a]
    changed = [k for k in keys if a.get(k) != b.get(k)]
    annex_old, annex_new = _annex_changes(old, new)
    return {**{k: a.get(k) for k in changed}, **annex_old}, {**{k: b.get(k) for k in changed}, **annex_new}


def check_replace(number: str, status: str, old: Contract, new: Contract) -> tuple[dict[str, Any], dict[str, Any]]:
    """Refuse a save that a read-only contract does not allow; returns the changes for the audit."""
    old_values, new_values = changes(old, new)
    states.check_save_allowed(number, status, list(old_values), old_values)
    return old_values, new_values


def after_save(session: Session, row: ContractRow, contract: Contract, diff: tuple[dict, dict] | None) -> None:
    """Audit the save and keep the stored version as a revision."""
    from app.review.revisions import add_snapshot

    if diff is None:
        audit.record(session, contract.number, "create", None, {"title": contract.title, "total": f"{contract.total:.2f}"})
    elif diff[0] or diff[1]:
        audit.record(session, contract.number, "edit", diff[0], diff[1])
    add_snapshot(session, row.id, row.version, contract)


def before_delete(row: ContractRow) -> None:
    states.ensure_writable(row.number, row.status)


def after_delete(session: Session, number: str) -> None:
    audit.record(session, number, "delete", None, None)


def before_event(session: Session, row: ContractRow, name: str, when: Any) -> None:
    old = getattr(row, name)
    states.check_event_allowed(row.number, row.status, name, old)
    if old != when:
        audit.record(session, row.number, f"event {name}", old.isoformat() if old else None, when.isoformat() if when else None)


def annex_touched(session: Session, annex_id: int, what: str, old: Any = None, new: Any = None) -> None:
    """A cost-table or annex edit: refuse it on a read-only contract, else audit it."""
    found = session.execute(
        select(ContractRow.number, ContractRow.status, AnnexRow.no)
        .join(AnnexRow, AnnexRow.contract_id == ContractRow.id)
        .where(AnnexRow.id == annex_id)
    ).first()
    if found is None:
        raise NotFound(_("no such annex"), str(annex_id))
    number, status, no = found
    states.ensure_writable(number, status)
    audit.record(session, number, f"annex {no}: {what}", old, new)
