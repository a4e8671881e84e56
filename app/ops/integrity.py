"""Does the stored contract still match what its audit trail and revisions recorded?

The hash chain (app.store.audit) shows whether the trail itself was edited. This module catches the other
half of tampering with the database file: contract data changed directly in SQL. Every change ContractDesk
makes is recorded — revisions keep the contract at the moments people name, and the trail has every field
edit with its old and new value, every state step and dated event — so the live contract must equal its
latest revision with the trail's later entries applied.

Signing keeps a revision too, so a signed contract's annexes (cost tables included) must equal it, and each
amendment must match the trail's entry for it. Not covered: cost-table cells and annex texts before signing
(edited in place and audited per edit in summary), and entries cut from the end of the trail (nothing
outside the file anchors its length); see docs/review.md.
"""

from __future__ import annotations

import json
from typing import Any

from app.base.errors import NotFound
from app.base.i18n import _
from app.domain import EVENT_NAMES, Contract, Status
from app.review.diff import audited_fields
from app.rules.fields import where_label
from app.store import audit
from app.store.db import Database
from app.store.revisions import list_revisions, load_revision, revision_audit_seq
from app.store.states import READ_ONLY

#: Records about a contract, checked on their own (amendments) or not at all (comments, annexes before signing).
_NOT_REPLAYED = ("annexes", "comments", "amendments")


def _recorded_fields(contract: Contract) -> dict[str, Any]:
    """The contract as the trail records it: fields by path, clauses by number (no annexes)."""
    return {k: v for k, v in audited_fields(contract).items() if not k.startswith(_NOT_REPLAYED)}


def _replay(expected: dict[str, Any], entries: list[audit.AuditEntry]) -> dict[str, Any]:
    """`expected` with what each later entry of the trail changed applied, in order."""
    for e in entries:
        if e.what == "edit" and e.new is not None:
            try:
                new = json.loads(e.new)
            except ValueError:
                continue
            if not isinstance(new, dict):
                continue
            for path, value in new.items():
                if path.startswith("annex["):
                    continue
                # A list or object that emptied or filled changes the paths below it: drop them all.
                for key in [k for k in expected if k.startswith((path + ".", path + "["))]:
                    del expected[key]
                if value is None:
                    expected.pop(path, None)
                else:
                    expected[path] = value
        elif e.what == "state":
            expected["status"] = e.new
        elif e.what.startswith("event "):
            expected["events." + e.what.removeprefix("event ")] = e.new
    return expected


def _same(a: Any, b: Any) -> bool:
    return a == b or (a in (None, "") and b in (None, ""))


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
    if not revisions:
        return _amendment_problems(db, number, entries)
    latest = revisions[-1]
    snapshot = load_revision(db, number, latest.seq)
    after_seq = revision_audit_seq(db, number, latest.seq)
    if after_seq is not None:
        later = [e for e in entries if e.seq > after_seq]
    else:  # a revision kept before revisions recorded their place in the trail: go by time
        later = [e for e in entries if e.at > latest.at]
    expected = _replay(_recorded_fields(snapshot), later)
    actual = _recorded_fields(live)
    problems: list[str] = []
    if not _same(expected.get("status"), live.status.value):
        problems.append(_("the state is {live}, but the last record says {recorded}").format(
            live=live.status.label, recorded=_state_label(expected.get("status"))))
    for name in EVENT_NAMES:
        path = f"events.{name}"
        if not _same(expected.get(path), actual.get(path)):
            problems.append(_("{field} is {live}, but the last record says {recorded}").format(
                field=where_label(path), live=actual.get(path) or "—", recorded=expected.get(path) or "—"))
    skip = {"status", *(f"events.{name}" for name in EVENT_NAMES)}
    changed = [k for k in list(actual) + [k for k in expected if k not in actual]
               if k not in skip and not _same(expected.get(k), actual.get(k))]
    if changed:
        shown = ", ".join(dict.fromkeys(_place(path) for path in changed[:5])) + ("…" if len(changed) > 5 else "")
        problems.append(_("changed outside ContractDesk since revision {seq}: {fields}").format(
            seq=latest.seq, fields=shown))
    if snapshot.status in READ_ONLY and live.status in READ_ONLY:
        problems += _annex_problems(snapshot, live, latest.seq)
    return problems + _amendment_problems(db, number, entries)


def _place(path: str) -> str:
    from app.review.report import entry_subject

    return entry_subject("edit", json.dumps({path: None}))


def _state_label(value: str | None) -> str:
    try:
        return Status(value or "").label
    except ValueError:
        return value or "—"


def _annex_problems(signed: Contract, live: Contract, seq: int) -> list[str]:
    """Annexes of a contract snapshotted as signed: nothing may change them any more (amendments bring their own)."""
    from app.codecs.json_codec import contract_to_dict

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
    from app.store.amendments import list_amendments

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
