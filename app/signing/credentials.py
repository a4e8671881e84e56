"""The signer's PKCS#12 file and its password: from CONTRACTDESK_P12_PASSWORD or asked on a
terminal, never taken from the command line (it would show in the process list and shell history)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app.errors import UserError
from app.fileio import os_reason
from app.i18n import _

PASSWORD_VARIABLE = "CONTRACTDESK_P12_PASSWORD"
#: Passwords typed at the terminal during this command, so that signing the PDF and the workbook of one
#: `export --pdf --xlsx --sign-with` asks once. Only typed ones: the environment is read afresh each time.
_typed: dict[Path, bytes] = {}


def p12_password(p12: Path) -> bytes:
    value = os.environ.get(PASSWORD_VARIABLE)
    if value is not None:
        return value.encode("utf-8")
    key = p12.resolve()
    if key in _typed:
        return _typed[key]
    if sys.stdin is not None and sys.stdin.isatty():
        _typed[key] = getpass.getpass(_("Password for {file}: ").format(file=p12.name)).encode("utf-8")
        return _typed[key]
    raise UserError(
        _("no password: set {var} or run the command in a terminal").format(var=PASSWORD_VARIABLE), str(p12)
    )


def load_p12(p12: str | os.PathLike[str]):
    """(private key, certificate, other certificates) from a PKCS#12 file; UserError when it cannot."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = Path(p12)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the certificate file: {error}").format(error=os_reason(exc)), str(path)) from exc
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, p12_password(path))
    except ValueError as exc:
        raise UserError(_("wrong password, or not a PKCS#12 (.p12/.pfx) file"), str(path)) from exc
    if key is None or cert is None:
        raise UserError(_("the file holds no private key and certificate"), str(path))
    return key, cert, list(extra or [])
