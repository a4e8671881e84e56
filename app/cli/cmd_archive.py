"""Files kept with a contract and the archive packet on the command line: attach, attachments, detach, archive.

    contractdesk attach NUMBER approval_sheet 审批单.pdf [--note TEXT]
    contractdesk attachments NUMBER [--json] [--save ID OUT]
    contractdesk detach NUMBER ID
    contractdesk archive NUMBER --pdf OUT [--font F]     (writes the packet; lists what is missing)
    contractdesk archive NUMBER --check [--json]         (exit 1 when something is missing or a scan does not match)
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from app.base.i18n import _, ngettext
from app.cli.cmd_schedule import parse_count_arg, parse_date_arg
from app.cli.common import open_store, print_json


def register(sub) -> None:
    p = sub.add_parser("attach", help=_("keep a file with a contract (PDF, PNG, JPEG, Word or Excel)"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("kind", metavar="KIND", help=_("counterparty_licence, review_opinion, approval_sheet, minutes, "
                                                  "signed_original, correspondence or other"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--note", default="", help=_("a note kept with the file"))
    p.set_defaults(handler=run_attach)

    p = sub.add_parser("attachments", help=_("list the files kept with a contract, or save one"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true", help=_("print a JSON array"))
    p.add_argument("--save", nargs=2, metavar=("ID", "OUT"), help=_("write the file with this id to OUT"))
    p.set_defaults(handler=run_attachments)

    p = sub.add_parser("detach", help=_("remove a file kept with a contract"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("id", metavar="ID", help=_("the file's id (see `attachments`)"))
    p.set_defaults(handler=run_detach)

    p = sub.add_parser("archive", help=_("write the archive packet (cover, file list, every file) or check it"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--pdf", metavar="OUT", help=_("write the archive packet as one PDF"))
    p.add_argument("--check", action="store_true",
                   help=_("list what the office's settings want but is missing; exit 1 when something is"))
    p.add_argument("--json", action="store_true", help=_("print the check as JSON"))
    p.add_argument("--font", default="auto", help=_("auto, bundled, simsun or fangsong"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.set_defaults(handler=run_archive)


def run_attach(args) -> int:
    from app.ops.attachments import attach_path
    from app.values.file_types import size_text

    info = attach_path(open_store(args), args.number, args.kind, Path(args.file), note=args.note).value
    print(_("{number}: {name} attached as {kind} (id {id}, {size}, SHA-256 {digest})").format(
        number=args.number, name=info.name, kind=info.kind.label, id=info.id, size=size_text(info.size),
        digest=info.sha256))
    return 0


def run_attachments(args) -> int:
    from app.base.clock import local_time
    from app.base.fileio import atomic_write_bytes
    from app.store import attachments as store
    from app.values.file_types import size_text

    db = open_store(args)
    if args.save:
        from app.store.output_targets import check_output_targets

        attachment_id = parse_count_arg(args.save[0], "--save", 1, 2**31 - 1)
        out = Path(args.save[1])
        check_output_targets({"--save": out}, db.path)
        info, data = store.content(db, args.number, attachment_id)
        atomic_write_bytes(out, data)
        print(_("{name} written to {file}").format(name=info.name, file=str(out)))
        return 0
    items = store.list_attachments(db, args.number)
    if args.json:
        print_json([i.as_json() for i in items])
        return 0
    for i in items:
        pages = str(i.pages) if i.pages is not None else "—"
        print(f"{i.id}\t{i.kind.label}\t{i.name}\t{size_text(i.size)}\t{pages}\t{local_time(i.added_at)}\t"
              f"{i.added_by}\t{i.sha256}")
    return 0


def run_detach(args) -> int:
    from app.ops.attachments import detach_file

    info = detach_file(open_store(args), args.number, parse_count_arg(args.id, "ID", 1, 2**31 - 1)).value
    print(_("{number}: {name} removed").format(number=args.number, name=info.name))
    return 0


def run_archive(args) -> int:
    from app.ops.archive import ArchiveCheck, check_archive, export_archive

    today = parse_date_arg(args.today, "--today") if args.today else date.today()
    db = open_store(args)
    if args.pdf:
        packet = export_archive(db, args.number, Path(args.pdf), font=args.font, today=today).value
        check = ArchiveCheck(packet.missing, packet.comparisons)
        if not args.json:
            print(_("{file}: {files}, {pages}").format(
                file=args.pdf, files=ngettext("{n} file", "{n} files", len(packet.entries)).format(n=len(packet.entries)),
                pages=ngettext("{n} numbered page", "{n} numbered pages", packet.numbered_pages).format(
                    n=packet.numbered_pages)))
            for entry in packet.entries:
                print(f"{entry.no}\t{entry.pages_text}\t{entry.kind}\t{entry.title}")
    else:
        check = check_archive(db, args.number, today=today, font=args.font)
    if args.json:
        print_json(check.as_json())
    elif args.pdf and not args.check:
        for problem in check.problems:  # the packet is written; what it lacks is a warning
            print(_("warning") + f": {problem}", file=sys.stderr)
    else:
        for comparison in check.comparisons:
            print(f"{comparison.attachment.name}: {comparison.summary}")
        for problem in check.problems:
            print(problem)
        if not check.problems:
            print(_("nothing is missing from the archive"))
    return 1 if check.problems and (args.check or not args.pdf) else 0
