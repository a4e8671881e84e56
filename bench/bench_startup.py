"""Start-up: process start to the main window painted with the sample contract open, against the floor.

The floor is a bare PySide6 script that shows an empty QMainWindow and exits after its first paint: no app can
start faster on this machine with this Qt. Both are timed the same way from outside, spawn to the "painted" line
on their output, alternately in the same run; the figures that matter are the ratios. Two moments of the app
count (issue 21): its first paint, which shows the stored list and the open contract's 概要 (target ≤ 2× the
floor), and "ready" (`ready_ms=`), when the store is open and an edit no longer waits for it (target ≤ 4×).
The app's own `painted_ms=` is recorded too, and one run lists the heavy libraries imported before the paint
(SQLAlchemy, ReportLab, openpyxl, pyHanko are imported after it, or when an export needs them).

The catalogs and the bytecode are compiled first (`tools/i18n.py compile`, `compileall`), as they are in the
installed program: a source checkout without .mo files compiles the catalogs from the .po files at every start, and
with PYTHONDONTWRITEBYTECODE set every module is compiled from source at every start, which is not what a clerk
waits for.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Metric

TITLE = "Start-up to the painted main window, against a bare QMainWindow"
METRICS = [
    Metric("app_ms", "app: start to first paint (list and 概要 shown)", "ms", target=2.0, vs="floor_ms"),
    Metric("ready_ms", "app: start to ready for editing (store open)", "ms", target=4.0, vs="floor_ms"),
    Metric("floor_ms", "floor: bare PySide6 QMainWindow painted", "ms"),
    Metric("floor_store_ms", "floor + the store's library: bare window, then SQLAlchemy imported and connected",
           "ms", vs="floor_ms"),
    Metric("app_reported_ms", "app: its own painted_ms", "ms"),
    Metric("app_rss_mb", "app: peak memory at start-up", "MB", vs="floor_rss_mb"),
    Metric("floor_rss_mb", "floor: peak memory", "MB"),
]
ROUNDS = 2  # floor/app pairs per run, alternating which goes first
HEAVY = ("reportlab", "openpyxl", "pyhanko", "pypdf", "pypdfium2", "docx", "jinja2", "babel", "sqlalchemy", "alembic")

FLOOR = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print("painted", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)

app = QApplication(sys.argv)
window = Window()
window.resize(1280, 800)
window.show()
sys.exit(app.exec())
"""

#: What no app that keeps its data through SQLAlchemy can be ready for editing before: the bare window, then (after
#: its paint, as the app does) SQLAlchemy's ORM imported and one SQLite connection made. No schema, no window of
#: ours: the share of the "ready" target that the required library takes by itself. It imports SQLAlchemy as the app
#: does: PySide6's import hook is taken out as the app takes it out (ui/lean_pyside.py), and `ui` imports `app`,
#: whose import hooks (app/base/lean_imports.py) and compile cache
#: (app/base/compile_cache.py, the same data folder as the app's) apply to SQLAlchemy's modules too; so the reference
#: does not pay for SQLAlchemy what the app does not; nor does it run the cycle collector while it imports.
FLOOR_STORE = FLOOR.replace(
    "QTimer.singleShot(0, QApplication.instance().quit)", "QTimer.singleShot(0, connect)"
).replace(
    "class Window(QMainWindow):",
    """def connect():
    import gc
    gc.disable()  # as the app runs no cycle collection until it is ready (app/base/collector.py)
    import ui.lean_pyside  # noqa: F401  installed by the ui package, as in the app
    import sqlalchemy.orm  # noqa: F401  what the store's schema and sessions are made of
    from sqlalchemy import create_engine, text

    with create_engine("sqlite://").connect() as connection:
        connection.execute(text("select 1"))
    print("ready_ms=0", flush=True)
    QApplication.instance().quit()

class Window(QMainWindow):""",
)

