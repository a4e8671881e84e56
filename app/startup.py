"""A start that never fails silently: the entry of both bundled programs (app/__main__.py).

ContractDesk.exe has no console, so PyInstaller gives it ``sys.stdout = sys.stderr = None``: an import that fails
before the window exists (a Qt DLL that will not load, a file quarantined by antivirus) or an argument error (a
file dropped on the program) would be printed to nowhere and the program would just not appear. Without a
console, the command line's output is captured here and, when the start fails, shown in a native message box
(MessageBoxW through ctypes: Qt may be the very thing that is broken) and written to ``logs/startup-error.log``
in the data folder. With a console (contractdesk-cli.exe, a terminal) nothing changes.

Only the standard library is imported at module level: this must work when everything else is broken.
"""

from __future__ import annotations

import gc
import io
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

LOG_NAME = "startup-error.log"
#: How much of the captured output is kept: the end of it says what went wrong.
_KEEP_CHARS = 64 * 1024
MB_ICONERROR = 0x10
MB_SETFOREGROUND = 0x10000
#: "postgresql+psycopg://clerk:secret@server/db" → the password blanked out before anything is written.
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


class _Tail(io.TextIOBase):
    """A text stream keeping the last _KEEP_CHARS characters written to it (stands in for the missing console)."""

    def __init__(self) -> None:
        super().__init__()
        self._text = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._text = (self._text + text)[-_KEEP_CHARS:]
        return len(text)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def text(self) -> str:
        return self._text


def has_console() -> bool:
    """False in a windowed program (no stdout or stderr at all)."""
    return sys.stdout is not None and sys.stderr is not None


def N_(message: str) -> str:
    """Marks a message for the catalogs (as app.base.i18n.N_ does; this module must not depend on the app's modules)."""
    return message


def _translate(message: str) -> str:
    try:
        from app.base.i18n import _

        return _(message)
    except Exception:  # the catalogs themselves may be what failed to load
        return message


def show_message_box(title: str, text: str) -> None:
    """A native Windows message box (blocks until OK); nothing elsewhere, where the log file is the report."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, text, title, MB_ICONERROR | MB_SETFOREGROUND)  # type: ignore[attr-defined]
    except Exception:  # nothing is left to tell the user with; the log file was written first
        pass


def _log_folder() -> Path:
    """The data folder's logs folder; the temporary folder when even that cannot be made (the failure may be it)."""
    try:
        from app.base.paths import data_dir

        folder = data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except Exception:
        import tempfile

        return Path(tempfile.gettempdir())


def _scrub(text: str) -> str:
    """Server passwords blanked; account numbers and amounts masked as in the app's log."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    try:
        from app.base.logs import mask_text

        return mask_text(text)
    except Exception:
        return text


def write_startup_log(message: str, details: str, argv: Sequence[str]) -> Path | None:
    """Write logs/startup-error.log (the latest failed start) and return it; None when nothing can be written."""
    try:
        from app import __version__
    except Exception:
        __version__ = "?"
    import platform

    lines = [
        f"ContractDesk {__version__}",
        f"time: {datetime.now().isoformat(timespec='seconds')}",
        f"system: {platform.platform()}; Python {platform.python_version()}; frozen: {bool(getattr(sys, 'frozen', False))}",
        f"program: {sys.executable}",
        f"arguments: {list(argv)}",
        "",
        message.strip(),
    ]
    if details.strip() and details.strip() != message.strip():
        lines += ["", details.rstrip()]
    text = _scrub("\n".join(lines) + "\n")
    for folder in (_log_folder(), None):
        if folder is None:
            import tempfile

            folder = Path(tempfile.gettempdir())
        path = folder / LOG_NAME
        try:
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def report_failed_start(message: str, details: str, argv: Sequence[str], *, advice: bool = True) -> Path | None:
    """Write the startup log, then say what happened in a message box naming the log."""
    path = write_startup_log(message, details, argv)
    parts = [_scrub(message.strip())]
    if advice:
        parts.append(_translate(N_(
            "A file of ContractDesk is missing or cannot be loaded. Restore any ContractDesk files your antivirus put "
            "in quarantine, or install ContractDesk again."
        )))
    if path is not None:
        parts.append(_translate(N_("The details are in {file}: send it to whoever supports ContractDesk for you.")
                                ).format(file=path))
    show_message_box(_translate(N_("ContractDesk cannot start")), "\n\n".join(parts))
    return path


def _cli_main() -> Callable[[list[str]], int]:
    """app.cli.main with the desktop part, imported here: that import is itself one of the things that can fail."""
    from app.cli import main

    return lambda args: main(args, desktop=_desktop())


def _desktop():
    """The window's part of the program, for the `gui` and `selftest` commands. The window's modules (and Qt) are
    imported only when the window is asked for: a command-line call never pays for them."""
    from app.base.errors import UserError
    from app.base.i18n import _
    from app.cli.common import Desktop

    def run(args) -> int:
        try:
            from ui.main import run as run_window
        except ImportError as exc:
            raise UserError(_("the desktop app cannot start: {error}").format(error=exc)) from exc
        return run_window(args)

    def print_check():
        try:
            from ui.print_check import print_check as check
        except ImportError:
            return None
        return check

    return Desktop(run=run, print_check=print_check)


def guarded_main(argv: Sequence[str] | None = None, main: Callable[[list[str]], int] | None = None) -> int:
    """Run the command line (`main`, default app.cli.main); without a console, never fail silently."""
    args = list(sys.argv[1:] if argv is None else argv)
    if has_console():
        return (main or _cli_main())(args)
    tail = _Tail()
    sys.stdout = sys.stderr = tail
    usage = False
    try:
        code = (main or _cli_main())(args)
    except SystemExit as exc:  # argparse's usage errors (a file dropped on the program) and --help
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        usage = True
    except BaseException as exc:  # an import that failed before the window: a DLL, a quarantined file
        details = "".join(traceback.format_exception(exc))
        message = (tail.text().strip() + "\n" if tail.text().strip() else "") + "".join(
            traceback.format_exception_only(exc)).strip()
        report_failed_start(message, details, args, advice=isinstance(exc, ImportError | OSError))
        return 1
    said = tail.text().strip()
    if code != 0 and said:
        # the gui command says "the desktop app cannot start: …" when Qt (or a part of the app) fails to import
        cannot_import = _translate(N_("the desktop app cannot start: {error}")).split("{error}")[0] in said
        report_failed_start(said, "", args, advice=cannot_import and not usage)
    return int(code or 0)


def main() -> int:
    """The program: the `contractdesk` command, `python -m app` and both bundled programs."""
    from app.base import collector, compile_cache

    collector.starting()  # a command is one short task: see app/base/collector.py
    try:
        code = guarded_main()
    finally:  # --help and usage errors leave by SystemExit
        compile_cache.save()  # what this start compiled, for the next (see app/__init__.py)
    leave_objects_to_the_os()
    return code


def leave_objects_to_the_os() -> None:
    """Called when nothing is left but the process's exit: at exit CPython walks every tracked object with the cycle
    collector several times, 50–70 ms after a PDF export (fonts, ReportLab, the packet), and frees what the OS frees
    anyway. Frozen objects are not walked. atexit handlers still run (the log is flushed and closed), and objects that
    are not in a cycle (an open file, say) are still released as the modules are torn down."""
    gc.freeze()
