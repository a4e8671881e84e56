"""The windowed program never fails silently: started without a console (sys.stdout = sys.stderr = None, as
PyInstaller starts ContractDesk.exe), a Qt that cannot be imported or an argument it cannot use ends in a message
box and logs/startup-error.log in the data folder. With a console nothing changes.

Each case runs the real entry (app/__main__.py) in a fresh interpreter; the message box is recorded instead of
shown. The Windows CI job starts the real bundle with Qt6Core.dll hidden and reads the real box.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import app.startup as startup

ROOT = Path(__file__).resolve().parent.parent

#: Starts the GUI entry as the windowed program starts: no stdout or stderr at all.
WINDOWED = textwrap.dedent(
    """
    import json, runpy, sys
    record, argv, console = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] == "console"
    if not console:
        sys.stdout = sys.stderr = None
    import app.startup as startup
    shown = []
    startup.show_message_box = lambda title, text: shown.append([title, text])
    sys.argv = ["ContractDesk.exe", *argv]
    try:
        runpy.run_module("app", run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code
    with open(record, "w", encoding="utf-8") as fh:
        json.dump({"code": code, "shown": shown}, fh, ensure_ascii=False)
    """
)


@pytest.fixture
def broken_qt(tmp_path) -> Path:
    """A PySide6 whose import fails the way a missing or quarantined Qt DLL makes it fail on Windows."""
    folder = tmp_path / "broken qt"
    (folder / "PySide6").mkdir(parents=True)
    (folder / "PySide6" / "__init__.py").write_text(
        'raise ImportError("DLL load failed while importing QtCore: 找不到指定的模块。")\n', encoding="utf-8")
    return folder


def start(tmp_path: Path, argv: list[str], *, pythonpath: Path | None = None, console: bool = False,
          lang: str = "zh_CN", home: Path | None = None) -> dict:
    home = home or tmp_path / "数据 目录"
    record = tmp_path / "record.json"
    env = {**os.environ, "CONTRACTDESK_HOME": str(home), "CONTRACTDESK_LANG": lang, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(pythonpath) if pythonpath else "", str(ROOT)) if p)
    proc = subprocess.run([sys.executable, "-c", WINDOWED, str(record), json.dumps(argv),
                           "console" if console else "windowed"], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=ROOT, timeout=240)
    assert record.exists(), proc.stderr
    result = json.loads(record.read_text(encoding="utf-8"))
    result["stderr"] = proc.stderr
    result["log"] = home / "logs" / "startup-error.log"
    return result


def test_a_qt_that_cannot_load_is_shown_and_logged(tmp_path, broken_qt):
    result = start(tmp_path, [], pythonpath=broken_qt)
    assert result["code"] == 2
    assert len(result["shown"]) == 1
    title, text = result["shown"][0]
    assert title == "合同台无法启动"
    assert "DLL load failed while importing QtCore" in text
    assert "杀毒软件" in text  # what the clerk can do: restore quarantined files, or reinstall
    log = result["log"]
    assert str(log) in text, "the message names the log file"
    logged = log.read_text(encoding="utf-8")
    assert "DLL load failed while importing QtCore" in logged and "arguments: []" in logged


def test_a_file_dropped_on_the_program_is_explained(tmp_path):
    dropped = tmp_path / "桌面" / "合同 2025.xlsx"
    result = start(tmp_path, [str(dropped)], lang="en")
    assert result["code"] == 2
    title, text = result["shown"][0]
    assert title == "ContractDesk cannot start"
    assert "invalid choice" in text and dropped.name in text  # (argparse quotes it with repr: \\ on Windows)
    assert "antivirus" not in text, "no advice about quarantined files for a usage error"
    assert dropped.name in result["log"].read_text(encoding="utf-8")


def test_a_server_password_never_reaches_the_startup_log(tmp_path, broken_qt):
    result = start(tmp_path, ["--db", "postgresql+psycopg://clerk:s3cret@server/contractdesk"], pythonpath=broken_qt)
    assert result["code"] == 2
    assert "s3cret" not in result["log"].read_text(encoding="utf-8")
    assert "s3cret" not in result["shown"][0][1]
    assert "clerk:***@server" in result["log"].read_text(encoding="utf-8")


def test_an_unusable_data_folder_still_gets_its_message(tmp_path, broken_qt):
    """The log goes to the temporary folder when the data folder itself cannot be made."""
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = start(tmp_path, [], pythonpath=broken_qt, home=blocker / "home")
    assert result["code"] == 2
    fallback = Path(tempfile.gettempdir()) / "startup-error.log"
    assert str(fallback) in result["shown"][0][1]
    assert "DLL load failed" in fallback.read_text(encoding="utf-8")


def test_with_a_console_nothing_changes(tmp_path, broken_qt):
    result = start(tmp_path, [], pythonpath=broken_qt, console=True, lang="en")
    assert result["code"] == 2
    assert result["shown"] == [] and not result["log"].exists()
    assert "error: the desktop app cannot start: DLL load failed" in result["stderr"]


def test_a_windowed_run_that_works_shows_nothing(tmp_path):
    result = start(tmp_path, ["--version"])
    assert result == {**result, "code": 0, "shown": []}
    assert not result["log"].exists()


def test_the_program_ends_without_walking_every_object_and_still_flushes_its_log(tmp_path):
    """app.startup.main freezes the collector's objects once the command is done (a faster exit after an export);
    atexit still runs, so what the command logged is in the log file when the process has ended."""
    logs = tmp_path / "logs"
    script = textwrap.dedent(
        """
        import atexit, gc, logging, sys
        from pathlib import Path
        import app.startup as startup
        from app.base.logs import setup_logging

        def command():
            setup_logging(Path(sys.argv[1]))
            logging.getLogger("app").info("exported 合同 CD-2026-001")
            return 3

        startup.guarded_main = command
        atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, flush=True))
        sys.exit(startup.main())
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONTRACTDESK_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-c", script, str(logs)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "frozen at exit: True" in proc.stdout
    assert "exported 合同 CD-2026-001" in (logs / "contractdesk.log").read_text(encoding="utf-8")


