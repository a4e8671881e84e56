"""A file attached to a contract (the signed original, an opinion, a scan), as listed: without its bytes."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.kinds import AttachmentKind
from app.values.file_types import TYPE_OF_MEDIA, FileType


@dataclass(frozen=True)
class AttachmentInfo:
    """An attached file without its bytes."""

    id: int
    kind: AttachmentKind
    name: str
    media_type: str
    size: int
    pages: int | None
    sha256: str
    note: str
    added_by: str
    added_at: str

    @property
    def type(self) -> FileType:
        return TYPE_OF_MEDIA[self.media_type]

    def as_json(self) -> dict:
        return {"id": self.id, "kind": self.kind.value, "name": self.name, "media_type": self.media_type,
                "size": self.size, "pages": self.pages, "sha256": self.sha256, "note": self.note,
                "added_by": self.added_by, "added_at": self.added_at}
