"""Excel speed: export a 20,000-row cost table (target under 3 s), read it back (target under 2 s and 200 MB) and
diff it.

Run: `python -m bench.bench_xlsx [ROWS]` (exits 1 when a target is missed), or in the suite (`python -m bench
--only xlsx`), where each run is a fresh process: the workbook is written once beforehand and each run reads it
first, so the import's peak memory is its own (interpreter and modules included), then exports.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from app.codecs.sample import sample_contract
from app.codecs.xlsx import export_xlsx
from app.codecs.xlsx_import import read_cost_table
from app.domain import CostRow
from app.rules.tablediff import diff_cost_rows
from bench.common import Metric, peak_rss_mb

TARGET_SECONDS = 3.0
IMPORT_TARGET_SECONDS = 2.0
IMPORT_TARGET_MB = 200.0
ROWS, QUICK_ROWS = 20_000, 1_000
TITLE = "Excel: export and import of a 20,000-row cost table"
METRICS = [
    Metric("export_s", "export 20,000 rows", "s", target=TARGET_SECONDS),
    Metric("import_s", "import (read back) 20,000 rows", "s", target=IMPORT_TARGET_SECONDS),
    Metric("import_cpu_s", "import, CPU time of the process", "s"),
    Metric("import_peak_mb", "peak RSS after the import (fresh process)", "MB", target=IMPORT_TARGET_MB),
    Metric("diff_s", "compare imported rows with the table", "s"),
    Metric("peak_mb", "peak RSS after import + export", "MB"),
]


def big_contract(rows: int):
    contract = sample_contract()
    table = next(a for a in contract.annexes if a.table is not None)
    table.table = [
        CostRow(f"设备{i:05d}（含安装调试）", f"型号 XG-{i % 97}，汤阴县“天眼”工程配套", "台", Decimal(i % 9 + 1),
                Decimal(f"{1000 + i % 500}.{i % 100:02d}"), "按验收合格后付款")
        for i in range(rows)
    ]
    return contract, table


def _workbook(folder: Path, quick: bool) -> Path:
    return folder / f"big-{QUICK_ROWS if quick else ROWS}.xlsx"


def prepare(folder: Path, quick: bool) -> None:
    """The workbook every run reads, written once."""
    contract, _table = big_contract(QUICK_ROWS if quick else ROWS)
    export_xlsx(contract, _workbook(folder, quick))


def measure(folder: Path, quick: bool) -> dict:
    """One run (the suite's protocol), in this fresh process: import first (its peak memory is its own), then
    export the same table and diff the two."""
    rows = QUICK_ROWS if quick else ROWS
    source = _workbook(folder, quick)
    if not source.exists():
        prepare(folder, quick)
    start, cpu = time.perf_counter(), time.process_time()
    imported = read_cost_table(source, "3", "费用明细表")
    import_s, import_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    import_peak = peak_rss_mb()
    contract, table = big_contract(rows)
    out = folder / f"big-{os.getpid()}.xlsx"
    start = time.perf_counter()
    export_xlsx(contract, out)
    export_s = time.perf_counter() - start
    start = time.perf_counter()
    diff = diff_cost_rows(table.table, imported.rows)
    diff_s = time.perf_counter() - start
    size_mb = out.stat().st_size / 1e6
    out.unlink()
    if not diff.is_empty:
        raise RuntimeError("the imported table differs from the exported one")
    return {"export_s": export_s, "import_s": import_s, "import_cpu_s": import_cpu_s, "import_peak_mb": import_peak,
            "diff_s": diff_s, "peak_mb": peak_rss_mb(), "rows": rows, "file_mb": round(size_mb, 2)}


def main(argv: list[str]) -> int:
    rows = int(argv[0]) if argv else 20_000
    contract, table = big_contract(rows)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "big.xlsx"
        start = time.perf_counter()
        export_xlsx(contract, out)
        export_s = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        imported = read_cost_table(out, table.no, table.title)
        import_s, import_cpu_s = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        diff = diff_cost_rows(table.table, imported.rows)
        diff_s = time.perf_counter() - start
        size = out.stat().st_size
    print(f"rows={rows} export={export_s:.2f}s (target < {TARGET_SECONDS:.0f}s) size={size / 1e6:.1f}MB "
          f"import={import_s:.2f}s (cpu {import_cpu_s:.2f}s, target < {IMPORT_TARGET_SECONDS:.0f}s) diff={diff_s:.2f}s "
          f"changes={'none' if diff.is_empty else 'SOME'} peak={peak_rss_mb():.0f}MB")
    return 0 if export_s < TARGET_SECONDS and import_s < IMPORT_TARGET_SECONDS and diff.is_empty else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
