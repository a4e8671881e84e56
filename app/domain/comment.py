"""Review comments as plain data (shared by the store, the JSON codec and the exports)."""

from __future__ import annotations

from dataclasses import dataclass

from app.base.i18n import N_

#: The longest comment text (typed, or in a reviewer's file).
MAX_COMMENT_CHARS = 10_000
#: What a comment is attached to; `target` then holds "", a field path, a clause number, or "ANNEX#ROW".
TARGET_KINDS = ("contract", "field", "clause", "row")
TARGET_LABELS = {"contract": N_("contract"), "field": N_("field"), "clause": N_("clause"), "row": N_("cost-table row")}


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment; `uid` (a UUID) identifies it on every machine it travels to."""

    uid: str
    target_kind: str
    target: str
    text: str
    author: str
    created_at: str
    updated_at: str
    resolved_at: str | None = None
    resolved_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
