"""The signer's PKCS#12 file, opened with the password the caller passes as a value.

The core never asks for a password or reads one from the environment: the window asks in its dialog and
the command line reads CONTRACTDESK_P12_PASSWORD or asks on the terminal (app.cli.credentials).
"""

from __future__ import annotations

import os
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _


def load_p12(p12: str | os.PathLike[str], password: bytes):
    """(private key, certificate, other certificates) from a PKCS#12 file; UserError when it cannot."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = Path(p12)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the certificate file: {error}").format(error=os_reason(exc)), str(path)) from exc
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError as exc:
        raise UserError(_("wrong password, or not a PKCS#12 (.p12/.pfx) file"), str(path)) from exc
    if key is None or cert is None:
        raise UserError(_("the file holds no private key and certificate"), str(path))
    return key, cert, list(extra or [])
