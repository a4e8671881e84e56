"""The benchmark runner: `python -m bench [--runs N] [--only NAME ...] [--quick] [--out FILE]`.

Each bench prepares its data once, then measures N runs, each in a fresh process (so start-up, caches and peak
memory are that run's own). Every figure is the median of the runs with min and max; comparisons are measured
in the same run and reported as ratios. Results go to bench/results.json (merged with the benches not run this
time) and a short table. Exit status: 0 all targets met, 1 a target missed, 2 a bench failed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.common import Metric, figure

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
MARK = "BENCH-RESULT "
CHILD_TIMEOUT_S = 3600

#: Name → module, in the order the suite runs them (issue 12, figures 1–6).
BENCHES = {
    "startup": "bench.bench_startup",
    "pdf": "bench.bench_libreoffice",
    "xlsx": "bench.bench_xlsx",
    "list": "bench.bench_list",
    "annex": "bench.bench_annex",
    "edit": "bench.bench_edit",
    "memory": "bench.bench_memory",
    "ledger": "bench.bench_ledger",
}


def _list_adapter(module: Any) -> Any:
    """bench_list offers `generate_contracts(db, n)` and `measure(db, queries)`; fit them to the runner."""
    from bench.common import percentile

    metrics = [
        Metric("p95_ms", "filter-as-you-type latency, 95th percentile", "ms", target=50.0),
        Metric("median_ms", "filter-as-you-type latency, median", "ms"),
        Metric("max_ms", "filter-as-you-type latency, slowest query", "ms"),
        Metric("count_p95_ms", "match count (when typing pauses), 95th percentile", "ms"),
    ]

    def size(quick: bool) -> int:
        return 500 if quick else 10_000

    def prepare(folder: Path, quick: bool) -> None:
        from app.ops.first_run import open_store

        db = open_store(folder / "list.db")
        try:
            module.generate_contracts(db, size(quick))
        finally:
            db.close()

    def measure(folder: Path, quick: bool) -> dict[str, Any]:
        from app.ops.first_run import open_store

        db = open_store(folder / "list.db")
        try:
            queries = module.typing_queries() if hasattr(module, "typing_queries") else _typed_queries()
            module.measure(db, queries[:5])  # the first query pays for SQLite's page cache, as at start-up
            latencies = module.measure(db, queries)
            counts = module.measure_counts(db, queries) if hasattr(module, "measure_counts") else None
        finally:
            db.close()
        result = {
            "p95_ms": percentile(latencies, 95),
            "median_ms": percentile(latencies, 50),
            "max_ms": max(latencies),
            "queries": len(latencies),
            "contracts": size(quick),
        }
        if counts:
            result["count_p95_ms"] = percentile(counts, 95)
        return result

    return SimpleNamespace(
        TITLE="Contract list: filter as you type over 10,000 contracts", METRICS=metrics, prepare=prepare,
        measure=measure, unavailable=getattr(module, "unavailable", None),
    )


def _typed_queries() -> list[str]:
    """What a clerk types, one keystroke at a time: a number, a title word, a party, a clause phrase."""
    words = ["CMHA-AY-2025", "天眼工程", "汤阴县公安局", "验收合格", "设备", "合同", "维护"]
    return [word[:n] for word in words for n in range(1, len(word) + 1)]


def load_bench(name: str) -> Any:
    """The bench module for a registered name or a dotted module path (any module following the protocol)."""
    module = importlib.import_module(BENCHES.get(name, name))
    if not hasattr(module, "METRICS") and hasattr(module, "generate_contracts"):
        return _list_adapter(module)
    return module


# --- child process ---------------------------------------------------------------------------------------


def child(name: str, folder: Path, quick: bool, prepare: bool) -> int:
    bench = load_bench(name)
    if prepare:
        if hasattr(bench, "prepare"):
            bench.prepare(folder, quick)
        result: dict[str, Any] = {}
    else:
        result = bench.measure(folder, quick)
    sys.stdout.flush()
    print(MARK + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


# --- parent ----------------------------------------------------------------------------------------------


def _child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["CONTRACTDESK_HOME"] = str(folder / "home")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _run_child(name: str, folder: Path, quick: bool, prepare: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench", "--child", name, "--folder", str(folder)]
    cmd += ["--quick"] if quick else []
    cmd += ["--prepare"] if prepare else []
    proc = subprocess.run(
        cmd, cwd=ROOT, env=_child_env(folder), capture_output=True, text=True, encoding="utf-8",
        errors="replace", timeout=CHILD_TIMEOUT_S,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-6:]
        raise RuntimeError(f"exit {proc.returncode}: " + " | ".join(tail))
    return json.loads(lines[-1][len(MARK):])


def run_bench(name: str, runs: int | None, quick: bool) -> dict[str, Any]:
    """Prepare once, measure `runs` times, summarise; never raises for a failing bench (it is reported)."""
    started = time.time()
    entry: dict[str, Any] = {
        "title": "", "started": datetime.now(UTC).isoformat(timespec="seconds"), "quick": quick,
        "runs": 0, "seconds": 0.0, "figures": [], "info": {}, "skipped": None, "errors": [],
    }
    try:
        bench = load_bench(name)
    except Exception as exc:
        entry["skipped"] = f"cannot load: {exc}"
        return entry
    entry["title"] = getattr(bench, "TITLE", name)
    why_not = bench.unavailable() if getattr(bench, "unavailable", None) else None
    if why_not:
        entry["skipped"] = why_not
        return entry
    count = runs or (3 if quick else getattr(bench, "DEFAULT_RUNS", 5))
    measured: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        folder = Path(tmp)
        try:
            _run_child(name, folder, quick, prepare=True)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            entry["errors"].append(f"prepare: {exc}")
            entry["seconds"] = round(time.time() - started, 1)
            return entry
        for k in range(count):
            try:
                measured.append(_run_child(name, folder, quick, prepare=False))
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                entry["errors"].append(f"run {k + 1}: {exc}")
    keys = {m.key for m in bench.METRICS} | {m.vs for m in bench.METRICS if m.vs}
    entry["runs"] = len(measured)
    entry["figures"] = [f for f in (figure(m, measured) for m in bench.METRICS) if f is not None]
    for run in measured:
        for key, value in run.items():
            if key not in keys:
                entry["info"].setdefault(key, value)
    entry["seconds"] = round(time.time() - started, 1)
    return entry


def _fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def table(results: dict[str, Any], names: list[str]) -> str:
    """The short table: one line per figure, ratios and targets beside the times."""
    head = f"{'figure':52s} {'median':>9s} {'min':>9s} {'max':>9s} unit  {'ratio':>7s} {'target':>10s}  ok"
    lines = [head, "-" * len(head)]
    for name in names:
        entry = results["benches"][name]
        lines.append(f"[{name}] {entry['title']}  ({entry['runs']} runs{', quick' if entry['quick'] else ''})")
        if entry["skipped"]:
            lines.append(f"  skipped: {entry['skipped']}")
        for f in entry["figures"]:
            ratio = f"{f['ratio']['median']:.2f}×" if f["ratio"] else ""
            ok = {True: "ok", False: "MISSED", None: ""}[f["ok"]]
            lines.append(
                f"  {f['label'][:50]:50s} {_fmt(f['median']):>9s} {_fmt(f['min']):>9s} {_fmt(f['max']):>9s} "
                f"{f['unit']:4s}  {ratio:>7s} {f['target'] or '':>10s}  {ok}"
            )
        if entry.get("info"):
            lines.append("  info: " + ", ".join(f"{k}={v}" for k, v in entry["info"].items())[:400])
        for error in entry["errors"]:
            lines.append(f"  error: {error[:300]}")
    return "\n".join(lines)


def _machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load] if load else None,
    }


def write_results(out: Path, fresh: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Merge this run's benches into `out` (benches not run this time keep their last figures)."""
    results: dict[str, Any] = {"benches": {}}
    if out.exists():
        try:
            old = json.loads(out.read_text(encoding="utf-8"))
            if isinstance(old, dict) and isinstance(old.get("benches"), dict):
                results = old
        except (OSError, ValueError):
            pass
    results["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["machine"] = _machine()
    results["benches"].update(fresh)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="runs per bench (default 5; 3 with --quick)")
    parser.add_argument("--only", action="append", metavar="NAME", help=f"run only this bench: {', '.join(BENCHES)}")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the suite works")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default bench/results.json)")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.folder, args.quick, args.prepare)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    names = args.only or list(BENCHES)
    fresh: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        fresh[name] = run_bench(name, args.runs, args.quick)
        results = write_results(args.out, fresh)
    print(table(results, names))
    print(f"\nwritten to {args.out}")
    entries = list(fresh.values())
    if any(e["errors"] for e in entries):
        return 2
    if any(f["ok"] is False for e in entries for f in e["figures"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
