"""PDF packet export speed: the sample packet, and a packet whose cost table has 5,000 rows (about 150 pages).

Run: `python -m bench.bench_pdf [RUNS]`. Each run is a fresh process, so the peak RSS is that export's own;
"cold" is the first export in a process (fonts parsed), "warm" a second one. Targets from issue 4: sample
under 1 s, 5,000 rows under 5 s and 300 MB. Prints median/min/max and exits 1 when a median misses its target.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.common import peak_rss_mb, summary_text

TARGETS = {"sample": (1.0, None), "rows5000": (5.0, 300)}


def contract_for(case: str, rows: int | None = 5000):
    """The sample, or ("rows5000") the sample whose cost table has `rows` rows."""
    from app.codecs.sample import sample_contract
    from app.domain import CostRow

    contract = sample_contract()
    if case == "rows5000" and rows:
        contract.annexes[2].table = [
            CostRow(f"摄像机{i}", "红外枪型 400万像素", "台", Decimal(i % 9 + 1), Decimal("1234.50"), "")
            for i in range(1, rows + 1)
        ]
    return contract


def one(case: str) -> None:
    """Child process: export twice, print timings and peak RSS as JSON."""
    from app.codecs.pdf import export_pdf

    contract = contract_for(case)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "packet.pdf"
        times = []
        for _ in range(2):
            start = time.perf_counter()
            export_pdf(contract, out)
            times.append(time.perf_counter() - start)
        pages = out.read_bytes().count(b"/Type /Page\n")
    print(json.dumps({"cold": times[0], "warm": times[1], "rss_mb": peak_rss_mb(), "pages": pages}))


def main(runs: int) -> int:
    failed = False
    for case, (seconds, megabytes) in TARGETS.items():
        results = []
        for _ in range(runs):
            proc = subprocess.run(
                [sys.executable, "-m", "bench.bench_pdf", "--one", case], capture_output=True, text=True, check=True
            )
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        cold = [r["cold"] for r in results]
        warm = [r["warm"] for r in results]
        rss = [r["rss_mb"] for r in results]
        print(f"{case} ({results[0]['pages']} pages, {runs} runs)")
        print(f"  cold s : {summary_text(cold)}   target < {seconds} s")
        print(f"  warm s : {summary_text(warm)}")
        print(f"  peak MB: {summary_text(rss)}" + (f"   target < {megabytes} MB" if megabytes else ""))
        if statistics.median(cold) >= seconds or (megabytes and statistics.median(rss) >= megabytes):
            failed = True
            print("  MISSED TARGET")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(sys.argv[2])
    else:
        sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
