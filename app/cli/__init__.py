"""The `contractdesk` command line. Subcommands live in app/cli/cmd_*.py, each with `register()`.

Exit codes: 0 success; 1 `check` found errors (or `verify` found a changed/invalid signature);
2 bad input or usage. Errors are one clear line naming the field; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from app import __version__
from app.base.errors import UserError
from app.base.i18n import _, language_from_environment, set_language
from app.cli.common import Desktop

log = logging.getLogger("contractdesk")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with one line
        message = _shortened(message)  # argparse quotes a bad value whole: 5,000 digits would fill the screen
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: " + _("{field}: {value}").format(field=_("error"), value=message) + "\n")


#: The module of the `gui` command (the default): opening the window builds a parser of that module's commands only.
GUI_COMMANDS = "cmd_contracts"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only` (a cmd_* module's name) just that module's subcommands."""
    parser = _Parser(prog="contractdesk", description=_("ContractDesk: contract packets kept in a local database."))
    parser.add_argument("--db", metavar="PATH_OR_URL", help=_("database file or SQLAlchemy URL (default: the one in your data folder)"))
    parser.add_argument("--lang", metavar="LANG", help=_("language: zh_CN or en (default: from the environment, else zh_CN)"))
    parser.add_argument("--version", action="version", version=f"ContractDesk {__version__}",
                        help=_("show the version and exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    if only is not None:
        names = [only]
    else:
        import pkgutil

        from app import cli

        names = sorted(m.name for m in pkgutil.iter_modules(cli.__path__) if m.name.startswith("cmd_"))
    for name in names:
        importlib.import_module(f"app.cli.{name}").register(sub)
    return parser


def _preparse_language(argv: Sequence[str]) -> None:
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang or language_from_environment())


def main(argv: Sequence[str] | None = None, *, desktop: Desktop | None = None) -> int:
    """Run one command; `desktop` is the window's part, handed in by the program's entry (app.startup)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass
    if argv == ["--version"]:  # answered before the subcommands (and SQLAlchemy) are imported
        print(f"ContractDesk {__version__}")
        return 0
    _preparse_language(argv)
    from app.values.text_checks import TerminalStream

    # Whatever a record holds (an ANSI escape in a title, a bidi override) is shown escaped, never obeyed.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (None if s is None else TerminalStream(s) for s in streams)  # None: no console
    try:
        return _run(argv, desktop)
    finally:
        sys.stdout, sys.stderr = streams
        from app.cli.common import close_stores

        close_stores()


def _command_of(argv: Sequence[str]) -> str | None:
    """The first argument that is not a global option or its value: the subcommand, an option such as --help, or
    None when there is none (the window opens)."""
    i = 0
    while i < len(argv):
        if argv[i] in ("--db", "--lang"):
            i += 2
        elif argv[i].startswith(("--db=", "--lang=")):
            i += 1
        else:
            return argv[i]
    return None


def _run(argv: list[str], desktop: Desktop | None) -> int:
    # Opening the window imports only the module of its command: the window paints sooner (issue 21).
    parser = build_parser(GUI_COMMANDS if _command_of(argv) in (None, "gui") else None)
    bad = _unreadable_argument(argv)
    if bad:
        print(_("{field}: {value}").format(field=_("error"), value=bad), file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    args.desktop = desktop
    if args.command is None:
        from app.cli.cmd_contracts import run_gui

        args.command, args.handler, args.exit_after_paint = "gui", run_gui, False
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(_("{field}: {value}").format(field=_("error"), value=_one_line(exc)), file=sys.stderr)  # 错误：…
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("cancelled"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


#: The longest error line printed; a value quoted whole (5,000 digits typed by mistake) is cut short.
MAX_ERROR_CHARS = 500
MAX_WHERE_CHARS = 100


def _shortened(message: str) -> str:
    return message if len(message) <= MAX_ERROR_CHARS else message[:MAX_ERROR_CHARS] + "…"


def _one_line(exc: UserError) -> str:
    """The error as printed: where it is and what is wrong, a place quoted at length (5,000 digits) cut short."""
    where = exc.where if len(exc.where) <= MAX_WHERE_CHARS else exc.where[:MAX_WHERE_CHARS] + "…"
    return str(UserError(_shortened(exc.message), where))


def _unreadable_argument(argv: Sequence[str]) -> str | None:
    """An argument that is not valid text (bytes the system could not decode arrive as lone surrogates)."""
    from app.values.text_checks import unstorable_char

    for i, arg in enumerate(argv):
        if unstorable_char(arg) is not None:
            option = argv[i - 1] if i and argv[i - 1].startswith("-") else _("argument {n}").format(n=i + 1)
            return str(UserError(_("is not valid text (a character that cannot be read or stored)"), option))
    return None


