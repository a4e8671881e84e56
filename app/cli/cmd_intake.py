"""`contractdesk intake FILE [--json] [--report OUT.pdf] [--apply]`: read a contract text, check its arithmetic.

Without --apply nothing is stored: it prints what was recognised and the arithmetic review. Exit 0 when the
arithmetic agrees, 1 when the review finds errors, 2 for a file that cannot be read or is not a contract.
--apply stores the contract (a new number only) and says what it guessed; the file's name and SHA-256
digest go into the audit trail.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from app.cli.common import open_store, print_json
from app.i18n import _


def register(sub) -> None:
    p = sub.add_parser("intake", help=_("read a contract from a Word file, a text file or a text PDF and check its arithmetic"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help=_("print the reading and the review as JSON"))
    p.add_argument("--report", metavar="OUT.pdf", help=_("also write the review as a printable PDF"))
    p.add_argument("--apply", action="store_true", help=_("store the contract (a new contract number only) and say what was guessed"))
    p.set_defaults(handler=run_intake)


def store_intake(db, result, source: Path, digest: str, arithmetic_errors: int) -> str:
    """Store the recognised contract through the store's own save, in one transaction with an audit entry
    naming the source file and its digest. The one place intake writes; it moves to the operations layer."""
    from app.interchange.json_codec import dumps, loads
    from app.review import audit
    from app.store.contracts import save_in

    contract = result.contract
    if not contract.number.strip():
        contract.number = f"INTAKE-{digest[:12].upper()}"
        from app.intake.result import Confidence, FieldRecord

        result.fields.insert(0, FieldRecord("number", contract.number, Confidence.GUESSED, None,
                                            _("the text gives no contract number; one was made from the file's digest")))
    contract = loads(dumps(contract))  # every rule a contractdesk/1 document must meet, before the database
    guessed = [f.path for f in result.fields if f.confidence.value == "guessed"]
    with db.transaction() as s:
        save_in(s, contract)
        audit.record(s, contract.number, "intake", None,
                     {"file": source.name, "sha256": digest, "guessed": guessed,
                      "arithmetic_errors": arithmetic_errors})
    return contract.number


def run_intake(args) -> int:
    from app.intake import read_document, recognise, review
    from app.intake.report import report_json, report_text

    source = Path(args.file)
    doc = read_document(source)
    result = recognise(doc)
    report = review(result)
    if args.report:
        from app.intake.report_pdf import write_report_pdf

        write_report_pdf(result, report, Path(args.report))
    if args.json:
        data = report_json(result, report)
    else:
        sys.stdout.write(report_text(result, report))
    if args.apply:
        with source.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        errors = len([c for c in report.checks if c.status.value == "error"])
        number = store_intake(open_store(args), result, source, digest, errors)
        guessed = [f for f in result.fields if f.confidence.value == "guessed"]
        if args.json:
            data["stored"] = {"number": number, "sha256": digest, "guessed": [f.path for f in guessed]}
        else:
            print(_("stored as {number}; guessed, please check: {fields}").format(
                number=number, fields="、".join(_field(f.path) for f in guessed) or _("nothing")))
    if args.json:
        print_json(data)
    return 1 if report.has_errors else 0


def _field(path: str) -> str:
    from app.intake.labels import field_label

    return field_label(path)
