"""Does the stored contract still match what its audit trail and revisions recorded — and what went out?

The hash chain (app.store.audit) shows whether the trail itself was edited. This module catches the other
half of tampering with the database file: records changed directly in SQL. Every change ContractDesk makes is
recorded — revisions keep the contract at the moments people name, and the trail has every field edit with its
old and new value, every state step (with its time and note), dated event and comment — so:

* each revision still hashes to its digest (its cost-table rows too) and follows from the one before it through
  the trail, and the live contract equals its latest revision with the trail's later entries applied;
* the state history and the comments (text, author, target, who resolved them) equal what the trail recorded;
* a signed contract's annexes equal the revision kept when it was signed, and each amendment its entry.

Anyone who can edit the file can still rewrite all of that alike and recompute every hash. `anchor_problems`
checks the database against an anchor kept outside it (app.store.anchor: a packet's properties or an archive
file): the chain up to the entry the anchor names, and the contract as the packet holds it. Not covered:
cost-table cells and annex texts before signing (edited in place, audited per edit in summary), and entries
after the newest anchor cut from the end of the trail; see docs/review.md.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from app.base.clock import parse_utc
from app.base.errors import NotFound, UserError
from app.base.i18n import _, ngettext
from app.codecs.anchor import contract_of
from app.domain import EVENT_NAMES, READ_ONLY, Contract, Status
from app.review.diff import audited_fields
from app.rules.fields import where_label
from app.store import audit
from app.store.db import Database
from app.store.revisions import load_revision
from app.store.schema import ContractRow, RevisionRow, RevisionTableRow, StateChangeRow
from app.store.states import STATE_NOTE

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


def integrity_problems(db: Database, number: str, *, base: int | None = None) -> list[str]:
    """What in the stored contract, its revisions, state history and comments no recorded change explains, as
    sentences for the user; [] when all agree. The live contract is replayed from revision `base` (None: the
    latest), e.g. the one a packet's anchor names."""
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
    stored = _stored_revisions(db, number)
    problems = _revision_problems(db, stored, entries)
    if stored:
        start = next((r for r in stored if r.seq == base), stored[-1])
        problems += _live_problems(db, number, start, live, entries)
    return (problems + _state_history_problems(db, number, entries) + _comment_problems(db, number, entries)
            + _amendment_problems(db, number, entries))


def _live_problems(db: Database, number: str, start: _Stored, live: Contract, entries: list[audit.AuditEntry]) -> list[str]:
    """The live contract against revision `start` with the trail's later entries applied in order."""
    snapshot = load_revision(db, number, start.seq)
    if start.audit_seq is not None:
        later = [e for e in entries if e.seq > start.audit_seq]
    else:  # a revision kept before revisions recorded their place in the trail: go by time
        later = [e for e in entries if e.at > start.at]
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
    changed = [k for k in _differing(expected, actual) if k not in skip]
    if changed:
        problems.append(_("changed outside ContractDesk since revision {seq}: {fields}").format(
            seq=start.seq, fields=_places(changed)))
    if snapshot.status in READ_ONLY and live.status in READ_ONLY:
        problems += _annex_problems(snapshot, live, start.seq)
    return problems


