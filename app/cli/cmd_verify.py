"""`contractdesk verify FILE`: check the signature of an exported PDF or Excel packet."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import print_json
from app.errors import UserError
from app.i18n import _


def register(sub) -> None:
    p = sub.add_parser("verify", help=_("check the digital signature of an exported PDF or Excel packet"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(handler=run_verify)


def run_verify(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(_("no such file"), str(path))
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from app.signing.pdf import verify_pdf

        result = verify_pdf(path)
    elif suffix == ".xlsx":
        from app.signing.cms import verify_xlsx

        result = verify_xlsx(path)
    else:
        raise UserError(_("only .pdf and .xlsx packets can be verified"), str(path))
    states = {
        "intact": _("intact: the signature is valid and the document has not been changed since signing"),
        "modified": _("MODIFIED: the document was changed after it was signed"),
        "invalid": _("INVALID: the signature does not verify"),
        "unsigned": _("no signature found"),
    }
    if args.json:
        print_json(
            {
                "file": str(path),
                "state": result.state.value,
                "signer": result.signer,
                "signed_at": result.signed_at.isoformat() if result.signed_at else None,
                "detail": result.detail,
            }
        )
    else:
        print(states[result.state.value])
        if result.signer:
            print(_("signer: {name}").format(name=result.signer))
        if result.signed_at:
            # The clerk's own clock time (with its UTC offset), not the UTC the signature records.
            local = result.signed_at.astimezone()
            print(_("signed at: {time}").format(time=local.isoformat(sep=" ", timespec="seconds")))
        if result.detail:
            print(result.detail)
    return result.exit_code
