"""Across all contracts: the standings the ledger and the reminders are built from, the reminders panel's list,
and the ledger written as a workbook and a PDF, over 1,000 generated contracts with steps and payments recorded.

Run: `python -m bench.bench_ledger [N]`. Targets (issue 20): every contract's standing (steps, schedule with
payments settled) under 3 s, so the reminders panel fills soon after the window opens (it is computed off the
GUI thread); the ledger workbook and PDF under 10 s together.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench.common import Metric, ms_since, now

TITLE = "Contract ledger and reminders over 1,000 contracts"
CONTRACTS, QUICK_CONTRACTS = 1000, 100
TODAY = date(2026, 5, 20)
METRICS = [
    Metric("standings_ms", "every contract's standing (steps, schedule, payments)", "ms", target=3000.0),
    Metric("reminders_ms", "the reminders panel's list", "ms", target=3000.0),
    Metric("ledger_ms", "the ledger workbook and PDF", "ms", target=10000.0),
]


def prepare(folder: Path, quick: bool) -> None:
    """Generated contracts (bench_list), one draft in five walked to filed with two payments made."""
    from app.codecs.office_settings import Approver
    from app.domain import Events, Status
    from app.ops.lifecycle import record_step
    from app.ops.payments import record_payment
    from app.rules.lifecycle.steps import CheckResult, Conclusion, Event, EventKind
    from app.rules.payments_made import PaymentMade
    from app.store import contracts
    from app.store.db import open_database
    from bench.bench_list import generate_contracts

    db = open_database(folder / "ledger.db")
    try:
        generate_contracts(db, QUICK_CONTRACTS if quick else CONTRACTS)
        numbers = [s.number for s in contracts.list_contracts(db, status=Status.DRAFT)][::5]
        for n in numbers:
            c = contracts.load(db, n, rows=False)
            c.events = Events(signed_a=date(2026, 2, 12), signed_b=date(2026, 2, 12))
            contracts.save(db, c, replace=True)
            for ev in (Event(EventKind.COUNTERPARTY_CHECKED, date(2025, 9, 24), result=CheckResult.PASSED),
                       Event(EventKind.REVIEW_SENT, date(2025, 9, 26), office="司法局"),
                       Event(EventKind.OPINION_RECEIVED, date(2025, 10, 13), conclusion=Conclusion.AGREED),
                       Event(EventKind.APPROVED, date(2025, 10, 14), approver=Approver.EXECUTIVE_MEETING),
                       Event(EventKind.REGISTERED, date(2025, 10, 14), reference=f"登{n}"),
                       Event(EventKind.SEALED, date(2026, 2, 11), copies=4, requested_by="李四", approved_by="张主任"),
                       Event(EventKind.FILED, date(2026, 2, 25), office="司法局")):
                record_step(db, n, ev, today=TODAY)
            if c.payments and c.payments[0].amount:
                part = (c.payments[0].amount / 2).quantize(Decimal("0.01"))
                record_payment(db, n, PaymentMade(1, date(2026, 3, 3), part, f"记-{n}-1"), today=TODAY)
                record_payment(db, n, PaymentMade(1, date(2026, 3, 10), c.payments[0].amount - part, f"记-{n}-2"),
                               today=TODAY)
    finally:
        db.close()


def measure(folder: Path, quick: bool) -> dict[str, float]:
    from app.ops.archive import export_ledger
    from app.ops.standings import all_standings
    from app.store.db import open_database
    from ui.reminders_panel import compute_reminders

    db = open_database(folder / "ledger.db")
    try:
        start = now()
        standings = all_standings(db, TODAY)
        standings_ms = ms_since(start)
        start = now()
        listed = compute_reminders(db, TODAY, "bench")
        reminders_ms = ms_since(start)
        with tempfile.TemporaryDirectory() as out:
            start = now()
            export_ledger(db, xlsx=Path(out) / "ledger.xlsx", pdf=Path(out) / "ledger.pdf", today=TODAY)
            ledger_ms = ms_since(start)
    finally:
        db.close()
    return {"standings_ms": standings_ms, "reminders_ms": reminders_ms, "ledger_ms": ledger_ms,
            "contracts": len(standings), "reminders": len(listed)}


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        prepare(folder, quick=bool(argv and argv[0] == "--quick"))
        result = measure(folder, quick=False)
    for metric in METRICS:
        value = result[metric.key]
        print(f"{metric.label}: {value:,.0f} ms (target < {metric.target:,.0f} ms)")
    print(f"{result['contracts']} contracts, {result['reminders']} reminders")
    return 0 if all(result[m.key] < (m.target or float("inf")) for m in METRICS) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
