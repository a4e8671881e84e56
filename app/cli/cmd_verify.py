"""`contractdesk verify FILE`: check every signature of an exported PDF or Excel packet."""

from __future__ import annotations

from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.cli.common import print_json


def register(sub) -> None:
    p = sub.add_parser("verify", help=_("check the digital signatures of an exported PDF or Excel packet"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--trust", metavar="FILE", help=_("certificates the office trusts (PEM or DER): each signer's "
                                                      "certificate must chain to one of them"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(handler=run_verify)


def _local(moment) -> str:
    # The clerk's own clock time (with its UTC offset), not the UTC the signature records.
    return moment.astimezone().isoformat(sep=" ", timespec="seconds")


def run_verify(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(_("no such file"), str(path))
    trust = None
    if args.trust:
        from app.codecs.signing.trust import load_trust_list

        trust = load_trust_list(Path(args.trust))
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from app.codecs.signing.pdf import verify_pdf

        result = verify_pdf(path, trust)
    elif suffix == ".xlsx":
        from app.codecs.signing.cms import verify_xlsx

        result = verify_xlsx(path, trust)
    else:
        raise UserError(_("only .pdf and .xlsx packets can be verified"), str(path))
    states = {
        "intact": _("intact: the signature is valid and the document has not been changed since signing"),
        "modified": _("MODIFIED: the document was changed after it was signed"),
        "invalid": _("INVALID: the signature does not verify"),
        "untrusted": _("NOT TRUSTED: a signer's certificate does not chain to the trust list"),
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
                "trust": args.trust,
                "signatures": [
                    {
                        "state": s.state.value,
                        "signer": s.signer,
                        "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                        "fingerprint_sha256": s.fingerprint,
                        "trusted": s.trusted,
                        "revision": s.revision,
                        "revisions": s.revisions,
                        "field": s.field,
                        "detail": s.detail,
                    }
                    for s in result.signatures
                ],
                "changes": list(result.changes),
            }
        )
        return result.exit_code
    print(states[result.state.value])
    if result.detail:
        print(result.detail)
    if not result.signatures:  # a damaged file: no signature could be read
        return result.exit_code
    count = len(result.signatures)
    for n, s in enumerate(result.signatures, start=1):
        head = _("signature {n} of {count}").format(n=n, count=count)
        verdict = {"intact": _("intact"), "modified": _("MODIFIED"), "invalid": _("INVALID")}[s.state.value]
        print(_("{field}: {value}").format(field=f"{head} ({s.field})" if s.field else head, value=verdict))
        if s.signer:
            print("  " + _("signer: {name}").format(name=s.signer))
        if s.fingerprint:
            print("  " + _("certificate SHA-256: {fingerprint}").format(fingerprint=s.fingerprint))
        if s.trusted is None:
            print("  " + _("trust: not checked (no --trust list given)"))
        elif s.trusted:
            print("  " + _("trust: the certificate chains to the trust list"))
        else:
            print("  " + _("trust: NOT in the trust list"))
        if s.signed_at:
            print("  " + _("signed at: {time}").format(time=_local(s.signed_at)))
        if s.revision is not None:
            covers = (_("the whole file") if s.covers_whole_file
                      else _("revisions 1–{n} of {total}").format(n=s.revision, total=s.revisions))
            print("  " + _("covers: {what}").format(what=covers))
        if s.detail:
            print("  " + s.detail)
    if result.changes:
        print(_("changed after the first signature, and not by a signature: {revisions}").format(
            revisions=", ".join(result.changes)))
    return result.exit_code
