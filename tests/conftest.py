"""Shared fixtures: every test gets its own data folder and database; Qt runs offscreen."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CONTRACTDESK_LANG", "en")
# Test modules import ui while they are collected, before any fixture runs, and ui keeps PySide6's compiled support
# code in the data folder's cache (ui/lean_pyside.py): a folder of this test process, never the user's.
os.environ["CONTRACTDESK_HOME"] = tempfile.mkdtemp(prefix="contractdesk-tests-")

import pytest

from app.base.i18n import set_language

atexit.register(shutil.rmtree, os.environ["CONTRACTDESK_HOME"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NUMBER = "CMHA-AY-202500441"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Never touch the user's real data folder; messages in English unless a test switches."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CONTRACTDESK_HOME", str(home))
    monkeypatch.setenv("CONTRACTDESK_LANG", "en")
    set_language("en")
    yield home
    set_language("en")


@pytest.fixture(autouse=True)
def _qt_widgets_deleted():
    """Delete the test's top-level widgets when it ends. Left to Python's cycle collector, a window would be
    destroyed at some allocation later, in the middle of another test, which Qt does not survive."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets is not None else None
    if app is None:
        return
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    QThreadPool.globalInstance().waitForDone(120_000)
    for widget in app.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "contracts.db"


@pytest.fixture
def db(db_path):
    """A fresh database holding the bundled sample."""
    from app.ops.first_run import open_store

    database = open_store(db_path)
    yield database
    core = sys.modules.get("PySide6.QtCore")
    if core is not None:  # a window's read in the background (the reminders) may still hold one of its connections
        core.QThreadPool.globalInstance().waitForDone(120_000)
    database.close()


PG_URL_VARIABLE = "CONTRACTDESK_TEST_PG_URL"


def _pg_base_url() -> str | None:
    return os.environ.get(PG_URL_VARIABLE) or None


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for this test (dropped afterwards); skipped without a server.

    CI sets CONTRACTDESK_TEST_PG_URL (see .ci/postgres); its role must be allowed to create databases.
    """
    base = _pg_base_url()
    if base is None:
        pytest.skip(f"{PG_URL_VARIABLE} is not set (no PostgreSQL server for the shared-server tests)")
    import psycopg
    from sqlalchemy import make_url

    url = make_url(base)
    name = f"cd_test_{uuid.uuid4().hex[:12]}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.errors.InsufficientPrivilege:
            # FORCE may not end a server process of another role, such as an autovacuum worker that has just started
            # on the new database; a plain DROP waits for autovacuum to be stopped on its own
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    """The store a storage test runs against: a SQLite file, then (when configured) PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store_db(store_url):
    """A fresh store holding the sample, on SQLite and on PostgreSQL."""
    from app.ops.first_run import open_store

    database = open_store(store_url)
    yield database
    database.close()


@pytest.fixture
def sample():
    from app.codecs.sample import sample_contract

    return sample_contract()


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:200]!r}, err={self.err[:200]!r})"


def _run_in_process(argv: list[str], env: dict[str, str] | None, input: str | None, monkeypatch) -> CliResult:
    """`contractdesk ARGV…` through `main(argv)` in this process: its exit code, stdout and stderr."""
    import contextlib
    import io
    import time

    from app.cli import main

    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as mp:
        for key, value in (env or {}).items():
            mp.setenv(key, value)
        mp.setattr(sys, "stdin", io.StringIO(input or ""))
        if env and "TZ" in env:
            time.tzset()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse: --help, usage errors
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            set_language(os.environ.get("CONTRACTDESK_LANG") or "en")
    if env and "TZ" in env:
        time.tzset()
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(db_path, monkeypatch):
    """Run `contractdesk --db <test db> ARGS…` as a user would, in this process (`main(argv)`): stdout, stderr and
    the exit code as the shell sees them. `env` adds environment variables for the call, `input` is stdin."""

    def run(*args: str, db: Path | None = db_path, env: dict[str, str] | None = None, input: str | None = None) -> CliResult:
        argv = (["--db", str(db)] if db is not None else []) + list(args)
        return _run_in_process(argv, env, input, monkeypatch)

    return run


@pytest.fixture
def cli_process(db_path):
    """`python -m app --db <test db> ARGS…` in a subprocess: the few smoke tests of the real entry point."""

    def run(*args: str, db: Path | None = db_path, env: dict[str, str] | None = None, input: str | None = None) -> CliResult:
        cmd = [sys.executable, "-m", "app"]
        if db is not None:
            cmd += ["--db", str(db)]
        cmd += list(args)
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=full_env, cwd=ROOT, input=input, timeout=300)
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


