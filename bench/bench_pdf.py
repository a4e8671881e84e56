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
from pathlib import Path

from bench.common import summary_text

TARGETS = {"sample": (1.0, None), "rows5000": (5.0, 300)}


def main(runs: int) -> int:
    failed = False
    for case, (seconds, megabytes) in TARGETS.items():
        results = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                proc = subprocess.run([sys.executable, "-m", "bench.pdf_child", case, str(Path(folder) / "packet.pdf")],
                                      capture_output=True, text=True, check=True)
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        cold = [r["first"] for r in results]
        warm = [r["second"] for r in results]
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
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
