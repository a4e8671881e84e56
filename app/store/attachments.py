"""Files kept with a contract, in the store. Persistence only: listing reads no file contents; a file's bytes are
read when they are wanted (to open, save or put in the archive packet)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.base.clock import now_iso
from app.base.errors import NotFound
from app.base.i18n import _
from app.domain.attachment import AttachmentInfo
from app.domain.kinds import AttachmentKind
from app.store.contracts import row_of
from app.store.db import Database
from app.store.schema import AttachmentRow

_COLUMNS = (AttachmentRow.id, AttachmentRow.contract_id, AttachmentRow.kind, AttachmentRow.name,
            AttachmentRow.media_type, AttachmentRow.size, AttachmentRow.pages, AttachmentRow.sha256,
            AttachmentRow.note, AttachmentRow.added_by, AttachmentRow.added_at)


def _info(row) -> AttachmentInfo:
    return AttachmentInfo(row.id, AttachmentKind(row.kind), row.name, row.media_type, row.size, row.pages, row.sha256,
                          row.note or "", row.added_by or "", row.added_at)


def _order(kind_rank: dict[str, int]):
    return lambda info: (kind_rank[info.kind.value], info.added_at, info.id)


KIND_RANK = {k.value: i for i, k in enumerate(AttachmentKind)}


def list_in(s: Session, contract_id: int) -> list[AttachmentInfo]:
    """The contract's files in the archive's order: by kind (AttachmentKind order), then as added."""
    rows = s.execute(select(*_COLUMNS).where(AttachmentRow.contract_id == contract_id))
    return sorted((_info(r) for r in rows), key=_order(KIND_RANK))


def all_in(s: Session, ids: Collection[int] | None = None) -> dict[int, list[AttachmentInfo]]:
    """Every contract's files (or those of `ids`) by contract id, in one query."""
    out: dict[int, list[AttachmentInfo]] = {}
    stmt = select(*_COLUMNS)
    if ids is not None:
        stmt = stmt.where(AttachmentRow.contract_id.in_(list(ids)))
    for r in s.execute(stmt):
        out.setdefault(r.contract_id, []).append(_info(r))
    return {cid: sorted(items, key=_order(KIND_RANK)) for cid, items in out.items()}


def list_attachments(db: Database, number: str) -> list[AttachmentInfo]:
    with db.read() as s:
        return list_in(s, row_of(s, number).id)


def info_in(s: Session, contract_id: int, attachment_id: int) -> AttachmentInfo:
    row = s.execute(select(*_COLUMNS).where(AttachmentRow.id == attachment_id)).first()
    if row is None or row.contract_id != contract_id:
        raise NotFound(_("the contract has no attached file with this id"), str(attachment_id))
    return _info(row)


def content_in(s: Session, contract_id: int, attachment_id: int) -> bytes:
    row = s.execute(select(AttachmentRow.contract_id, AttachmentRow.content)
                    .where(AttachmentRow.id == attachment_id)).first()
    if row is None or row.contract_id != contract_id:
        raise NotFound(_("the contract has no attached file with this id"), str(attachment_id))
    return bytes(row.content)


def content(db: Database, number: str, attachment_id: int) -> tuple[AttachmentInfo, bytes]:
    """An attached file and its bytes."""
    with db.read() as s:
        cid = row_of(s, number).id
        return info_in(s, cid, attachment_id), content_in(s, cid, attachment_id)


def find_digest_in(s: Session, contract_id: int, sha256: str) -> AttachmentInfo | None:
    row = s.execute(select(*_COLUMNS).where(AttachmentRow.contract_id == contract_id,
                                            AttachmentRow.sha256 == sha256)).first()
    return _info(row) if row is not None else None


def add_in(s: Session, contract_id: int, *, kind: AttachmentKind, name: str, media_type: str, pages: int | None,
           sha256: str, data: bytes, note: str, user: str) -> AttachmentInfo:
    row = AttachmentRow(contract_id=contract_id, kind=kind.value, name=name, media_type=media_type, size=len(data),
                        pages=pages, sha256=sha256, content=data, note=note, added_by=user, added_at=now_iso())
    s.add(row)
    s.flush()
    return info_in(s, contract_id, row.id)


def remove_in(s: Session, contract_id: int, attachment_id: int) -> AttachmentInfo:
    info = info_in(s, contract_id, attachment_id)
    row = s.get(AttachmentRow, attachment_id)
    s.delete(row)
    s.flush()
    return info
