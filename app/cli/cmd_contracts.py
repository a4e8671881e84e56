"""Contract subcommands: gui, list, import, export, check, delete."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from app.cli.common import open_store, print_json
from app.errors import UserError
from app.fileio import os_reason
from app.i18n import _

MAX_IMPORT_BYTES = 200 * 1024 * 1024

#: app.export.pdf.fonts.FontPreference's values, spelled out so building the parser does not import ReportLab.
FONT_CHOICES = ("auto", "bundled", "simsun", "fangsong")


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
    p.set_defaults(handler=run_import)

    p = sub.add_parser("export", help=_("export a contract as JSON, PDF or Excel"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", metavar="OUT.json", help=_("write the contractdesk/1 JSON document"))
    p.add_argument("--pdf", metavar="OUT.pdf", help=_("write the printable PDF packet"))
    p.add_argument("--xlsx", metavar="OUT.xlsx", help=_("write the Excel workbook"))
    p.add_argument("--no-annexes", action="store_true", help=_("leave the annexes out of the PDF packet"))
    p.add_argument(
        "--font",
        choices=FONT_CHOICES,
        default="auto",
        help=_(
            "font of the PDF packet: auto (SimSun and SimHei where Windows has them, else the bundled font), "
            "bundled, simsun or fangsong (these two must be installed); default: auto"
        ),
    )
    p.add_argument("--cross-page-seal", metavar="IMG", help=_("seal image to print across the page edges (骑缝章)"))
    p.add_argument("--sign-with", metavar="P12", help=_("sign with this PKCS#12 certificate (password from CONTRACTDESK_P12_PASSWORD)"))
    p.add_argument("--review-pdf", metavar="OUT.pdf", help=_("write the changes since --since and the open comments, for a review meeting"))
    p.add_argument("--with-amendments", action="store_true", help=_("append the contract's amendments (补充协议) to the PDF packet"))
    p.add_argument("--review", action="store_true", help=_("add a review sheet with the comments to the Excel workbook"))
    p.add_argument("--since", metavar="REV", help=_("revision number or name for --review-pdf (default: the last one marked as reviewed)"))
    p.set_defaults(handler=run_export)

    p = sub.add_parser("check", help=_("check a contract for inconsistencies"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true", help=_("print the findings as JSON"))
    p.set_defaults(handler=run_check)

    p = sub.add_parser("delete", help=_("delete a contract"))
    p.add_argument("number", metavar="NUMBER")
    p.set_defaults(handler=run_delete)


def run_gui(args) -> int:
    try:
        from ui.main import run
    except ImportError as exc:
        raise UserError(_("the desktop app cannot start: {error}").format(error=exc)) from exc
    return run(args)


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
                    "total": f"{r.total:.2f}",
                    "status": r.status.value,
                }
                for r in rows
            ]
        )
        return 0
    from app.text_checks import for_terminal

    for r in rows:  # a tab or newline inside a title would shift the columns: escaped with the rest
        print(f"{for_terminal(r.number)}\t{r.status.label}\t¥{r.total:,.2f}\t{for_terminal(r.title)}")
    return 0


def read_input_file(path: str, limit: int = MAX_IMPORT_BYTES) -> bytes:
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > limit:
            raise UserError(_("the file is larger than {mb} MB").format(mb=limit // (1024 * 1024)), path)
        return file.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(_("no such file"), path) from exc
    except IsADirectoryError as exc:
        raise UserError(_("is a folder, not a file"), path) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), path) from exc


def run_import(args) -> int:
    from app.interchange.json_codec import loads_document
    from app.review.exchange import import_document

    text = read_input_file(args.file)
    loads_document(text)  # a bad file is reported before the database is even opened
    db = open_store(args)
    # Comments and amendments in the file merge into the stored ones without duplicates.
    result = import_document(db, text, replace=args.replace)
    print(result.number)  # stdout stays the number alone: scripts read it
    if not (result.created or result.replaced):
        print(_("{number} exists and was left as it is (--replace overwrites it); merged from the file: "
                "comments {added} new, {updated} updated; amendments {amendments} new").format(
                    number=result.number, added=result.comments_added, updated=result.comments_updated,
                    amendments=result.amendments_added), file=sys.stderr)
    return 0


def run_export(args) -> int:
    from app.store.contracts import load

    if not (args.json or args.pdf or args.xlsx or args.review_pdf):
        raise UserError(_("say what to write: --json, --pdf or --xlsx"), "export")
    _refuse_options_without(args, "pdf", {"--no-annexes": args.no_annexes, "--cross-page-seal": args.cross_page_seal,
                                          "--with-amendments": args.with_amendments, "--font": args.font != "auto"})
    _refuse_options_without(args, "xlsx", {"--review": args.review})
    _refuse_options_without(args, "review_pdf", {"--since": args.since})
    if args.sign_with and not (args.pdf or args.xlsx):
        raise UserError(_("applies to --pdf or --xlsx, and neither was given"), "--sign-with")
    if args.pdf:  # refuse a font this machine lacks before anything is written
        from app.export.pdf.fonts import FontPreference, require_installed, windows_fonts_folder

        require_installed(FontPreference(args.font), windows_fonts_folder(), "--font")
    db = open_store(args)
    _refuse_clashing_outputs(args, db.path)
    contract = load(db, args.number)
    if args.review_pdf:
        from app.review.review_export import write_review_pdf

        write_review_pdf(db, args.number, Path(args.review_pdf), args.since)
    if args.json:
        from app.fileio import atomic_write_text
        from app.review.exchange import export_document

        atomic_write_text(args.json, export_document(db, args.number))
    if args.pdf:
        from app.export.pdf import FontPreference, PdfOptions, export_pdf

        export_pdf(
            contract,
            Path(args.pdf),
            PdfOptions(
                annexes=not args.no_annexes,
                cross_page_seal=Path(args.cross_page_seal) if args.cross_page_seal else None,
                sign_with=Path(args.sign_with) if args.sign_with else None,
                font_preference=FontPreference(args.font),
                amendments=_amendments(db, args.number) if args.with_amendments else [],
            ),
        )
    if args.xlsx:
        from app.calendar.store import load_calendar
        from app.export.xlsx import XlsxOptions, export_xlsx
        from app.schedule import build_schedule

        export_xlsx(
            contract,
            Path(args.xlsx),
            XlsxOptions(
                sign_with=Path(args.sign_with) if args.sign_with else None,
                schedule=build_schedule(contract, load_calendar(db), date.today()),
                include_review=args.review,
                review_comments=_comments(db, args.number) if args.review else [],
            ),
        )
    return 0


def _refuse_clashing_outputs(args, database: Path | None) -> None:
    """No output onto the database, its journals or backups, nor two outputs onto one file."""
    from app.output_targets import check_output_targets
    from app.signing.cms import signature_path

    signature = signature_path(Path(args.xlsx)) if args.xlsx and args.sign_with else None
    check_output_targets({"--json": args.json, "--pdf": args.pdf, "--xlsx": args.xlsx, "--review-pdf": args.review_pdf,
                          str(signature): signature}, database)


def _refuse_options_without(args, output: str, given: dict[str, object]) -> None:
    """An option for an output that is not being written would be silently ignored: say so instead."""
    if getattr(args, output):
        return
    for option, value in given.items():
        if value:
            raise UserError(_("applies to {output}, which was not given").format(output="--" + output.replace("_", "-")),
                            option)


def _comments(db, number: str) -> list:
    from app.review.comments import list_comments

    return list_comments(db, number)


def _amendments(db, number: str) -> list:
    from app.review.amendments import list_amendments

    return list_amendments(db, number)


def run_check(args) -> int:
    from app.checks import check, has_errors
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


def run_delete(args) -> int:
    from app.store.contracts import delete_contract

    db = open_store(args)
    delete_contract(db, args.number)
    print(_("deleted {number}").format(number=args.number), file=sys.stderr)
    return 0