def database_digest(path) -> str:
    """The database's content (not its bytes: SQLite may rewrite pages on open), to show nothing changed."""
    import hashlib
    import sqlite3

    con = sqlite3.connect(path)
    dump = "\n".join(con.iterdump())
    con.close()
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def exported(db, sample, tmp_path) -> Path:
    """The sample's Excel packet as `export --xlsx` writes it (beside a database holding the sample)."""
    from app.codecs.xlsx import export_xlsx

    out = tmp_path / "packet.xlsx"
    export_xlsx(sample, out)
    return out


@pytest.fixture
def form(qtbot, db):
    """The 概要 form on the sample, with its undo stack as `form.stack`."""
    from PySide6.QtGui import QUndoStack

    from ui.contract_form import ContractForm

    stack = QUndoStack()
    widget = ContractForm(db, stack)
    qtbot.addWidget(widget)
    widget.stack = stack
    widget.set_contract(SAMPLE_NUMBER)
    return widget


#: The day the window tests' reminders and deadlines are counted from, unless a test needs another.
WINDOW_TODAY = date(2025, 6, 1)
#: How long a window test's end waits for what the window left running (an export, a reading, the reminders).
BACKGROUND_MS = 240_000


@pytest.fixture
def settings(tmp_path):
    """The window's settings in a file of the test's own (never the user's QSettings)."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def show_window(qtbot, db, db_path, settings, today: date | None = WINDOW_TODAY, size: tuple[int, int] | None = (1366, 768)):
    """The main window on `db` as the window tests use it: shown at `size` (None: its own default) and exposed."""
    from ui.main_window import MainWindow

    w = MainWindow(db, str(db_path), store=settings, today=today)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def wait_for_background() -> None:
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(BACKGROUND_MS)


@pytest.fixture
def window(qtbot, db, db_path, settings):
    """The main window on the sample at 1366×768 (a test file with its own needs defines its own `window`)."""
    yield show_window(qtbot, db, db_path, settings)
    wait_for_background()


def store_edit(db, contract, version: int | None = None) -> int:
    """Store what a test changed in a loaded `contract` (fields, clauses, instalments, events) as one edit,
    the way the form stores an edit; returns the new version. Annexes change through app.ops.annexes."""
    import dataclasses

    from app.ops.contracts import edit_contract

    def mutate(stored) -> None:
        for f in dataclasses.fields(contract):
            if f.name != "annexes":
                setattr(stored, f.name, getattr(contract, f.name))

    return edit_contract(db, contract.number, mutate, expected_version=version).changes.version


def table_annex(db, number: str = SAMPLE_NUMBER):
    """The contract's first cost-table annex (app.store.annex_rows.AnnexInfo)."""
    from app.store import annex_rows

    return next(a for a in annex_rows.list_annexes(db, number) if a.kind.value == "table")


def downgrade_database(path, revision: str) -> None:
    """Take a database file back to an earlier schema revision with its migrations' own downgrades: a database
    as an earlier release left it, for upgrade tests."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "app" / "store" / "migrations"))
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


def record_signing(db, number: str = SAMPLE_NUMBER, day: date | None = None) -> None:
    """Fill in the signing page as a clerk does once the parties have signed: each party's date (the signing
    event too) and a signatory where none is named, so nothing stands against marking it signed."""
    from app.ops.contracts import set_field
    from app.store.contracts import load

    contract = load(db, number, rows=False)
    day = day or date(2025, 6, 3)
    for role in ("a", "b"):
        if contract.signing(role).date is None:
            set_field(db, number, f"signing.{role}.date", day)
        if not contract.signing(role).signatory:
            set_field(db, number, f"signing.{role}.signatory", contract.party(role).representative or "签字人")


def answering(asked: list[str], reply):
    """A stand-in for QMessageBox.question (set it with monkeypatch): records each question's text in `asked` and
    answers `reply`."""
    def question(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return reply
    return staticmethod(question)


def sign(db, number: str = SAMPLE_NUMBER, despite: str | None = None) -> None:
    """Take a contract through review and approval to signed, as the review steps do (the signing page filled
    in once approved: see record_signing). `despite`: the clerk's reason to go on past open comments."""
    from app.ops.review import set_state

    for state in ("review", "approved"):
        set_state(db, number, state, despite=despite if state == "approved" else None)
    record_signing(db, number)
    set_state(db, number, "signed", despite=despite)
