"""The benchmark runner: statistics, ratios, targets and bench/results.json, on a tiny bench with known figures.

The tiny bench lives in a temporary module; each run reads a counter file, so the runner's median/min/max and
per-run ratios can be checked against values computed here. Fast (a few small subprocesses, no Qt).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.common import Metric, figure, percentile, summary

ROOT = Path(__file__).resolve().parent.parent

TINY = textwrap.dedent(
    """
    from pathlib import Path
    from bench.common import Metric

    TITLE = "tiny"
    METRICS = [
        Metric("ours_ms", "ours", "ms", target=2.5),
        Metric("theirs_ms", "theirs", "ms"),
        Metric("ours_ms", "ours vs theirs", "ms", target=5.0, vs="theirs_ms", speedup=True),
        Metric("slow_ms", "slow", "ms", target=1.0),
    ]
    OURS = [3.0, 1.0, 2.0, 4.0]
    THEIRS = [30.0, 20.0, 4.0, 40.0]

    def prepare(folder: Path, quick: bool) -> None:
        (folder / "count").write_text("0")

    def measure(folder: Path, quick: bool) -> dict:
        k = int((folder / "count").read_text())
        (folder / "count").write_text(str(k + 1))
        return {"ours_ms": OURS[k], "theirs_ms": THEIRS[k], "slow_ms": 9.0, "rows": 7, "quick": quick}
    """
)


def run_bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "tinybench.py").write_text(TINY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_runner_writes_median_min_max_ratio_and_verdicts(tmp_path):
    out = tmp_path / "results.json"
    proc = run_bench(tmp_path, "--only", "tinybench", "--runs", "4", "--quick", "--out", str(out))
    assert proc.returncode == 1, proc.stderr  # "slow" misses its target
    entry = json.loads(out.read_text(encoding="utf-8"))["benches"]["tinybench"]
    assert entry["runs"] == 4 and entry["quick"] is True and entry["errors"] == []
    assert entry["info"] == {"rows": 7, "quick": True}
    ours, theirs, versus, slow = entry["figures"]
    assert (ours["median"], ours["min"], ours["max"], ours["unit"]) == (2.5, 1.0, 4.0, "ms")
    assert ours["ok"] is True and ours["ratio"] is None
    assert theirs["median"] == 25.0 and theirs["ok"] is None
    # per-run speedups 10, 20, 2, 10 → median 10, min 2, max 20 (not 25 / 2.5 from the medians)
    assert versus["ratio"]["median"] == 10.0 and versus["ratio"]["min"] == 2.0 and versus["ratio"]["max"] == 20.0
    assert versus["ok"] is True and versus["target"] == "≥ 5×"
    assert slow["ok"] is False
    assert "MISSED" in proc.stdout and "10.00×" in proc.stdout


def test_results_of_other_benches_are_kept(tmp_path):
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"benches": {"earlier": {"title": "kept", "figures": []}}}), encoding="utf-8")
    proc = run_bench(tmp_path, "--only", "tinybench", "--runs", "1", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    benches = json.loads(out.read_text(encoding="utf-8"))["benches"]
    assert set(benches) == {"earlier", "tinybench"} and benches["earlier"]["title"] == "kept"
    assert benches["tinybench"]["figures"][0]["median"] == 3.0


def test_a_failing_bench_is_reported_not_raised(tmp_path):
    out = tmp_path / "results.json"
    proc = run_bench(tmp_path, "--only", "no_such_bench_module", "--out", str(out))
    entry = json.loads(out.read_text(encoding="utf-8"))["benches"]["no_such_bench_module"]
    assert proc.returncode == 0 and entry["skipped"].startswith("cannot load")
    assert "skipped: cannot load" in proc.stdout


def test_statistics():
    assert summary([5.0, 1.0, 3.0, 2.0]) == {"median": 2.5, "min": 1.0, "max": 5.0}
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0
    slower = Metric("app", "app", "ms", target=1.5, vs="floor")
    fig = figure(slower, [{"app": 150.0, "floor": 100.0}, {"app": 120.0, "floor": 100.0}, {"app": 300.0}])
    assert fig is not None and fig["runs"] == 3 and fig["median"] == 150.0
    assert fig["ratio"]["median"] == pytest.approx(1.35) and fig["ok"] is True
    assert figure(slower, [{"floor": 1.0}]) is None


def test_the_pdf_benches_child_exports_the_sample_and_reports_its_figures(tmp_path):
    """bench/pdf_child.py is what the PDF benches time against LibreOffice: it must export the real packet."""
    out = tmp_path / "packet.pdf"
    env = {**os.environ, "CONTRACTDESK_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "bench.pdf_child", "sample", str(out), "0"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["pages"] == 11 and out.read_bytes().startswith(b"%PDF")
    assert 0 < figures["second"] and 0 < figures["first"] and figures["rss_mb"] > 10
