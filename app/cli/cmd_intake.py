"""`contractdesk intake FILE [--json] [--report OUT.pdf] [--apply]`: read a contract text, check its arithmetic.

Without --apply nothing is stored: it prints what was recognised and the arithmetic review. Exit 0 when the
arithmetic agrees, 1 when the review finds errors, 2 for a file that cannot be read or is not a contract.
--apply stores the contract through app.ops.intake (a new number only) and says what it guessed; the file's
name and SHA-256 digest go into the audit trail.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.base.i18n import _
from app.cli.common import open_store, print_json


def register(sub) -> None:
    p = sub.add_parser("intake", help=_("read a contract from a Word file, a text file or a text PDF and check its arithmetic"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help=_("print the reading and the review as JSON"))
    p.add_argument("--report", metavar="OUT.pdf", help=_("also write the review as a printable PDF"))
    p.add_argument("--apply", action="store_true", help=_("store the contract (a new contract number only) and say what was guessed"))
    p.set_defaults(handler=run_intake)


def run_intake(args) -> int:
    from app.codecs.intake import read_document, recognise, review
    from app.codecs.intake.report import report_json, report_text

    source = Path(args.file)
    doc = read_document(source)
    result = recognise(doc)
    report = review(result)
    if args.report:
        from app.codecs.intake.report_pdf import write_report_pdf

        write_report_pdf(result, report, Path(args.report))
    if args.json:
        data = report_json(result, report)
    else:
        sys.stdout.write(report_text(result, report))
    if args.apply:
        from app.ops.intake import read_source, store_intake

        content, digest = read_source(source)
        errors = len([c for c in report.checks if c.status.value == "error"])
        result.ensure_number(digest)
        guessed = [f for f in result.fields if f.confidence.value == "guessed"]
        number = store_intake(open_store(args), result.contract, source_name=source.name, digest=digest,
                              guessed=[f.path for f in guessed], arithmetic_errors=errors,
                              source=content).value.number
        if args.json:
            data["stored"] = {"number": number, "sha256": digest, "guessed": [f.path for f in guessed]}
        else:
            print(_("stored as {number}; guessed, please check: {fields}").format(
                number=number, fields="、".join(_field(f.path) for f in guessed) or _("nothing")))
    if args.json:
        print_json(data)
    return 1 if report.has_errors else 0


def _field(path: str) -> str:
    from app.codecs.intake.labels import field_label

    return field_label(path)
