"""Review comments on a contract field, a clause or a cost-table row: add, resolve, reopen, merge.

Comments stay writable on a signed contract (reviewing it is still useful); each change is audited.
Merging (comments coming back from a reviewer's JSON) goes by `uid` and never rewrites a comment (see
`merge_in`); importing the same file twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.base.clock import now_iso, parse_utc
from app.base.errors import NotFound, UserError
from app.base.i18n import _, ngettext
from app.domain.comment import MAX_COMMENT_CHARS, TARGET_KINDS, Comment
from app.store import audit
from app.store.db import Database
from app.store.schema import AnnexRow, ClauseRow, CommentRow, ContractRow, CostRowRow


def _to_comment(r: CommentRow) -> Comment:
    return Comment(r.uid, r.target_kind, r.target, r.text, r.author, r.created_at, r.updated_at, r.resolved_at, r.resolved_by)


def _contract(s: Session, number: str) -> ContractRow:
    row = s.scalar(select(ContractRow).where(ContractRow.number == number))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return row


def _check_target(s: Session, row: ContractRow, kind: str, target: str) -> str:
    if kind not in TARGET_KINDS:
        raise UserError(_("\"{value}\" is not one of: {choices}").format(value=kind, choices=", ".join(TARGET_KINDS)))
    target = target.strip()
    if kind == "contract":
        return ""
    if not target:
        raise UserError(_("say what the comment is about"))
    if kind == "clause":
        if not s.scalar(select(func.count()).where(ClauseRow.contract_id == row.id, ClauseRow.no == target)):
            raise UserError(_("the contract has no clause {no}").format(no=target))
    elif kind == "field":
        from app.domain.field_path import split_path
        from app.review.diff import contract_fields
        from app.store.contracts import load_in

        split_path(target)
        known = contract_fields(load_in(s, row.number, rows=False)[0])
        if target not in known and not any(k.startswith(target + ".") or k.startswith(target + "[") for k in known):
            raise UserError(_("the contract has no such field"), target)
    else:
        no, sep, n = target.rpartition("#")
        if not sep or not (n.isascii() and n.isdigit()) or len(n) > 18 or int(n) < 1:  # 18: no int() of 5,000 digits
            raise UserError(_("name a row as ANNEX#ROW, e.g. 1#3"), target)
        annex_id = s.scalar(select(AnnexRow.id).where(AnnexRow.contract_id == row.id, AnnexRow.no == no, AnnexRow.kind == "table"))
        if annex_id is None:
            raise UserError(_("the contract has no cost-table annex {no}").format(no=no))
        count = s.scalar(select(func.count()).where(CostRowRow.annex_id == annex_id)) or 0
        if int(n) > count:
            raise UserError(_("annex {no} has only {n} rows").format(no=no, n=count))
    return target


def check_text(text: str) -> str:
    """A comment's text as stored; refused when empty or too long."""
    text = text.strip()
    if not text:
        raise UserError(_("the comment is empty"))
    if len(text) > MAX_COMMENT_CHARS:
        raise UserError(_("the comment is longer than {n} characters").format(n=MAX_COMMENT_CHARS))
    return text


def add_comment_in(s: Session, row: ContractRow, kind: str, target: str, text: str, *, user: str) -> Comment:
    """Attach a new open comment in the caller's transaction; UserError for an empty text or a target the
    contract does not have."""
    text = check_text(text)
    target = _check_target(s, row, kind, target)
    at = now_iso()
    c = CommentRow(uid=str(uuid.uuid4()), contract_id=row.id, target_kind=kind, target=target, text=text,
                   author=user, created_at=at, updated_at=at)
    s.add(c)
    s.flush()
    audit.record(s, row.number, "comment added", None, {"uid": c.uid, "on": f"{kind} {target}".strip(), "text": text},
                 user=user)
    return _to_comment(c)


def _find(s: Session, row: ContractRow, uid: str) -> CommentRow:
    uid = uid.strip().lower()
    if len(uid) < 4:
        raise UserError(_("give at least 4 characters of the comment id"), uid)
    found = list(s.scalars(select(CommentRow).where(CommentRow.contract_id == row.id, CommentRow.uid.startswith(uid, autoescape=True))).all())
    if not found:
        raise NotFound(_("no such comment"), uid)
    if len(found) > 1:
        raise UserError(_("more than one comment starts with this id; give more of it"), uid)
    return found[0]


def set_resolved_in(s: Session, row: ContractRow, uid: str, resolved: bool, *, user: str) -> tuple[Comment, bool]:
    """Resolve (or reopen) a comment named by its id or a unique beginning of it; returns it and whether
    anything changed."""
    c = _find(s, row, uid)
    if resolved == (c.resolved_at is not None):
        return _to_comment(c), False
    at = now_iso()
    c.resolved_at, c.resolved_by = (at, user) if resolved else (None, None)
    c.updated_at = at
    audit.record(s, row.number, "comment resolved" if resolved else "comment reopened", None, {"uid": c.uid}, user=user)
    return _to_comment(c), True


