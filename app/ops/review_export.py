"""Gathering what the review PDF prints: the diff since a revision and the comments."""

from __future__ import annotations

from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.store.db import Database


def write_review_pdf(db: Database, number: str, out: Path, since: str | None = None) -> None:
    """Changes since `since` (default: the last revision marked as reviewed) and the open comments."""
    from app.base.clock import local_time
    from app.review.review_pdf import ReviewPacket, export_review_pdf
    from app.store.comments import list_comments
    from app.store.contracts import load
    from app.store.revisions import compare, last_reviewed, list_revisions, resolve

    if since is None:
        base = last_reviewed(db, number)
        if base is None:
            raise UserError(_("no revision is marked as reviewed yet; name one with --since"), "--since")
        seq = base.seq
    else:
        found = resolve(db, number, since)
        if found is None:
            raise UserError(_("name a stored revision, not the current state"), "--since")
        seq = found
    info = next(r for r in list_revisions(db, number) if r.seq == seq)
    # As the 审阅 tab lists it, in any language: "2 «初审» — 2025-06-03 16:30 王科员" (the clerk's clock).
    label = f"{seq}" + (f" «{info.name}»" if info.name else "") + f" — {local_time(info.at)} {info.user}"
    packet = ReviewPacket(load(db, number), label, compare(db, number, seq), list_comments(db, number, open_only=True))
    export_review_pdf(packet, out)
