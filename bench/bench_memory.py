"""Memory: the app's main window with 10,000 contracts in the list and the 100,000-row annex open.

The database holds the sample, the bench contract whose cost table has 100,000 rows (bench_annex.build) and
10,000 generated contracts (bench_list.generate_contracts). Each run, in a fresh process, opens the real
MainWindow on it, fetches the whole list (as scrolling to its end does), opens the big contract's cost table
and waits until every row and the total are loaded. Reported: resident memory after each step and the peak,
against a bare QMainWindow (the floor, measured in the same run).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Metric, peak_rss_mb

TITLE = "Memory: main window, 10,000 contracts listed, 100,000-row annex open"
METRICS = [
    Metric("peak_mb", "peak RSS, all open", "MB", target=500.0),
    Metric("peak_mb", "peak RSS vs bare QMainWindow", "MB", vs="floor_mb"),
    Metric("window_mb", "RSS, main window shown", "MB"),
    Metric("list_mb", "RSS, whole list fetched", "MB"),
    Metric("annex_mb", "RSS, annex loaded", "MB"),
    Metric("floor_mb", "floor: bare QMainWindow peak RSS", "MB"),
    Metric("annex_open_s", "open the annex to all rows + total", "s"),
]
CONTRACTS, ROWS = 10_000, 100_000
QUICK_CONTRACTS, QUICK_ROWS = 300, 3_000


def unavailable() -> str | None:
    if importlib.util.find_spec("ui.main_window") is None:
        return "ui/main_window.py is not there yet"
    return None


def prepare(folder: Path, quick: bool) -> None:
    from app.ops.first_run import open_store
    from bench.bench_annex import build
    from bench.bench_list import generate_contracts

    db_file = folder / "memory.db"
    build(db_file, QUICK_ROWS if quick else ROWS)
    db = open_store(db_file)
    try:
        generate_contracts(db, QUICK_CONTRACTS if quick else CONTRACTS)
    finally:
        db.close()


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / (1024 * 1024)


def floor_mb() -> float:
    """Peak RSS of a bare PySide6 script showing an empty QMainWindow (bench_startup's floor)."""
    from bench.bench_startup import floor_command, launch

    return launch(floor_command())[2]


def measure(folder: Path, quick: bool) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    floor = floor_mb()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.ops.first_run import open_store
    from app.store.annex_rows import list_annexes
    from bench.bench_annex import NUMBER
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_store(folder / "memory.db")
    store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, str(folder / "memory.db"), store=store)
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    window_mb = rss_mb()
    model = window.list_view.model
    while model.canFetchMore():
        model.fetchMore()
    app.processEvents()
    listed = model.rowCount()
    list_mb = rss_mb()
    start = time.perf_counter()
    assert window.list_view.select_number(NUMBER), "the bench contract is not in the list"
    window.tabs.setCurrentWidget(window.annexes_tab)
    table_no = next(a.no for a in list_annexes(db, NUMBER) if a.kind.value == "table")
    window.annexes_tab.select_annex(table_no)
    editor = window.annexes_tab.table_editor
    while editor.model.loading:
        app.processEvents()
    app.processEvents()
    opened = time.perf_counter() - start
    rows = editor.model.rowCount()
    result = {
        "floor_mb": floor, "window_mb": window_mb, "list_mb": list_mb, "annex_mb": rss_mb(),
        "peak_mb": peak_rss_mb(), "annex_open_s": opened, "contracts_listed": listed, "annex_rows": rows,
    }
    window.close()
    db.close()
    return result


if __name__ == "__main__":
    import tempfile

    quick_run = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        # prepare in a child so that this process's peak memory is the window's alone
        code = (
            "import sys; from pathlib import Path; from bench.bench_memory import prepare;"
            f"prepare(Path({tmp!r}), {quick_run})"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        print(measure(Path(tmp), quick_run))