def _differing(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    return [k for k in list(actual) + [k for k in expected if k not in actual] if not _same(expected.get(k), actual.get(k))]


def _places(paths: list[str]) -> str:
    """Changed paths as the clerk reads them ("Total, Party B account number…"), five at most."""
    return ", ".join(dict.fromkeys(_place(path) for path in paths[:5])) + ("…" if len(paths) > 5 else "")


# ------------------------------------------------------------------ revisions


@dataclass(frozen=True)
class _Stored:
    """A revision as stored: where it stands in the trail, its digest and its compressed snapshot."""

    seq: int
    audit_seq: int | None
    at: str
    digest: str
    snapshot: bytes


def _stored_revisions(db: Database, number: str) -> list[_Stored]:
    with db.read() as s:
        cid = s.scalar(select(ContractRow.id).where(ContractRow.number == number))
        if cid is None:
            return []
        rows = s.execute(select(RevisionRow.seq, RevisionRow.audit_seq, RevisionRow.at, RevisionRow.digest,
                                RevisionRow.snapshot).where(RevisionRow.contract_id == cid).order_by(RevisionRow.seq))
        return [_Stored(*r) for r in rows]


def _snapshot_data(r: _Stored) -> tuple[dict[str, Any] | None, bool]:
    """A revision's data (None when it cannot be read) and whether it still hashes to its digest."""
    try:
        text = zlib.decompress(r.snapshot)
        data = json.loads(text)
    except (zlib.error, ValueError, TypeError):
        return None, False
    return (data if isinstance(data, dict) else None), hashlib.sha256(text).hexdigest() == r.digest


def _cited_tables(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(annex number, rows digest) of each cost table a revision cites."""
    out = []
    for item in data.get("annexes", []) if isinstance(data.get("annexes"), list) else []:
        table = item.get("table") if isinstance(item, dict) else None
        if isinstance(table, dict) and isinstance(table.get("rows_ref"), str):
            out.append((str(item.get("no", "")), table["rows_ref"]))
    return out


def _table_intact(db: Database, digest: str, seen: dict[str, bool]) -> bool:
    """Whether the stored rows cited by `digest` still hash to it (each table is read once per check)."""
    if digest not in seen:
        with db.read() as s:
            blob = s.scalar(select(RevisionTableRow.rows).where(RevisionTableRow.digest == digest))
        try:
            seen[digest] = blob is not None and hashlib.sha256(zlib.decompress(blob)).hexdigest() == digest
        except zlib.error:
            seen[digest] = False
    return seen[digest]


def revision_intact(db: Database, r: _Stored, seen: dict[str, bool] | None = None) -> bool:
    """The revision still holds what its digest says, cost-table rows included."""
    data, whole = _snapshot_data(r)
    seen = {} if seen is None else seen
    return data is not None and whole and all(_table_intact(db, ref, seen) for _no, ref in _cited_tables(data))


def _revision_problems(db: Database, stored: list[_Stored], entries: list[audit.AuditEntry]) -> list[str]:
    """Each revision must still hash to its digest (its cost-table rows too), and each must follow from the one
    before it through the trail: a revision rewritten in the file (the payee's account in the latest snapshot,
    say) no longer does, unless every revision and the trail were rewritten alike — which only an anchor kept
    outside the database shows (`audit --verify --against`)."""
    problems: list[str] = []
    fields: dict[int, dict[str, Any]] = {}
    seen: dict[str, bool] = {}
    placed = False
    for r in stored:
        data, whole = _snapshot_data(r)
        if data is None:
            problems.append(_("revision {seq} cannot be read: it was changed outside ContractDesk").format(seq=r.seq))
            continue
        if not whole:
            problems.append(_("revision {seq} was changed outside ContractDesk: it no longer matches its digest").format(
                seq=r.seq))
        for no, ref in _cited_tables(data):
            if not _table_intact(db, ref, seen):
                problems.append(_("the cost-table rows of annex {no} kept with revision {seq} were changed outside "
                                  "ContractDesk").format(no=no, seq=r.seq))
        if r.audit_seq is None and placed:
            problems.append(_("revision {seq} lost its place in the audit trail: it was changed outside ContractDesk")
                            .format(seq=r.seq))
        placed = placed or r.audit_seq is not None
        try:
            fields[r.seq] = _recorded_fields(contract_of(data))
        except (UserError, ValueError, TypeError, KeyError, AttributeError):
            problems.append(_("revision {seq} cannot be read: it was changed outside ContractDesk").format(seq=r.seq))
    ordered = sorted((r for r in stored if r.audit_seq is not None and r.seq in fields),
                     key=lambda r: (r.audit_seq, r.seq))
    seqs = [e.seq for e in entries]
    for before, after in pairwise(ordered):
        between = entries[bisect_right(seqs, before.audit_seq or 0):bisect_right(seqs, after.audit_seq or 0)]
        expected = _replay(dict(fields[before.seq]), between)
        changed = _differing(expected, fields[after.seq])
        if changed:
            problems.append(_("revision {seq} was changed outside ContractDesk: it does not follow from revision "
                              "{before} and the audit trail ({fields})").format(seq=after.seq, fields=_places(changed),
                                                                               before=before.seq))
    return problems


# ------------------------------------------------------------------ state history and comments


def _since_created(entries: list[audit.AuditEntry]) -> list[audit.AuditEntry]:
    """The entries of the contract now stored: those after its number's last deletion."""
    last = max((i for i, e in enumerate(entries) if e.what == "delete"), default=-1)
    return entries[last + 1:]


#: How far a state step's time may lie from its audit entry's: steps recorded before both carried one time were
#: stamped twice, a moment apart.
_STEP_TIME_SLACK = timedelta(seconds=2)


def _close(a: str, b: str) -> bool:
    x, y = parse_utc(a), parse_utc(b)
    return a == b or (x is not None and y is not None and abs(x - y) <= _STEP_TIME_SLACK)


def _state_history_problems(db: Database, number: str, entries: list[audit.AuditEntry]) -> list[str]:
    """The state history (who moved the contract from what to what, when, with which note) against the trail's
    state entries: a step deleted, added or changed in the file is reported."""
    recorded: list[list[Any]] = []
    for e in _since_created(entries):
        if e.what == "state":
            recorded.append([e.old, e.new, e.user, e.at, None])
        elif e.what == STATE_NOTE and recorded:
            recorded[-1][4] = e.new
    with db.read() as s:
        cid = s.scalar(select(ContractRow.id).where(ContractRow.number == number))
        steps = [] if cid is None else list(s.execute(
            select(StateChangeRow.from_state, StateChangeRow.to_state, StateChangeRow.user, StateChangeRow.at,
                   StateChangeRow.note).where(StateChangeRow.contract_id == cid).order_by(StateChangeRow.id)))
    problems: list[str] = []
    if len(steps) < len(recorded):
        n = len(recorded) - len(steps)
        problems.append(ngettext("{n} state step the audit trail records is missing from the state history",
                                 "{n} state steps the audit trail records are missing from the state history",
                                 n).format(n=n))
    elif len(steps) > len(recorded):
        n = len(steps) - len(recorded)
        problems.append(ngettext("the state history has {n} step the audit trail does not record",
                                 "the state history has {n} steps the audit trail does not record", n).format(n=n))
    for n, (step, rec) in enumerate(zip(steps, recorded, strict=False), start=1):
        same = (step[0], step[1], step[2]) == (rec[0], rec[1], rec[2]) and _close(step[3], rec[3])
        if not same or (rec[4] is not None and (step[4] or "") != rec[4]):
            problems.append(_("state step {n} ({old} → {new}) differs from what the audit trail records").format(
                n=n, old=_state_label(step[0]), new=_state_label(step[1])))
    return problems


def _comment_problems(db: Database, number: str, entries: list[audit.AuditEntry]) -> list[str]:
    """The stored comments against the trail's comment entries: a comment rewritten, re-attributed, resolved,
    added or deleted in the file is reported. Comments merged by releases that logged only a count are checked for
    being there, not for their content."""
    expected: dict[str, dict[str, Any]] = {}
    loose: set[str] = set()
    legacy = False
    for e in _since_created(entries):
        if not e.what.startswith("comment"):
            continue
        if e.what == "comments merged":  # an earlier release's merge: a count, not what changed
            legacy = True
            loose.update(expected)
            continue
        try:
            new = json.loads(e.new or "{}")
        except ValueError:
            continue
        uid = new.get("uid") if isinstance(new, dict) else None
        if not isinstance(uid, str):
            continue
        if e.what == "comment added":
            expected[uid] = {"on": new.get("on", ""), "text": new.get("text"), "author": new.get("author", e.user),
                             "resolved_by": None}
        elif e.what in ("comment resolved", "comment reopened") and uid in expected:
            expected[uid]["resolved_by"] = e.user if e.what == "comment resolved" else None
    from app.store.comments import list_comments

    stored = {c.uid: c for c in list_comments(db, number)}
    problems: list[str] = []
    for uid, c in stored.items():
        want = expected.get(uid)
        if want is None:
            if not legacy:
                problems.append(_("comment {id} by {author} was added outside ContractDesk").format(
                    id=uid[:8], author=c.author))
            continue
        if uid in loose:
            continue
        have = {"on": f"{c.target_kind} {c.target}".strip(), "text": c.text, "author": c.author,
                "resolved_by": c.resolved_by if c.resolved_at is not None else None}
        if have != want:
            problems.append(_("comment {id} by {author} was changed outside ContractDesk").format(
                id=uid[:8], author=want["author"]))
    for uid, want in expected.items():
        if uid not in stored:
            problems.append(_("comment {id} by {author} was removed outside ContractDesk").format(
                id=uid[:8], author=want["author"]))
    return problems


def _place(path: str) -> str:
    from app.review.report import entry_subject

    if path.startswith("annex:"):  # the anchor's field map names an annex so
        path = f"annex[{path.removeprefix('annex:')}]"
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


# ------------------------------------------------------------------ against an anchor kept outside the database


@dataclass(frozen=True)
class AnchorCheck:
    """What `audit --verify --against FILE` found: the problems (none: the database matches the file), the
    revision holding the contract as the file holds it, and the trail entry the file names."""

    problems: list[str]
    revision: int | None
    chain_seq: int | None


def anchor_problems(db: Database, number: str, anchor: Any, where: str) -> AnchorCheck:
    """Check the database against `anchor` (app.store.anchor.Anchor) read from the file `where`: the audit
    trail up to the entry it names must be the one it records, a revision must still hold the contract it holds
    (else the fields that differ are named), and everything since must follow from that revision through the
    trail (`integrity_problems` from there). UserError when the file is another contract's."""
    if anchor.number != number:
        raise UserError(_("the file is for contract {other}, not {number}").format(other=anchor.number, number=number),
                        where)
    entries = audit.entries(db, number)
    problems: list[str] = []
    if anchor.chain_seq:
        entry = next((e for e in entries if e.seq == anchor.chain_seq), None)
        if entry is None:
            problems.append(_("the audit trail no longer has entry {seq}, its last one when {file} was made: entries "
                              "were removed").format(seq=anchor.chain_seq, file=where))
        elif entry.hash != anchor.chain_head:
            problems.append(_("the audit trail up to entry {seq} is not the one {file} records ({theirs}… there, "
                              "{ours}… here): it was rewritten").format(seq=anchor.chain_seq, file=where,
                                                                          theirs=anchor.chain_head[:12],
                                                                          ours=entry.hash[:12]))
    stored = _stored_revisions(db, number)
    seen: dict[str, bool] = {}
    match = next((r for r in reversed(stored) if r.digest == anchor.digest and revision_intact(db, r, seen)), None)
    if match is None:
        problems.append(_content_problem(db, stored, anchor, where))
    try:
        problems += integrity_problems(db, number, base=match.seq if match else None)
    except NotFound:
        problems.append(_("the contract is not in the database"))
    return AnchorCheck(problems, match.seq if match else None, anchor.chain_seq)


def _content_problem(db: Database, stored: list[_Stored], anchor: Any, where: str) -> str:
    """No revision holds the contract as the file does: name the revision kept when the file was made (the one at
    the file's place in the trail) and the fields in which it differs from the file."""
    from app.store.anchor import field_digests

    if not stored:
        return _("the contract as {file} holds it is not in the database").format(file=where)
    at_anchor = [r for r in stored if anchor.chain_seq is not None and r.audit_seq == anchor.chain_seq]
    same_digest = [r for r in stored if r.digest == anchor.digest]
    candidate = (at_anchor or same_digest or stored)[-1]
    data, _whole = _snapshot_data(candidate)
    differing: list[str] = []
    if data is not None:
        try:
            mine = field_digests(contract_of(data), data)
        except (UserError, ValueError, TypeError, KeyError, AttributeError):
            mine = {}
        differing = _differing(anchor.fields, mine)
    if differing:
        return _("the contract as {file} holds it is not in the database: revision {seq} differs from it in "
                 "{fields}").format(file=where, seq=candidate.seq, fields=_places(differing))
    return _("the contract as {file} holds it is not in the database: revision {seq} differs from it").format(
        file=where, seq=candidate.seq)
