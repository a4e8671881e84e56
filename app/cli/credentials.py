"""The signing password on the command line: from CONTRACTDESK_P12_PASSWORD or asked on the terminal, never
taken from an argument (it would show in the process list and shell history)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _

PASSWORD_VARIABLE = "CONTRACTDESK_P12_PASSWORD"


def p12_password(p12: Path) -> bytes:
    """The password for `p12`, asked once per command (a PDF and a workbook signed together ask once)."""
    value = os.environ.get(PASSWORD_VARIABLE)
    if value is not None:
        return value.encode("utf-8")
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_("Password for {file}: ").format(file=p12.name)).encode("utf-8")
    raise UserError(_("no password: set {var} or run the command in a terminal").format(var=PASSWORD_VARIABLE), str(p12))
