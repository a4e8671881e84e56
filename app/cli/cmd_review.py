"""Review subcommands: state, review (list/mark/diff), comment (add/list/resolve/reopen/export/import), amend."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.cli.common import open_store, print_json, refuse_obstacles
from app.rules.field_text import describe_target
from app.values.money import format_amount


def register(sub) -> None:
    p = sub.add_parser("state", help=_("show or change a contract's approval state"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("target", metavar="STATE", nargs="?", choices=["draft", "review", "approved", "signed", "archived"],
                   help=_("draft, review, approved, signed or archived; without it: the state and its history"))
    p.add_argument("--note", default="", help=_("a note kept with the step"))
    p.add_argument("--despite", metavar="REASON",
                   help=_("approve or sign although problems stand against it (check errors, open comments, blank "
                          "fill-ins, an unsigned signing page); the reason is kept in the audit trail and the history"))
    p.set_defaults(handler=run_state)

    p = sub.add_parser("review", help=_("revisions: list, mark as reviewed, save, compare"))
    rsub = p.add_subparsers(dest="review_command", metavar="ACTION", required=True, parser_class=type(p))
    q = rsub.add_parser("list", help=_("list the revisions"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("--json", action="store_true", help=_("print a JSON array"))
    q.set_defaults(handler=run_review_list)
    q = rsub.add_parser("mark", help=_("mark the current state as reviewed, under a name"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("--name", required=True, help=_("the revision's name, e.g. \"review 3 June\""))
    q.set_defaults(handler=run_review_mark)
    q = rsub.add_parser("save", help=_("keep the current state as a revision (\"save a version\")"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("--name", help=_("an optional name for the revision"))
    q.set_defaults(handler=run_review_save)
    q = rsub.add_parser("diff", help=_("compare two revisions"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("--from", dest="rev_from", required=True, metavar="REV", help=_("revision number or name"))
    q.add_argument("--to", dest="rev_to", metavar="REV", help=_("revision number or name (default: the current state)"))
    q.add_argument("--json", action="store_true", help=_("print the changes as JSON"))
    q.set_defaults(handler=run_review_diff)

    p = sub.add_parser("comment", help=_("review comments: add, list, resolve, reopen, export, import"))
    csub = p.add_subparsers(dest="comment_command", metavar="ACTION", required=True, parser_class=type(p))
    q = csub.add_parser("add", help=_("add a comment"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("text", metavar="TEXT")
    on = q.add_mutually_exclusive_group()
    on.add_argument("--clause", metavar="NO", help=_("on this clause (e.g. 4.1)"))
    on.add_argument("--field", metavar="PATH", help=_("on this field (e.g. total, parties.b.name)"))
    on.add_argument("--row", metavar="ANNEX#ROW", help=_("on this cost-table row (e.g. 3#2)"))
    q.set_defaults(handler=run_comment_add)
    q = csub.add_parser("list", help=_("list the comments"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("--open", action="store_true", help=_("only the open ones"))
    q.add_argument("--json", action="store_true", help=_("print a JSON array"))
    q.set_defaults(handler=run_comment_list)
    for action, resolved in (("resolve", True), ("reopen", False)):
        q = csub.add_parser(action, help=_("resolve a comment") if resolved else _("reopen a comment"))
        q.add_argument("number", metavar="NUMBER")
        q.add_argument("id", metavar="ID", help=_("the comment id (its first characters are enough)"))
        q.set_defaults(handler=run_comment_resolve, resolved=resolved)
    q = csub.add_parser("export", help=_("write the contract with its comments and amendments as JSON"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("out", metavar="OUT.json")
    q.set_defaults(handler=run_comment_export)
    q = csub.add_parser("import", help=_("merge the comments (and amendments) of a JSON document; adds the contract if new"))
    q.add_argument("file", metavar="FILE.json")
    q.set_defaults(handler=run_comment_import)

    p = sub.add_parser("amend", help=_("add an amendment (补充协议) to a signed contract, or list them"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--file", metavar="AMENDMENT.json", help=_("the amendment as JSON: number, title, signed, changes, clauses, annexes"))
    p.add_argument("--amendment-number", dest="amendment_number", metavar="NO", help=_("the amendment's own number"))
    p.add_argument("--title", default="", help=_("the amendment's title"))
    p.add_argument("--signed", metavar="DATE", help=_("signing date, YYYY-MM-DD"))
    p.add_argument("--set", dest="changes", action="append", default=[], metavar="PATH=VALUE",
                   help=_("a changed field, e.g. total=4300000.00 or terms.delivery_days=120 (repeatable)"))
    p.add_argument("--list", action="store_true", help=_("list the amendments and the effective values they set"))
    p.set_defaults(handler=run_amend)


def run_state(args) -> int:
    from app.base.clock import local_time
    from app.domain.workflow import label, note_text
    from app.ops.review import set_state
    from app.review.obstacles import Obstacles
    from app.store.states import history, state_of

    db = open_store(args)
    if args.target:
        try:
            step = set_state(db, args.number, args.target, note=args.note, despite=args.despite).value
        except Obstacles as exc:
            refuse_obstacles(exc)
        print(_("{number}: {old} → {new}").format(number=args.number, old=label(step.from_state), new=label(step.to_state)))
        return 0
    print(label(state_of(db, args.number)))
    for step in history(db, args.number):
        print(f"{local_time(step.at)}\t{step.user}\t{label(step.from_state)} → {label(step.to_state)}\t"
              f"{note_text(step.note)}".rstrip())
    return 0


def run_review_list(args) -> int:
    from app.store.revisions import list_revisions

    revs = list_revisions(open_store(args), args.number)
    if args.json:
        print_json([{"revision": r.seq, "version": r.version, "at": r.at, "user": r.user, "name": r.name,
                     "reason": r.reason.value if r.reason else None, "reviewed": r.reviewed} for r in revs])
        return 0
    for r in revs:
        print(f"{r.seq}\t{r.at}\t{r.user}\t{r.reason_label}\t{r.name or ''}".rstrip())
    return 0


def run_review_mark(args) -> int:
    from app.ops.review import mark_reviewed

    seq = mark_reviewed(open_store(args), args.number, args.name).value
    print(_("{number}: revision {n} marked as reviewed").format(number=args.number, n=seq))
    return 0


def run_review_save(args) -> int:
    from app.ops.contracts import save_version

    seq = save_version(open_store(args), args.number, args.name or "").value
    if seq is None:
        print(_("{number}: unchanged since the last revision; nothing to keep").format(number=args.number))
    else:
        print(_("{number}: kept as revision {n}").format(number=args.number, n=seq))
    return 0


def run_review_diff(args) -> int:
    from app.review.report import diff_json, diff_lines
    from app.store.revisions import compare

    d = compare(open_store(args), args.number, args.rev_from, args.rev_to)
    if args.json:
        print_json(diff_json(d))
    else:
        print("\n".join(diff_lines(d)))
    return 0


def run_comment_add(args) -> int:
    from app.ops.review import add_comment

    kind, target = "contract", ""
    if args.clause:
        kind, target = "clause", args.clause
    elif args.field:
        kind, target = "field", args.field
    elif args.row:
        kind, target = "row", args.row
    c = add_comment(open_store(args), args.number, kind, target, args.text).value
    print(c.uid)
    return 0


def run_comment_list(args) -> int:
    from app.codecs.json_codec import comment_to_dict
    from app.store.comments import list_comments

    items = list_comments(open_store(args), args.number, open_only=args.open)
    if args.json:
        print_json([comment_to_dict(c) for c in items])
        return 0
    for c in items:
        state = _("open") if c.is_open else _("resolved")
        print(f"{c.uid[:8]}\t{state}\t{describe_target(c.target_kind, c.target)}\t{c.author}\t{c.text}")
    return 0


def run_comment_resolve(args) -> int:
    from app.ops.review import set_comment_resolved

    c = set_comment_resolved(open_store(args), args.number, args.id, args.resolved).value
    print(_("{id}: resolved").format(id=c.uid[:8]) if not c.is_open else _("{id}: open").format(id=c.uid[:8]))
    return 0


def run_comment_export(args) -> int:
    from app.base.fileio import atomic_write_text
    from app.ops.exchange import export_document
    from app.store.output_targets import check_output_targets

    db = open_store(args)
    check_output_targets({"OUT.json": args.out}, db.path)  # never onto the database or its journals
    atomic_write_text(args.out, export_document(db, args.number))
    return 0


def run_comment_import(args) -> int:
    from app.base.fileio import read_input_file
    from app.ops.contracts import import_document

    result = import_document(open_store(args), read_input_file(args.file), contract_too=False,
                             source=Path(args.file).name).value
    print(_("{number}: {added} comments added, {updated} updated, {amendments} amendments added").format(
        number=result.number, added=result.comments_added, updated=result.comments_updated, amendments=result.amendments_added))
    if result.comments_kept_apart:
        from app.store.comments import kept_apart_note

        print(kept_apart_note(result.comments_kept_apart))
    return 0


def _parse_set(item: str) -> tuple[str, object]:
    path, sep, raw = item.partition("=")
    if not sep or not path.strip():
        raise UserError(_("write a change as PATH=VALUE"), item)
    try:
        value = json.loads(raw)
        if isinstance(value, float):
            value = raw  # amounts stay exact text
    except json.JSONDecodeError:
        value = raw
    return path.strip(), value


def run_amend(args) -> int:
    from app.domain.amendment import Amendment
    from app.ops.review import add_amendment
    from app.store.amendments import load_effective

    db = open_store(args)
    if args.list:
        _stored, amendments, effective = load_effective(db, args.number)
        for a in amendments:
            print(f"{a.number}\t{a.signed.isoformat() if a.signed else ''}\t{a.title}")
            for path in sorted(a.changes):
                print(f"  {path} = {json.dumps(a.changes[path], ensure_ascii=False)}")
        print(_("effective total: {total}").format(total=format_amount(effective.total, grouping=False)))
        return 0
    if args.file:
        from app.base.fileio import read_input_file
        from app.codecs.json_codec import loads_amendment

        amendment = loads_amendment(read_input_file(args.file))
    else:
        if not args.amendment_number:
            raise UserError(_("give the amendment's number (--amendment-number) or a --file"), "amend")
        signed = None
        if args.signed:
            try:
                signed = date.fromisoformat(args.signed)
            except ValueError as exc:
                raise UserError(_("\"{value}\" is not a date (YYYY-MM-DD)").format(value=args.signed), "--signed") from exc
        amendment = Amendment(args.amendment_number, args.title, signed, dict(_parse_set(x) for x in args.changes))
    add_amendment(db, args.number, amendment)
    print(_("{number}: amendment {no} recorded").format(number=args.number, no=amendment.number))
    return 0