def list_comments(db: Database, number: str, *, open_only: bool = False) -> list[Comment]:
    with db.read() as s:
        return list_comments_in(s, _contract(s, number), open_only=open_only)


def list_comments_in(s: Session, row: ContractRow, *, open_only: bool = False) -> list[Comment]:
    """The contract's comments in the caller's transaction, oldest first (the open ones only, if asked)."""
    stmt = select(CommentRow).where(CommentRow.contract_id == row.id).order_by(CommentRow.created_at, CommentRow.id)
    if open_only:
        stmt = stmt.where(CommentRow.resolved_at.is_(None))
    return [_to_comment(r) for r in s.scalars(stmt)]


def open_comment_counts(db: Database) -> dict[str, int]:
    """Contract number → open comments, for the badge in the contract list (contracts without any are left out)."""
    with db.read() as s:
        rows = s.execute(
            select(ContractRow.number, func.count(CommentRow.id))
            .join(CommentRow, CommentRow.contract_id == ContractRow.id)
            .where(CommentRow.resolved_at.is_(None))
            .group_by(ContractRow.number)
        )
        return {n: c for n, c in rows}


@dataclass(frozen=True)
class Merged:
    """What a reviewer's file did to the comments: new ones added, ours resolved or reopened, and copies of ours
    whose text the file changed, kept apart as new comments."""

    added: int = 0
    updated: int = 0
    kept_apart: int = 0


def _newer(theirs: str, ours: str) -> bool:
    a, b = parse_utc(theirs), parse_utc(ours)
    if a is None or b is None:  # a stored time from an older release that is not one: compare as text
        return theirs > ours
    return a > b


def _copy_uid(c: Comment) -> str:
    """The id of the copy a changed comment is kept as: the same file brings the same copy, never a second one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"contractdesk-comment:{c.uid}:{c.target_kind}:{c.target}:{c.author}:{c.text}"))


def merge_in(s: Session, number: str, comments: Iterable[Comment], *, user: str, source: str = "") -> Merged:
    """Merge a reviewer's comments by uid in the caller's transaction.

    A file proves nothing about who wrote it (it can be edited in any text editor), so it may add, never rewrite:
    a new comment is added under the author it names; a known comment keeps its text, target and author — a copy
    whose text or target differs is kept as a new comment beside it (the original is untouched); only its
    resolution follows a newer copy, and is then recorded as done by `user`, who brought the file (the name the
    file gives is kept in the audit trail). Every change is audited, with `source`, the file it came from.
    """
    row = _contract(s, number)
    added = updated = kept_apart = 0
    origin = {"from": source} if source else {}

    def claim(c: Comment) -> dict:
        return {"claimed": {"by": c.resolved_by or "", "at": c.resolved_at}} if c.resolved_at else {}

    def add(c: Comment, uid: str, **extra) -> None:
        s.add(CommentRow(uid=uid, contract_id=row.id, target_kind=c.target_kind, target=c.target, text=c.text,
                         author=c.author, created_at=c.created_at, updated_at=c.updated_at,
                         resolved_at=now_iso() if c.resolved_at else None, resolved_by=user if c.resolved_at else None))
        s.flush()
        audit.record(s, number, "comment added", None,
                     {"uid": uid, "on": f"{c.target_kind} {c.target}".strip(), "text": c.text, "author": c.author,
                      **extra, **origin}, user=user)
        if c.resolved_at:
            audit.record(s, number, "comment resolved", None, {"uid": uid, **claim(c), **origin}, user=user)

    for c in comments:
        existing = s.scalar(select(CommentRow).where(CommentRow.uid == c.uid))
        if existing is not None and existing.contract_id != row.id:
            raise UserError(_("this comment belongs to another contract"), c.uid)
        if existing is None:
            add(c, c.uid)
            added += 1
        elif (c.text, c.target_kind, c.target) != (existing.text, existing.target_kind, existing.target):
            copy = _copy_uid(c)
            if s.scalar(select(func.count()).where(CommentRow.uid == copy)):
                continue  # kept apart by an earlier import of the same file
            add(c, copy, copy_of=existing.uid)
            kept_apart += 1
        elif (c.resolved_at is not None) != (existing.resolved_at is not None) and _newer(c.updated_at, existing.updated_at):
            resolved = c.resolved_at is not None
            existing.resolved_at, existing.resolved_by = (now_iso(), user) if resolved else (None, None)
            existing.updated_at = c.updated_at
            audit.record(s, number, "comment resolved" if resolved else "comment reopened", None,
                         {"uid": existing.uid, **claim(c), **origin}, user=user)
            updated += 1
    if added or updated or kept_apart:
        s.flush()
    return Merged(added, updated, kept_apart)


def kept_apart_note(n: int) -> str:
    """What the importer is told about comments a file tried to change (empty when there were none)."""
    if not n:
        return ""
    return ngettext("{n} comment in the file differs from ours in its text: it was added as a new comment, ours is "
                    "unchanged", "{n} comments in the file differ from ours in their text: they were added as new "
                    "comments, ours are unchanged", n).format(n=n)
