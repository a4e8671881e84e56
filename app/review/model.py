"""Review comments as plain data (shared by the store, the JSON codec and the exports)."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_

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

    def target_text(self) -> str:
        return describe_target(self.target_kind, self.target)


def describe_target(kind: str, target: str) -> str:
    """A comment's target as a reader sees it: "Clause 4.1", "Total", "cost-table row 3#2", "contract"."""
    from app.i18n import _

    if kind == "field":
        from app.fields import where_label

        return where_label(target)
    if kind == "clause":
        return _("Clause {no}").format(no=target)
    return f"{_(TARGET_LABELS.get(kind, kind))} {target}".strip()
