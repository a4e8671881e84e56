"""Contract subcommands: gui, list, import, export, check, set, delete. Writes go through app.ops."""

from __future__ import annotations

import sys
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import read_input_file
from app.base.i18n import _, ngettext
from app.cli.common import open_store, print_json, refuse_approved_edit, refuse_obstacles
from app.values.money import format_amount

#: app.codecs.pdf.fonts.FontPreference's values, spelled out so building the parser does not import ReportLab.
FONT_CHOICES = ("auto", "bundled", "simsun", "fangsong", "fangsong_gb2312")


def register(sub) -> None:
    p = sub.add_parser("gui", help=_("open the desktop app (the default)"))
    p.add_argument("--exit-after-paint", action="store_true", help=_("print the start-up time and exit once the window is painted"))
    p.set_defaults(handler=run_gui)

    p = sub.add_parser("list", help=_("list the contracts"))
    p.add_argument("--json", action="store_true", help=_("print a JSON array"))
    p.add_argument("--search", default="", help=_("only contracts whose number, title, parties or clauses contain this text"))
    p.set_defaults(handler=run_list)

    p = sub.add_parser("import", help=_("import a contract from a contractdesk/1 JSON file"))
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--replace", action="store_true", help=_("overwrite a contract with the same number"))
    p.add_argument("--reopen", action="store_true", help=_("replace an approved contract, returning it to review"))
    p.set_defaults(handler=run_import)

    p = sub.add_parser("export", help=_("export a contract as JSON, PDF or Excel"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", metavar="OUT.json", help=_("write the contractdesk/1 JSON document"))
    p.add_argument("--pdf", metavar="OUT.pdf", help=_("write the printable PDF packet"))
    p.add_argument("--xlsx", metavar="OUT.xlsx", help=_("write the Excel workbook"))
    p.add_argument("--docx", metavar="OUT.docx", help=_("write the packet as an editable Word file"))
    p.add_argument("--no-annexes", action="store_true", help=_("leave the annexes out of the PDF packet"))
    p.add_argument(
        "--font",
        choices=FONT_CHOICES,
        default="auto",
        help=_(
            "font of the PDF packet: auto (SimSun and SimHei where Windows has them, else the bundled font), "
            "bundled, simsun, fangsong or fangsong_gb2312 (these three must be installed); default: auto"
        ),
    )
    p.add_argument("--cross-page-seal", metavar="IMG", help=_("seal image to print across the page edges (骑缝章)"))
    p.add_argument("--sign-with", metavar="P12", help=_("sign with this PKCS#12 certificate (password from CONTRACTDESK_P12_PASSWORD)"))
    p.add_argument("--review-pdf", metavar="OUT.pdf", help=_("write the changes since --since and the open comments, for a review meeting"))
    p.add_argument("--with-amendments", action="store_true", help=_("append the contract's amendments (补充协议) to the PDF packet"))
    p.add_argument("--review", action="store_true", help=_("add a review sheet with the comments to the Excel workbook"))
    p.add_argument("--since", metavar="REV", help=_("revision number or name for --review-pdf (default: the last one marked as reviewed)"))
    p.add_argument("--despite", metavar="REASON",
                   help=_("send a packet of a signed contract although problems stand against it; the reason is kept "
                          "in the audit trail"))
    p.set_defaults(handler=run_export)

    p = sub.add_parser("check", help=_("check a contract for inconsistencies"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true", help=_("print the findings as JSON"))
    p.set_defaults(handler=run_check)

    p = sub.add_parser("set", help=_("set one field of a contract, as the form does"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("field", metavar="FIELD",
                   help=_("the field's path as `check --json` names it, e.g. title, party_a_number, "
                          "parties.b.bank.account_no, payments[1].amount"))
    p.add_argument("value", metavar="VALUE", help=_("the new value, typed as in the form (an empty text clears it)"))
    p.add_argument("--reopen", action="store_true",
                   help=_("change an approved contract, returning it to review (without it the change is refused)"))
    p.set_defaults(handler=run_set)

    p = sub.add_parser("delete", help=_("delete a contract"))
    p.add_argument("number", metavar="NUMBER")
    p.set_defaults(handler=run_delete)


def run_gui(args) -> int:
    if args.desktop is None:
        raise UserError(_("the desktop app cannot start: {error}").format(error=_("not part of this program")))
    return args.desktop.run(args)


def run_list(args) -> int:
    from app.store.contracts import list_contracts

    db = open_store(args)
    rows = list_contracts(db, args.search)
    if args.json:
        print_json(
            [
                {
                    "number": r.number,
                    "title": r.title,
                    "party_a": r.party_a,
                    "party_b": r.party_b,
                    "total": format_amount(r.total, grouping=False),
                    "status": r.status.value,
                }
                for r in rows
            ]
        )
        return 0
    from app.values.text_checks import for_terminal

    for r in rows:  # a tab or newline inside a title would shift the columns: escaped with the rest
        print(f"{for_terminal(r.number)}\t{r.status.label}\t¥{format_amount(r.total)}\t{for_terminal(r.title)}")
    return 0


def run_import(args) -> int:
    from app.codecs.json_codec import loads_document
    from app.ops.contracts import import_document
    from app.ops.unit import ApprovedEdit

    text = read_input_file(args.file)
    loads_document(text)  # a bad file is reported before the database is even opened
    db = open_store(args)
    # Comments and amendments in the file merge into the stored ones without duplicates.
    try:
        result = import_document(db, text, replace=args.replace, reopen=args.reopen,
                                 source=Path(args.file).name).value
    except ApprovedEdit as exc:
        refuse_approved_edit(exc)
    print(result.number)  # stdout stays the number alone: scripts read it
    if result.imported_state is not None:
        print(_("{number} arrived {state}: recorded in its state history as imported from {file}").format(
            number=result.number, state=result.imported_state.label, file=Path(args.file).name), file=sys.stderr)
    if not (result.created or result.replaced):
        print(_("{number} exists and was left as it is (--replace overwrites it); merged from the file: "
                "comments {added} new, {updated} updated; amendments {amendments} new").format(
                    number=result.number, added=result.comments_added, updated=result.comments_updated,
                    amendments=result.amendments_added), file=sys.stderr)
    from app.store.comments import kept_apart_note

    if result.comments_kept_apart:
        print(kept_apart_note(result.comments_kept_apart), file=sys.stderr)
    return 0


def run_export(args) -> int:
    from app.ops.contracts import require
    from app.ops.export import ExportOptions, export_packet
    from app.review.obstacles import Obstacles

    if not (args.json or args.pdf or args.xlsx or args.docx or args.review_pdf):
        raise UserError(_("say what to write: --json, --pdf, --xlsx or --docx"), "export")
    _refuse_options_without(args, "pdf", {"--no-annexes": args.no_annexes, "--cross-page-seal": args.cross_page_seal,
                                          "--with-amendments": args.with_amendments, "--font": args.font != "auto"})
    _refuse_options_without(args, "xlsx", {"--review": args.review})
    _refuse_options_without(args, "review_pdf", {"--since": args.since})
    if args.sign_with and not (args.pdf or args.xlsx):
        raise UserError(_("applies to --pdf or --xlsx, and neither was given"), "--sign-with")
    options = ExportOptions(
        json=_path(args.json), pdf=_path(args.pdf), xlsx=_path(args.xlsx), docx=_path(args.docx),
        review_pdf=_path(args.review_pdf),
        annexes=not args.no_annexes, font=args.font, cross_page_seal=_path(args.cross_page_seal),
        sign_with=_path(args.sign_with), with_amendments=args.with_amendments, review_sheet=args.review,
        since=args.since, despite=args.despite,
    )
    if args.pdf:  # a font this machine lacks is refused before the database is opened
        from app.codecs.pdf.fonts import FontPreference, require_installed, windows_fonts_folder

        require_installed(FontPreference(args.font), windows_fonts_folder(), "--font")
    db = open_store(args)
    require(db, args.number)
    if options.sign_with is not None:
        from app.cli.credentials import p12_password

        options.password = p12_password(options.sign_with)
    try:
        exported = export_packet(db, args.number, options).value
    except Obstacles as exc:
        refuse_obstacles(exc)
    if exported.unchecked:  # a draft with problems went out: marked as such, and said here
        print(_("{field}: {value}").format(field=_("warning"), value=ngettext(
            "{number}: {n} problem stands against approving it; the packet is marked as a draft that has not "
            "passed the check", "{number}: {n} problems stand against approving it; the packet is marked as a "
            "draft that has not passed the check", len(exported.unchecked)).format(
                number=args.number, n=len(exported.unchecked))), file=sys.stderr)
        for problem in exported.unchecked:
            print("  · " + problem.text, file=sys.stderr)
    return 0


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _refuse_options_without(args, output: str, given: dict[str, object]) -> None:
    """An option for an output that is not being written would be silently ignored: say so instead."""
    if getattr(args, output):
        return
    for option, value in given.items():
        if value:
            raise UserError(_("applies to {output}, which was not given").format(output="--" + output.replace("_", "-")),
                            option)


def run_check(args) -> int:
    from app.rules.checks import check, has_errors
    from app.store.contracts import load

    db = open_store(args)
    findings = check(load(db, args.number))
    if args.json:
        print_json([f.as_dict() for f in findings])
    else:
        labels = {"error": _("error"), "warning": _("warning")}
        for f in findings:
            print(f"{labels[f.severity.value]}\t{f.code}\t{f.where}\t{f.message}")
        if not findings:
            print(_("no problems found"))
    return 1 if has_errors(findings) else 0


def run_set(args) -> int:
    from app.ops.contracts import set_field
    from app.ops.unit import ApprovedEdit
    from app.rules.fields import format_value, label_of

    db = open_store(args)
    try:
        old = set_field(db, args.number, args.field, args.value, reopen=args.reopen).value
    except ApprovedEdit as exc:
        refuse_approved_edit(exc)
    new = _stored_value(db, args.number, args.field)
    print(_("{number}: {field}: {old} → {new}").format(number=args.number, field=label_of(args.field),
                                                        old=format_value(args.field, old) or _("(blank)"),
                                                        new=format_value(args.field, new) or _("(blank)")))
    return 0


def _stored_value(db, number: str, path: str):
    from app.rules.fields import get_value
    from app.store.contracts import load

    return get_value(load(db, number, rows=False), path)


def run_delete(args) -> int:
    from app.ops.contracts import delete_contract

    db = open_store(args)
    delete_contract(db, args.number)
    print(_("deleted {number}").format(number=args.number), file=sys.stderr)
    return 0