PAINTED = re.compile(r"painted(?:_ms=([0-9.]+))?")
READY = re.compile(r"ready_ms=([0-9.]+)")


def unavailable() -> str | None:
    if importlib.util.find_spec("ui.main") is None:
        return "ui/main.py (contractdesk gui --exit-after-paint) is not there yet"
    return None


def app_command(folder: Path, *extra: str) -> list[str]:
    return [sys.executable, *extra, "-m", "app", "--db", str(folder / "startup.db"), "gui", "--exit-after-paint"]


def floor_command(script: str = FLOOR) -> list[str]:
    return [sys.executable, "-c", script]


def launch(cmd: list[str]) -> tuple[float, float | None, float, str, float]:
    """Spawn `cmd`; return (ms to its "painted" line, the ms it reported, its peak RSS in MB, its stderr, ms to its
    "ready_ms=" line — the painted figure when it prints none)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    seen_ms: float | None = None
    ready_ms: float | None = None
    reported: float | None = None
    for line in proc.stdout:
        match = PAINTED.search(line)
        if match and seen_ms is None:
            seen_ms = (time.perf_counter() - start) * 1000
            reported = float(match.group(1)) if match.group(1) else None
        if READY.search(line) and ready_ms is None:
            ready_ms = (time.perf_counter() - start) * 1000
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or seen_ms is None:
        raise RuntimeError(f"{' '.join(cmd[-3:])} exited {proc.returncode} without painting: {err.strip()[-500:]}")
    rss_mb = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return seen_ms, reported, rss_mb, err, ready_ms if ready_ms is not None else seen_ms


def heavy_imports(folder: Path) -> list[str]:
    """Top-level packages from HEAVY that the app imports before its first paint (`-X importtime`).

    stderr goes into stdout so the import lines and the "painted" line keep their order; what the app
    imports after the paint (the deferred check, say) is not counted.
    """
    proc = subprocess.run(app_command(folder, "-X", "importtime"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    names = set()
    for line in proc.stdout.splitlines():
        if PAINTED.match(line):
            break
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return sorted(n for n in names if n in HEAVY)


def prepare(folder: Path, quick: bool) -> None:
    """Compile the catalogs, create the database with the sample (first launch), then warm the file cache with one
    launch of each."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "tools" / "i18n.py"), "compile"], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "app"), str(root / "ui")], check=True,
                   capture_output=True)
    subprocess.run(
        [sys.executable, "-m", "app", "--db", str(folder / "startup.db"), "list"], check=True, capture_output=True
    )
    launch(floor_command())
    launch(app_command(folder))


def measure(folder: Path, quick: bool) -> dict[str, Any]:
    floor, floor_store, app, ready, reported, floor_rss, app_rss = [], [], [], [], [], [], []
    for k in range(ROUNDS):
        order = ("floor", "floor_store", "app") if k % 2 == 0 else ("app", "floor_store", "floor")
        for which in order:
            if which == "floor":
                ms, _rep, rss, _err, _ready = launch(floor_command())
                floor.append(ms)
                floor_rss.append(rss)
            elif which == "floor_store":
                floor_store.append(launch(floor_command(FLOOR_STORE))[4])
            else:
                ms, rep, rss, _err, ready_ms = launch(app_command(folder))
                app.append(ms)
                ready.append(ready_ms)
                app_rss.append(rss)
                if rep is not None:
                    reported.append(rep)
    marker = folder / "imports-listed"
    result: dict[str, Any] = {
        "floor_ms": min(floor), "floor_store_ms": min(floor_store), "app_ms": min(app), "ready_ms": min(ready), "floor_rss_mb": max(floor_rss), "app_rss_mb": max(app_rss),
    }
    if reported:
        result["app_reported_ms"] = min(reported)
    if not marker.exists():
        marker.touch()
        result["heavy_imports_before_paint"] = ", ".join(heavy_imports(folder)) or "none"
    return result


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        prepare(Path(tmp), False)
        print(measure(Path(tmp), False))
