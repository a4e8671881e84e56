"""The database leaves the roaming profile once: %APPDATA%\\ContractDesk → %LOCALAPPDATA%\\ContractDesk, with a backup
first, its backups along, the old file kept under another name, a line in the log and a message shown once.

Windows is simulated (sys.platform, APPDATA/LOCALAPPDATA read by platformdirs from the environment); the Windows CI
job runs these tests on a real Windows too.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import platformdirs.windows
import pytest

from app.base import paths
from app.store import location
from app.store.backup import list_backups
from app.store.relocate import MOVED_SUFFIX, take_notice

from .conftest import SAMPLE_NUMBER, database_digest


@pytest.fixture
def profile(monkeypatch, tmp_path):
    """A Windows user profile (with Chinese in its path) and no CONTRACTDESK_HOME: the platform's folders count."""
    root = tmp_path / "Users" / "张 三" / "AppData"
    monkeypatch.delenv("CONTRACTDESK_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(root / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(root / "Local"))
    for name in ("WIN_PD_OVERRIDE_APPDATA", "WIN_PD_OVERRIDE_LOCAL_APPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", platformdirs.windows.get_win_folder_from_env_vars)
    return SimpleNamespace(old=root / "Roaming" / "ContractDesk", new=root / "Local" / "ContractDesk")


@pytest.fixture
def old_database(profile):
    """A database an earlier version kept in the roaming folder, with an edit and an automatic backup."""
    from app.ops.contracts import set_field
    from app.ops.first_run import open_store
    from app.store.backup import make_backup

    path = profile.old / "contracts.db"
    db = open_store(path)
    make_backup(path, "auto")
    set_field(db, SAMPLE_NUMBER, "project", "搬家前的项目名称")
    db.close()
    return path


def _close_log_handlers():
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_contractdesk", False):
            root.removeHandler(handler)
            handler.close()


def test_the_database_is_moved_once_with_a_backup(profile, old_database):
    before = database_digest(old_database)
    old_backups = [b.path.name for b in list_backups(old_database)]
    assert old_backups, "the earlier version had made its automatic backup"
    try:
        target = location.default_database()
    finally:
        _close_log_handlers()
    assert target == profile.new / "contracts.db"
    assert database_digest(target) == before, "every contract and edit arrived"

    moved_backups = list_backups(target)
    first = [b for b in moved_backups if b.kind == "before-move"]
    assert len(first) == 1 and database_digest(first[0].path) == before
    assert set(old_backups) <= {b.path.name for b in moved_backups}, "the old backups came along"

    assert not old_database.exists(), "the old file cannot be opened by mistake"
    kept = old_database.with_name(old_database.name + MOVED_SUFFIX)
    assert database_digest(kept) == before, "and nothing was deleted"
    note = (profile.old / "ContractDesk data moved.txt").read_text(encoding="utf-8")
    assert str(target) in note and str(kept) in note

    log = (profile.new / "logs" / "contractdesk.log").read_text(encoding="utf-8")
    assert f"moved the database {old_database} to {target}" in log

    notice = take_notice(profile.new)
    assert notice is not None and str(old_database) in notice and str(target) in notice and str(first[0].path) in notice
    assert take_notice(profile.new) is None, "said once"

    assert location.default_database() == target
    assert len([b for b in list_backups(target) if b.kind == "before-move"]) == 1, "moved once"


def test_nothing_moves_when_the_new_place_has_a_database(profile, old_database):
    from app.ops.first_run import open_store

    open_store(profile.new / "contracts.db").close()
    assert location.default_database() == profile.new / "contracts.db"
    assert old_database.is_file() and take_notice(profile.new) is None


def test_a_database_open_in_an_older_contractdesk_is_used_where_it_is(profile, old_database):
    from app.store.lock import acquire

    lock = acquire(old_database)  # the older version, still running in another window
    try:
        assert location.default_database() == old_database
    finally:
        lock.release()
    assert not (profile.new / "contracts.db").exists(), "no second, empty database appears"
    try:
        assert location.default_database() == profile.new / "contracts.db"  # the next start moves it
    finally:
        _close_log_handlers()


def test_contractdesk_home_is_never_moved_from(profile, old_database, monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTDESK_HOME", str(tmp_path / "home"))
    assert paths.roaming_data_dir() is None
    assert location.default_database() == tmp_path / "home" / "contracts.db"
    assert old_database.is_file()


def test_the_desktop_app_opens_the_moved_database_and_says_so_once(profile, old_database, qtbot, monkeypatch):
    """Settings still name the old file as the database used last: the app moves it and opens it in its new place."""
    from PySide6.QtCore import QSettings

    import ui.main
    from ui import settings as keys

    store = QSettings(str(profile.new.parent / "settings.ini"), QSettings.Format.IniFormat)  # never the user's own
    store.setValue(keys.LAST_DATABASE_KEY, str(old_database))
    try:
        target = ui.main.database_target(SimpleNamespace(db=None), store)
    finally:
        _close_log_handlers()
    assert target == str(profile.new / "contracts.db")
    assert keys.read_text(store, keys.LAST_DATABASE_KEY) == target
    assert ui.main.missing_last_database(SimpleNamespace(db=None), store) is None, "no 'database not there' warning"

    shown = []
    monkeypatch.setattr(ui.main.QMessageBox, "information", lambda _parent, title, text: shown.append((title, text)))
    ui.main._tell_about_a_move(None)
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert shown[0][0] == "Your contracts were moved" and str(old_database) in shown[0][1]
    ui.main._tell_about_a_move(None)
    qtbot.wait(50)
    assert len(shown) == 1, "once"
