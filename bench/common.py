"""What every benchmark shares: clocks, statistics, peak memory, and the figures the runner reports.

A bench module (bench/bench_*.py) tells the runner what it measures with `METRICS` and measures one run
with `measure(folder, quick) -> dict` in a fresh process; `prepare(folder, quick)` (optional) builds the
data once, `unavailable() -> str | None` (optional) says why the bench cannot run here. Comparisons are
measured side by side in the same run, so a ratio is computed per run and summarised like any figure:
the machines are noisy and absolute times alone mean little.
"""

from __future__ import annotations

import math
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


def now() -> float:
    """A monotonic clock in seconds, the one every bench uses."""
    return time.perf_counter()


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as t: ...` then `t[0]` is the elapsed time in seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Call `fn` and return (its result, seconds it took)."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def children_peak_rss_mb() -> float:
    """Largest peak resident memory among the waited-for child processes of this process."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) with linear interpolation between the closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, minimum and maximum: what every reported figure carries."""
    if not values:
        raise ValueError("no values")
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summary_text(values: Sequence[float], digits: int = 3) -> str:
    s = summary(values)
    return f"median {s['median']:.{digits}f}  min {s['min']:.{digits}f}  max {s['max']:.{digits}f}"


@dataclass(frozen=True)
class Metric:
    """One reported figure. `key` names the value in a run's measurements.

    With `vs` (the key of a reference measured in the same run) the figure also carries the per-run ratio,
    value / reference, or reference / value ("times faster") when `speedup` is set; `target` then applies
    to that ratio: at most `target` for a plain ratio, at least `target` for a speedup. Without `vs` the
    target is an upper bound on the value itself.
    """

    key: str
    label: str
    unit: str
    target: float | None = None
    vs: str | None = None
    speedup: bool = False

    def ratio(self, run: dict[str, Any]) -> float | None:
        if self.vs is None:
            return None
        value, reference = run.get(self.key), run.get(self.vs)
        if not _number(value) or not _number(reference) or not value or not reference:
            return None
        return reference / value if self.speedup else value / reference

    def meets(self, figure: float) -> bool:
        assert self.target is not None
        if self.vs is not None and self.speedup:
            return figure >= self.target
        return figure <= self.target

    def target_text(self) -> str:
        if self.target is None:
            return ""
        if self.vs is None:
            return f"< {self.target:g} {self.unit}"
        return f"≥ {self.target:g}×" if self.speedup else f"≤ {self.target:g}×"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def figure(metric: Metric, runs: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Summarise one metric over the runs that measured it; None when no run did."""
    values = [run[metric.key] for run in runs if _number(run.get(metric.key))]
    if not values:
        return None
    out: dict[str, Any] = {"key": metric.key, "label": metric.label, "unit": metric.unit, "runs": len(values)}
    out.update({k: round(v, 6) for k, v in summary(values).items()})
    ratios = [r for r in (metric.ratio(run) for run in runs) if r is not None]
    out["ratio"] = None
    if metric.vs is not None and ratios:
        out["ratio"] = {
            "of": f"{metric.vs} / {metric.key}" if metric.speedup else f"{metric.key} / {metric.vs}",
            **{k: round(v, 4) for k, v in summary(ratios).items()},
        }
    out["target"] = metric.target_text() or None
    out["ok"] = None
    if metric.target is not None:
        judged = out["ratio"]["median"] if metric.vs is not None and out["ratio"] else None
        if metric.vs is None:
            judged = out["median"]
        out["ok"] = None if judged is None else metric.meets(judged)
    return out
