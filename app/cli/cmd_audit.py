"""`contractdesk audit NUMBER [--verify] [--json]`: print a contract's audit trail and check its hash chain."""

from __future__ import annotations

import sys

from app.cli.common import open_store, print_json
from app.i18n import _


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


def run_audit(args) -> int:
    from app.review.audit import entries, verify_entries

    items = entries(open_store(args), args.number)
    if args.json:
        print_json([e.__dict__ for e in items])
    elif not args.verify:
        for e in items:
            print(f"{e.seq}\t{e.at}\t{e.user}\t{e.what}\t{_short(e.old)} → {_short(e.new)}")
        if not items:
            print(_("no audit entries for {number}").format(number=args.number))
    if args.verify:
        from app.review.integrity import integrity_problems

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
