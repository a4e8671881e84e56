"""Does the stored contract still match what its audit trail and revisions recorded?

The hash chain (app.review.audit) shows whether the trail itself was edited. This module catches the other
half of tampering with the database file: contract data changed directly in SQL. Every change ContractDesk
makes is recorded — whole-contract saves as a revision snapshot, state steps and dated events in the trail —
so the live contract must equal the latest snapshot, with the state and events the trail gives last.

Signing takes a snapshot too, so a signed contract's annexes (cost tables included) must equal it, and each
amendment must match the trail's entry for it. Not covered: cost-table cells and annex texts before signing
(edited in place and audited per edit, not snapshotted), and entries cut from the end of the trail (nothing
outside the file anchors its length); see docs/review.md.
"""

from __future__ import annotations

import json
from typing import Any

from app.domain import EVENT_NAMES, Contract, Status
from app.errors import NotFound
from app.fields import where_label
from app.i18n import _
from app.review import audit
from app.review.revisions import list_revisions, load_revision
from app.review.states import READ_ONLY
from app.store.db import Database

#: Parts of a contract that change without a snapshot (checked against the trail, or not at all).
_NOT_SNAPSHOTTED = ("status", "events", "invoices", "annexes", "comments", "amendments")


def _snapshotted(contract: Contract) -> dict[str, Any]:
    from app.interchange.json_codec import contract_to_dict

    data = contract_to_dict(contract)
    return {key: value for key, value in data.items() if key not in _NOT_SNAPSHOTTED}


def _differences(old: Any, new: Any, path: str = "") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            out += _differences(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += _differences(a, b, f"{path}[{i}]")
        return out
    return [] if old == new else [path]


def integrity_problems(db: Database, number: str) -> list[str]:
    """What in the stored contract no recorded change explains, as sentences for the user; [] when all agree."""
    from app.store.contracts import load

    entries = audit.entries(db, number)
    try:
        live = load(db, number)
    except NotFound:  # the trail outlives a deleted contract; only a deletion it does not record is a problem
        if not entries:
            raise
        if entries[-1].what == "delete":
            return []
        return [_("the contract is not in the database, but the audit trail does not record its deletion")]
    revisions = list_revisions(db, number)
    snapshot = load_revision(db, number, revisions[-1].seq) if revisions else None
    snapshot_at = revisions[-1].at if revisions else ""
    problems: list[str] = []

    def recorded(what: str, from_snapshot: str | None) -> str | None:
        """The value the last record gives: the trail's entry, or the snapshot when that is newer."""
        found = [e for e in entries if e.what == what]
        if found and found[-1].at >= snapshot_at:
            return found[-1].new
        return from_snapshot if snapshot is not None else (found[-1].new if found else live_value(what))

    def live_value(what: str) -> str | None:
        if what == "state":
            return live.status.value
        value = getattr(live.events, what.removeprefix("event "))
        return value.isoformat() if value else None

    expected = recorded("state", snapshot.status.value if snapshot else None)
    if expected != live.status.value:
        problems.append(_("the state is {live}, but the last record says {recorded}").format(
            live=live.status.label, recorded=_state_label(expected)))
    for name in EVENT_NAMES:
        old = getattr(snapshot.events, name) if snapshot else None
        expected = recorded(f"event {name}", old.isoformat() if old else None)
        if expected != live_value(f"event {name}"):
            problems.append(_("{field} is {live}, but the last record says {recorded}").format(
                field=where_label(f"events.{name}"), live=live_value(f"event {name}") or "—", recorded=expected or "—"))
    if snapshot is not None:
        changed = _differences(_snapshotted(snapshot), _snapshotted(live))
        if changed:
            shown = ", ".join(where_label(path) for path in changed[:5]) + ("…" if len(changed) > 5 else "")
            problems.append(_("changed outside ContractDesk since revision {seq}: {fields}").format(
                seq=revisions[-1].seq, fields=shown))
        if snapshot.status in READ_ONLY and live.status in READ_ONLY:
            problems += _annex_problems(snapshot, live, revisions[-1].seq)
    return problems + _amendment_problems(db, number, entries)


def _state_label(value: str | None) -> str:
    try:
        return Status(value or "").label
    except ValueError:
        return value or "—"


def _annex_problems(signed: Contract, live: Contract, seq: int) -> list[str]:
    """Annexes of a contract snapshotted as signed: nothing may change them any more (amendments bring their own)."""
    from app.interchange.json_codec import contract_to_dict

    before, after = contract_to_dict(signed)["annexes"], contract_to_dict(live)["annexes"]
    if before == after:
        return []
    old = {a["no"]: a for a in before}
    new = {a["no"]: a for a in after}
    changed = [no for no in [*old, *(n for n in new if n not in old)] if old.get(no) != new.get(no)]
    shown = ", ".join(where_label(f"annex:{no}") for no in changed)
    return [_("changed outside ContractDesk since revision {seq}: {fields}").format(seq=seq, fields=shown)]


def _amendment_problems(db: Database, number: str, entries: list[audit.AuditEntry]) -> list[str]:
    """Each stored amendment must match the trail's entry for it, and each recorded one must still be stored."""
    from app.review.amendments import list_amendments

    recorded: dict[str, Any] = {}
    for e in entries:
        if e.what == "delete":  # the log outlives a deleted contract; a new one with its number starts afresh
            recorded.clear()
        elif e.what.startswith("amendment ") and e.new is not None:
            try:
                recorded[e.what.removeprefix("amendment ")] = json.loads(e.new)
            except ValueError:
                recorded[e.what.removeprefix("amendment ")] = None
    problems: list[str] = []
    stored = {a.number: a for a in list_amendments(db, number)}
    for no, a in stored.items():
        entry = recorded.get(no)
        if not isinstance(entry, dict) or entry.get("changes") != a.changes or entry.get("title") != a.title:
            problems.append(_("amendment {no} was added or changed outside ContractDesk").format(no=no))
    for no in recorded:
        if no not in stored:
            problems.append(_("amendment {no} was removed outside ContractDesk").format(no=no))
    return problems
