"""`contractdesk selftest` (not listed in --help): check on this machine what only a real Windows proves.

Renders the sample packet with PDFium, prints it on "Microsoft Print to PDF" where that printer exists, signs it
with a throw-away certificate and verifies it, looks fonts up in the registry, and restricts a folder to this
user. Prints one line per check; exit 0 when none failed, 1 otherwise. The user's database is not touched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.base.i18n import _


def register(sub) -> None:
    p = sub.add_parser("selftest")  # no help=: support and CI use it, the clerk's --help does not list it
    p.add_argument("--keep", metavar="FOLDER", help=_("write the files made by the checks to FOLDER and keep them"))
    p.add_argument("--no-print", action="store_true", help=_("leave out the print check"))
    p.set_defaults(handler=run_selftest)


def run_selftest(args) -> int:
    from app.ops.selftest import FAILED, run_checks

    print_check = None if args.no_print or args.desktop is None else args.desktop.print_check()
    if args.keep:
        folder = Path(args.keep).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        steps = run_checks(folder, print_check)
    else:
        with tempfile.TemporaryDirectory(prefix="contractdesk-selftest-", ignore_cleanup_errors=True) as tmp:
            steps = run_checks(Path(tmp), print_check)
    for step in steps:
        print(step.line(), flush=True)
    return 1 if any(step.status == FAILED for step in steps) else 0
