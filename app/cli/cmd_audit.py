"""`contractdesk audit NUMBER [--verify] [--json]`: print a contract's audit trail and check its hash chain."""

from __future__ import annotations

import sys

from app.base.i18n import N_, _
from app.cli.common import open_store, print_json

#: How a stored `what` reads in the listing. The stored text is hashed and never changes; only its display is translated.
WHAT_LABELS = {
    "create": N_("created"),
    "edit": N_("edited"),
    "delete": N_("deleted"),
    "state": N_("state changed"),
    "reviewed": N_("marked as reviewed"),
    "comment added": N_("comment added"),
    "comment resolved": N_("comment resolved"),
    "comment reopened": N_("comment reopened"),
    "comments merged": N_("comments merged"),
}
ANNEX_ACTIONS = {
    "cells": N_("cells edited"),
    "rows inserted": N_("rows inserted"),
    "rows restored": N_("rows restored"),
    "rows deleted": N_("rows deleted"),
    "rows moved": N_("rows moved"),
    "paste": N_("pasted"),
    "paste undone": N_("paste undone"),
    "table replaced from a workbook": N_("table replaced from a workbook"),
    "added": N_("annex added"),
    "text": N_("text edited"),
    "pdf": N_("PDF replaced"),
}


def register(sub) -> None:
    p = sub.add_parser("audit", help=_("print a contract's audit trail; --verify checks its hash chain"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--verify", action="store_true", help=_("check the hash chain (exit 1 when it is broken)"))
    p.add_argument("--json", action="store_true", help=_("print the entries as JSON"))
    p.set_defaults(handler=run_audit)


def _short(text: str | None, limit: int = 200) -> str:
    if text is None:
        return "—"
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def what_text(what: str) -> str:
    """An entry's `what` in the user's language ("state changed", "Annex 3: cells edited"); unknown ones as stored."""
    from app.rules.fields import where_label

    if what in WHAT_LABELS:
        return _(WHAT_LABELS[what])
    head, _sep, rest = what.partition(" ")
    if head == "amendment" and rest:
        return _("amendment {no}").format(no=rest)
    if head == "event" and rest:
        return where_label(f"events.{rest}")
    if head == "annex" and ": " in rest:
        no, _sep, action = rest.partition(": ")
        return _("Annex {no}: {title}").format(no=no, title=_(ANNEX_ACTIONS[action]) if action in ANNEX_ACTIONS else action)
    return what


def value_text(what: str, text: str | None) -> str:
    """A logged value for the listing: a state by its label, anything else shortened."""
    from app.domain import Status

    if what == "state" and text in {s.value for s in Status}:
        return Status(text).label
    return _short(text)


def run_audit(args) -> int:
    from app.store.audit import entries, verify_entries

    items = entries(open_store(args), args.number)
    if args.json:
        print_json([e.__dict__ for e in items])
    elif not args.verify:
        for e in items:
            print(f"{e.seq}\t{e.at}\t{e.user}\t{what_text(e.what)}\t{value_text(e.what, e.old)} → {value_text(e.what, e.new)}")
        if not items:
            print(_("no audit entries for {number}").format(number=args.number))
    if args.verify:
        from app.ops.integrity import integrity_problems

        broken = verify_entries(items)
        if broken is not None:
            print(_("the audit trail is broken at entry {seq}: it was changed, removed or inserted outside ContractDesk").format(seq=broken),
                  file=sys.stderr)
            return 1
        problems = integrity_problems(open_store(args), args.number)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print(_("audit trail intact: {n} entries").format(n=len(items)))
    return 0
