"""The child process of the PDF benches: one packet exported twice, timed, and nothing else imported.

`python -m bench.pdf_child CASE OUT [ROWS]` prints {"first", "second", "rss_mb", "pages"} as JSON. The process is
what `soffice --convert-to pdf` is compared with, so it imports only what an export needs: the bench's own
helpers (statistics, subprocess, the Word writer) stay in the parent and are not charged to our figure.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path


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


def export_twice(case: str, out: Path, rows: int | None) -> dict[str, float]:
    from app.codecs.pdf import export_pdf

    contract = contract_for(case, rows)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        export_pdf(contract, out)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "first": times[0],
        "second": times[1],
        "rss_mb": peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024,
        "pages": out.read_bytes().count(b"/Type /Page\n"),
    }


if __name__ == "__main__":
    from app.base import collector

    collector.starting()  # as app.startup.main starts every command
    rows_arg = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    print(json.dumps(export_twice(sys.argv[1], Path(sys.argv[2]), rows_arg)), flush=True)
    from app.startup import leave_objects_to_the_os

    leave_objects_to_the_os()  # the process ends as the contractdesk command ends (app.startup.main)
