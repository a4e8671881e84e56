"""Annex editor speed: a 100,000-row cost table opened, edited and scrolled in the real widget.

Run: `python -m bench.bench_annex [ROWS] [RUNS]` (offscreen unless a display is set). Targets from
issue 7: first screen under 300 ms, a single-cell edit to the updated total under 50 ms, peak
memory under 400 MB. Prints median/min/max per figure and exits 1 when a median misses its target.

The same is measured on a table with sections (issue 18): 100,000 rows in 100 top-level sections of ten
subsections each, 13 % VAT on the table and 6 % on some rows, a ceiling total; a cell edit there updates the
item, its two sections and the totals. It runs in a child process of its own, so the peak memory above is the
flat table's alone.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.codecs.sample import sample_contract
from app.domain import CostRow
from app.ops.first_run import open_store
from app.store import annex_rows
from app.store.contracts import save
from bench.common import Metric, peak_rss_mb

NUMBER = "BENCH-100K"
SECTIONS_NUMBER = "BENCH-100K-SECTIONS"
TARGETS_MS = {"open to first screen": 300.0, "edit to updated total": 50.0,
              "sections: open to first screen": 300.0, "sections: edit to updated total": 50.0}
TARGET_PEAK_MB = 400.0
ROWS, QUICK_ROWS = 100_000, 3_000
TITLE = "Annex editor: a 100,000-row cost table"
METRICS = [
    Metric("open to first screen", "open to first screen", "ms", target=TARGETS_MS["open to first screen"]),
    Metric("open to all rows + total", "open to all rows + total", "ms"),
    Metric("edit to updated total", "cell edit to updated total", "ms", target=TARGETS_MS["edit to updated total"]),
    Metric("page down + paint", "page down + paint", "ms"),
    Metric("scroll to bottom + paint", "scroll to bottom + paint", "ms"),
    Metric("sort by amount (view)", "sort by amount", "ms"),
    Metric("fetch rows (store)", "fetch all rows from the store", "ms"),
    Metric("peak_mb", "peak RSS, editor open", "MB", target=TARGET_PEAK_MB),
    Metric("sections: open to first screen", "with sections: open to first screen", "ms",
           target=TARGETS_MS["sections: open to first screen"]),
    Metric("sections: open to all rows + total", "with sections: open to all rows + total", "ms"),
    Metric("sections: edit to updated total", "with sections: cell edit to updated total", "ms",
           target=TARGETS_MS["sections: edit to updated total"]),
]


def build(db_file: Path, rows: int) -> None:
    """A database holding the sample plus two copies whose cost tables have `rows` rows: a flat one and one in
    sections."""
    from app.domain import CostTable, RowKind, TotalKind
    from app.values.numbering import int_to_cn

    db = open_store(db_file)
    contract = sample_contract()
    contract.number = NUMBER
    table = next(a for a in contract.annexes if a.table is not None)
    table.table = [_item(i) for i in range(rows)]
    save(db, contract)
    contract = sample_contract()
    contract.number = SECTIONS_NUMBER
    table = next(a for a in contract.annexes if a.table is not None)
    per_section = max(rows // 100, 1)
    sectioned: list[CostRow] = []
    for i in range(rows):
        top, place = divmod(i, per_section)
        if place == 0:
            sectioned.append(CostRow(f"第{top + 1}标段", kind=RowKind.SECTION, quantity=None,
                                     no=int_to_cn(top + 1) if top < 999 else str(top + 1)))
        if place % max(per_section // 10, 1) == 0:
            sub = place // max(per_section // 10, 1) + 1
            sectioned.append(CostRow(f"分项{sub}", kind=RowKind.SECTION, level=1, quantity=None, no=str(sub)))
        row = _item(i)
        row.level = 2
        if i % 7 == 0:
            row.vat_rate = Decimal("0.06")
        sectioned.append(row)
    table.table = CostTable(sectioned[:rows], vat_rate=Decimal("0.13"), total_kind=TotalKind.CEILING)
    save(db, contract)
    db.close()


def _item(i: int) -> CostRow:
    return CostRow(
        f"设备{i:06d}（含安装调试）",
        f"型号 XG-{i % 97}，汤阴县“天眼”工程配套",
        "台",
        Decimal(i % 9 + 1),
        Decimal(f"{1000 + i % 500}.{i % 100:02d}"),
        "验收合格后付款",
    )


def report(name: str, samples: list[float], target: float | None) -> bool:
    med = statistics.median(samples)
    ok = target is None or med <= target
    goal = f" (target < {target:.0f} ms)" if target is not None else ""
    print(
        f"{name:28s} median {med:8.1f} ms  min {min(samples):8.1f}  max {max(samples):8.1f}{goal}  {'ok' if ok else 'MISSED'}"
    )
    return ok


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--build":
        build(Path(argv[1]), int(argv[2]))
        return 0
    if argv and argv[0] == "--sections":
        print(json.dumps(session(Path(argv[1]), int(argv[2]), int(argv[3]), SECTIONS_NUMBER)))
        return 0
    rows = int(argv[0]) if argv else ROWS
    runs = int(argv[1]) if len(argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "bench.db"
        start = time.perf_counter()
        # Built in a child process so that the peak memory below is the editor's alone.
        subprocess.run([sys.executable, "-m", "bench.bench_annex", "--build", str(db_file), str(rows)], check=True)
        print(f"built a {rows:,}-row annex (flat and in sections) in {time.perf_counter() - start:.1f} s")
        timings = session(db_file, rows, runs)
        timings.update(sections_session(db_file, rows, runs))

    ok = True
    for name, samples in timings.items():
        ok &= report(name, samples, TARGETS_MS.get(name))
    peak = peak_rss_mb()
    peak_ok = peak <= TARGET_PEAK_MB
    print(f"{'peak RSS (flat table)':28s} {peak:8.1f} MB (target < {TARGET_PEAK_MB:.0f} MB)  {'ok' if peak_ok else 'MISSED'}")
    return 0 if ok and peak_ok else 1


def sections_session(db_file: Path, rows: int, runs: int) -> dict[str, list[float]]:
    """The table in sections, measured in a child process (its memory is not the flat table's)."""
    out = subprocess.run([sys.executable, "-m", "bench.bench_annex", "--sections", str(db_file), str(rows), str(runs)],
                         check=True, capture_output=True, text=True).stdout
    timings = json.loads(out.strip().splitlines()[-1])
    return {f"sections: {name}": timings[name] for name in ("open to first screen", "open to all rows + total",
                                                           "edit to updated total")}


def prepare(folder: Path, quick: bool) -> None:
    """The suite's protocol: build the database once (the runner calls this in its own process)."""
    build(folder / "annex.db", QUICK_ROWS if quick else ROWS)


def measure(folder: Path, quick: bool) -> dict:
    """One run in a fresh process: open, edit, scroll and sort once; each figure is that run's median."""
    rows = QUICK_ROWS if quick else ROWS
    timings = session(folder / "annex.db", rows, 1)
    result: dict = {name: statistics.median(samples) for name, samples in timings.items()}
    result["peak_mb"] = peak_rss_mb()
    result.update({name: statistics.median(samples)
                   for name, samples in sections_session(folder / "annex.db", rows, 1).items()})
    result["rows"] = rows
    return result


def session(db_file: Path, rows: int, runs: int, number: str = NUMBER) -> dict[str, list[float]]:
    """Open the annex `runs` times in the real editor, as the annexes tab does; milliseconds per step."""
    app = QApplication.instance() or QApplication([])
    from PySide6.QtGui import QUndoStack

    from ui.annex_table_view import CostTableEditor

    db = open_store(db_file)
    annex_id = next(a.id for a in annex_rows.list_annexes(db, number) if a.kind.value == "table")
    timings: dict[str, list[float]] = {
        "fetch rows (store)": [],
        "open to first screen": [],
        "open to all rows + total": [],
        "edit to updated total": [],
        "scroll to bottom + paint": [],
        "page down + paint": [],
        "sort by amount (view)": [],
    }
    for _run in range(runs):
        t0 = time.perf_counter()
        annex_rows.fetch_rows(db, annex_id)
        timings["fetch rows (store)"].append((time.perf_counter() - t0) * 1000)
    gc.collect()
    # One editor opened repeatedly, as the annexes tab does when a clerk switches annexes.
    stack = QUndoStack()
    editor = CostTableEditor(db, stack)
    editor.resize(1280, 720)
    editor.show()
    app.processEvents()
    for run in range(runs):
        editor.load(None)
        gc.collect()
        t0 = time.perf_counter()
        editor.load(annex_id, number)
        editor.table.viewport().repaint()
        editor.footer.repaint()
        timings["open to first screen"].append((time.perf_counter() - t0) * 1000)
        while editor.model.loading:
            app.processEvents()
        timings["open to all rows + total"].append((time.perf_counter() - t0) * 1000)
        assert editor.model.rowCount() == rows

        model = editor.model
        price_col = model.column_index("unit_price")
        for k in range(3):
            row = next(r for r in range(10 + k, rows) if not model.is_section(r))  # an item (in its sections)
            index = model.index(row, price_col)
            before = editor.footer.total_label.text()
            t0 = time.perf_counter()
            model.setData(index, f"{2000 + run * 10 + k}.25")
            editor.footer.repaint()
            editor.table.viewport().repaint()
            timings["edit to updated total"].append((time.perf_counter() - t0) * 1000)
            assert editor.footer.total_label.text() != before, "the total did not change"

        t0 = time.perf_counter()
        editor.table.scrollToBottom()
        editor.table.viewport().repaint()
        timings["scroll to bottom + paint"].append((time.perf_counter() - t0) * 1000)
        editor.table.scrollToTop()
        bar = editor.table.verticalScrollBar()
        for _step in range(20):
            t0 = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            editor.table.viewport().repaint()
            timings["page down + paint"].append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        editor.sort_by(model.column_index("amount"))
        editor.table.viewport().repaint()
        timings["sort by amount (view)"].append((time.perf_counter() - t0) * 1000)
        editor.sort_by(-1)

        while stack.canUndo():
            stack.undo()
        stack.clear()
    editor.close()
    db.close()
    return timings


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
