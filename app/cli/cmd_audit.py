"""`contractdesk audit NUMBER [--verify] [--json]`: print a contract's audit trail and check its hash chain."""

from __future__ import annotations

import sys
from pathlib import Path

from app.base.i18n import N_, _
from app.cli.common import open_store, print_json

#: How a stored `what` reads in the listing. The stored text is hashed and never changes; only its display is translated.
WHAT_LABELS = {
    "create": N_("created"),
    "edit": N_("edited"),
    "delete": N_("deleted"),
    "state": N_("state changed"),
    "state note": N_("note on the state change"),
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
    p.add_argument("--against", metavar="FILE",
                   help=_("with --verify: also check the database against a packet (PDF, Excel) or an anchor file "
                          "kept outside it"))
    p.add_argument("--anchor", metavar="OUT",
                   help=_("write the contract's digest and the head of its audit chain to OUT, to keep outside the "
                          "database"))
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
    from app.base.errors import UserError
    from app.store.audit import entries, verify_entries

    if args.against and not args.verify:
        raise UserError(_("applies to --verify, which was not given"), "--against")
    if args.anchor:
        for option, given in (("--verify", args.verify), ("--json", args.json)):
            if given:
                raise UserError(_("cannot be combined with --anchor"), option)
        return _write_anchor(args)
    anchor = None
    if args.against:  # a file that is not a packet or an anchor is refused before the database is read
        from app.store.anchor import read_anchor

        anchor = read_anchor(Path(args.against))
    db = open_store(args)
    items = entries(db, args.number)
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
        if anchor is not None:
            from app.ops.integrity import anchor_problems

            check = anchor_problems(db, args.number, anchor, args.against)
            problems = check.problems
        else:
            problems = integrity_problems(db, args.number)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        if anchor is not None and check.chain_seq:
            print(_("matches {file}: revision {seq} holds the contract as the file does, and the audit trail up to "
                    "entry {entry} is the one it records").format(file=args.against, seq=check.revision,
                                                                 entry=check.chain_seq))
        elif anchor is not None:
            print(_("matches {file}: revision {seq} holds the contract as the file does").format(
                file=args.against, seq=check.revision))
        print(_("audit trail intact: {n} entries").format(n=len(items)))
    return 0


def _write_anchor(args) -> int:
    from app.ops.anchors import write_anchor

    out = Path(args.anchor)
    anchor = write_anchor(open_store(args), args.number, out).value
    print(_("wrote {file}: contract digest {digest}…, audit trail up to entry {seq}; keep it outside the database "
            "(e.g. in the archive) and check against it with: contractdesk audit {number} --verify --against FILE")
          .format(file=out, digest=anchor.digest[:16], seq=anchor.chain_seq, number=args.number))
    return 0