def test_a_command_runs_with_the_collector_seldom_and_the_window_returns_it_to_the_default(monkeypatch):
    """app/base/collector.py: main() starts every command with STARTING; started() restores what was there."""
    import gc

    from app.base import collector

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr("app.startup.guarded_main", lambda: seen.append(gc.get_threshold()) or 0)
    monkeypatch.setattr("app.startup.leave_objects_to_the_os", lambda: None)  # not in the test process
    try:
        assert startup.main() == 0
        assert seen == [collector.STARTING] and gc.get_threshold() == collector.STARTING
        collector.started()
        assert gc.get_threshold() == before
        collector.started()  # a second call (or one without a start) changes nothing
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
        collector._default = None


def test_the_window_start_collects_nothing_until_ready_then_freezes_what_it_made():
    """app/base/collector.py: after window_starting() no collection runs; started() freezes what is alive and turns
    CPython's default collection back on. Without a start (a test's own window) window_starting changes nothing."""
    import gc

    from app.base import collector

    before = gc.get_threshold()
    collector._default = None
    collector.window_starting()
    assert gc.isenabled()
    try:
        collector.starting()
        collector.window_starting()
        assert not gc.isenabled()
        import weakref

        class Node:
            pass

        cycles = [Node() for _ in range(100)]
        for node in cycles:
            node.me = node  # garbage in a cycle: only the collector frees it
        seen = [weakref.ref(node) for node in cycles]
        del cycles, node
        collector.started()
        assert gc.isenabled() and gc.get_threshold() == before and gc.get_freeze_count() > 0
        gc.collect()
        assert all(ref() is not None for ref in seen)  # frozen: no collection walks what the start made
        gc.unfreeze()
        gc.collect()
        assert all(ref() is None for ref in seen)
        collector.started()  # a second call changes nothing
        assert gc.isenabled() and gc.get_threshold() == before
    finally:
        gc.unfreeze()
        gc.enable()
        gc.set_threshold(*before)
        collector._default = None
