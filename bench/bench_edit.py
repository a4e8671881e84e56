"""Edits cost what they change: a field edit and a cost-cell edit on a contract with a 100,000-row cost table.

Run: `python -m bench.bench_edit [ROWS] [EDITS]`. Targets (issue 15): a field edit from commit to stored under
50 ms, and under 4 KB of database growth per edit. Measured on the op the form's command runs
(app.ops.contracts.set_field) and through the real 概要 form (editingFinished → stored), beside the same for a
cost-table cell (app.ops.annexes.update_cells). The first edit of an editing session also keeps the "before
editing" revision; it is reported on its own, since it happens once per sitting.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.bench_annex import NUMBER, QUICK_ROWS, ROWS, build
from bench.common import Metric, ms_since, now

TITLE = "Edits on a contract with a 100,000-row cost table"
EDITS, QUICK_EDITS = 50, 10
METRICS = [
    Metric("field_edit_ms", "field edit, commit to stored (op)", "ms", target=50.0),
    Metric("form_edit_ms", "field edit through the 概要 form, commit to stored and redrawn", "ms"),
    Metric("cell_edit_ms", "cost-cell edit, commit to stored (op)", "ms", target=50.0),
    Metric("first_edit_ms", "first edit of a session (keeps the revision before editing)", "ms"),
    Metric("field_growth_bytes", "database growth per field edit", "bytes", target=4096.0),
    Metric("cell_growth_bytes", "database growth per cell edit", "bytes", target=4096.0),
]


def _size(db_file: Path) -> int:
    """The database's size once the write-ahead log is folded in (what stays on disk)."""
    with sqlite3.connect(db_file) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, page_size, free = (con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size",
                                                                                     "freelist_count"))
    return (pages - free) * page_size


def measure_edits(db_file: Path, edits: int) -> dict[str, float]:
    from app.ops.annexes import update_cells
    from app.ops.contracts import set_field
    from app.ops.first_run import open_store
    from app.ops.unit import EditSession
    from app.store import annex_rows

    db = open_store(db_file)
    try:
        session = EditSession()
        start = now()
        set_field(db, NUMBER, "project", "开始编辑", session=session)
        first = ms_since(start)
        before = _size(db_file)
        field_ms = []
        for i in range(edits):
            start = now()
            set_field(db, NUMBER, "project", f"项目名称第{i}次修改", session=session)
            field_ms.append(ms_since(start))
        field_growth = (_size(db_file) - before) / edits

        annex = next(a for a in annex_rows.list_annexes(db, NUMBER) if a.kind.value == "table")
        row = annex_rows.fetch_rows(db, annex.id, limit=1).ids[0]
        before = _size(db_file)
        cell_ms = []
        for i in range(edits):
            start = now()
            update_cells(db, NUMBER, annex.id, [annex_rows.CellChange(row, "remark", f"第{i}次核对")], session=session)
            cell_ms.append(ms_since(start))
        cell_growth = (_size(db_file) - before) / edits
        form_ms = _form_edits(db, edits)
    finally:
        db.close()
    return {"field_edit_ms": statistics.median(field_ms), "cell_edit_ms": statistics.median(cell_ms),
            "form_edit_ms": statistics.median(form_ms), "first_edit_ms": first,
            "field_growth_bytes": field_growth, "cell_growth_bytes": cell_growth}


def _form_edits(db, edits: int) -> list[float]:
    """The same edit typed into the real form: editingFinished → op → stored → every view redrawn."""
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from ui.contract_form import ContractForm

    app = QApplication.instance() or QApplication([])
    form = ContractForm(db, QUndoStack())
    form.set_contract(NUMBER)
    form.show()
    app.processEvents()
    edit = form.editors["project"]
    timings = []
    for i in range(edits):
        edit.setText(f"表单第{i}次修改")
        start = now()
        edit.editingFinished.emit()
        timings.append(ms_since(start))
    form.close()
    return timings


def prepare(folder: Path, quick: bool) -> None:
    build(folder / "edit.db", QUICK_ROWS if quick else ROWS)


def measure(folder: Path, quick: bool) -> dict[str, float]:
    result = measure_edits(folder / "edit.db", QUICK_EDITS if quick else EDITS)
    result["rows"] = QUICK_ROWS if quick else ROWS
    return result


def main(argv: list[str]) -> int:
    rows = int(argv[0]) if argv else ROWS
    edits = int(argv[1]) if len(argv) > 1 else EDITS
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "edit.db"
        subprocess.run([sys.executable, "-m", "bench.bench_annex", "--build", str(db_file), str(rows)], check=True)
        result = measure_edits(db_file, edits)
    ok = True
    for metric in METRICS:
        value = result[metric.key]
        met = metric.target is None or value <= metric.target
        ok &= met
        goal = f" (target < {metric.target:.0f})" if metric.target is not None else ""
        print(f"{metric.label:60s} {value:10.1f} {metric.unit}{goal}  {'ok' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
