"""Operations on the files kept with a contract: attach one (checked to be what its name says, kept with its
SHA-256) and remove one. An archived contract's files no longer change. Audited; they never change what the
contract says, so the contract's version does not advance.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _
from app.domain import Status
from app.domain.attachment import AttachmentInfo
from app.domain.kinds import AttachmentKind
from app.domain.workflow import read_only_error
from app.ops.changes import Done, Part
from app.ops.unit import Unit, contract_unit
from app.store import attachments as store
from app.store.db import Database
from app.values.file_types import MAX_ATTACHMENT_BYTES, check_file, check_size, clean_name


def read_attachment_file(path: Path) -> bytes:
    """A file's bytes, its size checked before it is read; a UserError naming the file on any problem."""
    where = str(path)
    try:
        if path.is_dir():
            raise UserError(_("is a folder, not a file"), where)
        check_size(path.stat().st_size, clean_name(path.name))
        with path.open("rb") as fh:
            data = fh.read(MAX_ATTACHMENT_BYTES + 1)
    except FileNotFoundError as exc:
        raise UserError(_("file not found"), where) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), where) from exc
    check_size(len(data), path.name)  # it grew while being read
    return data


def _writable(u: Unit) -> None:
    if Status(u.row.status) is Status.ARCHIVED:
        raise read_only_error(u.number, Status.ARCHIVED)


def attach_in(u: Unit, kind: AttachmentKind, name: str, data: bytes, note: str = "") -> AttachmentInfo:
    """Attach a checked file in the unit's transaction (another op's, e.g. recording a review opinion)."""
    _writable(u)
    facts = check_file(name, data)
    digest = hashlib.sha256(data).hexdigest()
    same = store.find_digest_in(u.s, u.row.id, digest)
    if same is not None:
        raise UserError(_("this file is already attached as \"{name}\" ({kind})").format(
            name=same.name, kind=same.kind.label), facts.name)
    info = store.add_in(u.s, u.row.id, kind=kind, name=facts.name, media_type=facts.type.media_type, pages=facts.pages,
                        sha256=digest, data=data, note=note.strip(), user=u.user)
    u.audit("attachment added", None, {"id": info.id, "kind": kind.value, "name": info.name, "size": info.size,
                                       "sha256": digest})
    u.parts.add(Part.ATTACHMENTS)
    return info


def attach_file(db: Database, number: str, kind: AttachmentKind | str, name: str, data: bytes, *, note: str = "",
                user: str | None = None) -> Done[AttachmentInfo]:
    """Keep a file with the contract; the value is the file as listed."""
    kind = parse_kind(kind)
    with contract_unit(db, number, user=user) as u:
        info = attach_in(u, kind, name, data, note)
        return Done(u.result(), info)


def attach_path(db: Database, number: str, kind: AttachmentKind | str, path: Path, *, note: str = "",
                user: str | None = None) -> Done[AttachmentInfo]:
    """Keep the file at `path` with the contract (read whole, within the size limit)."""
    kind = parse_kind(kind)
    return attach_file(db, number, kind, path.name, read_attachment_file(path), note=note, user=user)


def detach_file(db: Database, number: str, attachment_id: int, *, user: str | None = None) -> Done[AttachmentInfo]:
    """Remove a file from the contract (audited with its digest); the value is the file removed."""
    with contract_unit(db, number, user=user) as u:
        _writable(u)
        info = store.remove_in(u.s, u.row.id, attachment_id)
        u.audit("attachment removed", {"id": info.id, "kind": info.kind.value, "name": info.name,
                                       "sha256": info.sha256}, None)
        u.parts.add(Part.ATTACHMENTS)
        return Done(u.result(), info)


def parse_kind(kind: AttachmentKind | str) -> AttachmentKind:
    try:
        return AttachmentKind(kind)
    except ValueError as exc:
        choices = ", ".join(k.value for k in AttachmentKind)
        raise UserError(_("\"{value}\" is not one of: {choices}").format(value=kind, choices=choices), "kind") from exc
