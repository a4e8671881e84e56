"""The contract ledger (合同台账): one row per contract with the columns offices keep, filters and yearly figures.

Rows are plain data built from what the other rules compute (the lifecycle, the payments made, the
schedule), so the workbook and the PDF print the same numbers and a test can check them without a database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.base.i18n import N_, _
from app.domain import Contract
from app.domain.kinds import ContractKind, ProcurementMethod
from app.rules.lifecycle.steps import Lifecycle, Stage, Step, StepState, stage_text
from app.rules.office import OfficeSettings
from app.rules.payments_made import ZERO, InstalmentPaid, totals
from app.values.money import format_amount


@dataclass(frozen=True)
class LedgerRow:
    """One contract in the ledger. `year` is the year it is counted in: the year it was signed, else the year
    it was drafted (a contract still in preparation belongs to the year it was started)."""

    number: str
    title: str
    counterparty: str
    kind: ContractKind | None
    procurement: ProcurementMethod | None
    amount: Decimal
    signed_on: date | None
    term_start: date | None
    term_end: date | None
    paid: Decimal
    unpaid: Decimal
    next_due: date | None
    next_due_what: str
    overdue: Decimal
    stage: Stage
    filed_on: date | None
    archived_on: date | None
    year: int | None
    approval_unrecorded: bool = False  # signed by its dates with no approval recorded (Lifecycle.approval_unrecorded)

    @property
    def stage_text(self) -> str:
        return stage_text(self.stage, self.approval_unrecorded)

    @property
    def kind_label(self) -> str:
        return self.kind.label if self.kind else ""

    @property
    def procurement_label(self) -> str:
        return self.procurement.label if self.procurement else ""

    @property
    def term_text(self) -> str:
        """2025-10-16 — 2026-10-15, or one end where only one is known."""
        if self.term_start is None and self.term_end is None:
            return ""
        start = self.term_start.isoformat() if self.term_start else ""
        end = self.term_end.isoformat() if self.term_end else ""
        return f"{start} — {end}".strip()

    @property
    def next_due_text(self) -> str:
        if self.next_due is None:
            return ""
        return f"{self.next_due.isoformat()} {self.next_due_what}".strip()


def _drafted_year(contract: Contract) -> int | None:
    head = contract.drafted[:4]
    return int(head) if head.isdigit() else None


def ledger_row(
    contract: Contract,
    settings: OfficeSettings,
    lifecycle: Lifecycle,
    instalments: Sequence[InstalmentPaid],
    *,
    kind: ContractKind | None = None,
    procurement: ProcurementMethod | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
) -> LedgerRow:
    """The contract's ledger row. The counterparty is the party that is not the office (settings.our_party)."""
    paid = totals(contract.total, instalments)
    signed = contract.events.effective
    filing = lifecycle.view(Step.FILING)
    archiving = lifecycle.view(Step.ARCHIVING)
    nxt = paid.next_due
    return LedgerRow(
        number=contract.number,
        title=contract.title,
        counterparty=contract.party(settings.counterparty_role()).name,
        kind=kind,
        procurement=procurement,
        amount=contract.total,
        signed_on=signed,
        term_start=term_start,
        term_end=term_end,
        paid=paid.paid,
        unpaid=paid.unpaid,
        next_due=nxt.due if nxt else None,
        next_due_what=_("instalment {n}: ¥{amount}").format(n=nxt.no, amount=format_amount(nxt.unpaid)) if nxt else "",
        overdue=paid.overdue,
        stage=lifecycle.stage,
        approval_unrecorded=lifecycle.approval_unrecorded,
        filed_on=filing.done_on if filing.state is StepState.DONE else None,
        archived_on=archiving.done_on if archiving.state is StepState.DONE else None,
        year=signed.year if signed else _drafted_year(contract),
    )


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


@dataclass(frozen=True)
class LedgerFilter:
    """Which rows a ledger shows: a year, a stage, and a counterparty (any part of its name, width and case
    folded, so "华安" and "ＨＡ" find what a clerk means)."""

    year: int | None = None
    stage: Stage | None = None
    counterparty: str = ""

    def accepts(self, row: LedgerRow) -> bool:
        if self.year is not None and row.year != self.year:
            return False
        if self.stage is not None and row.stage is not self.stage:
            return False
        return not self.counterparty.strip() or _folded(self.counterparty) in _folded(row.counterparty)

    def apply(self, rows: Iterable[LedgerRow]) -> list[LedgerRow]:
        """The accepted rows, by year, then signing date, then number (the order a ledger is kept in)."""
        kept = [r for r in rows if self.accepts(r)]
        return sorted(kept, key=lambda r: (r.year or 0, r.signed_on or date.max, r.number))

    def describe(self) -> str:
        """What the filter keeps, for the ledger's heading: "2025; signed; counterparty: 华安"."""
        parts = []
        if self.year is not None:
            parts.append(_("year {year}").format(year=self.year))
        if self.stage is not None:
            parts.append(self.stage.label)
        if self.counterparty.strip():
            parts.append(_("counterparty: {name}").format(name=self.counterparty.strip()))
        return _("; ").join(parts) if parts else _("all contracts")


NO_KIND = N_("kind not set")


@dataclass
class Tally:
    count: int = 0
    amount: Decimal = ZERO

    def add(self, row: LedgerRow) -> None:
        self.count += 1
        self.amount += row.amount


@dataclass
class YearStatistics:
    """Count and amount of the year's contracts by kind and by stage, in the enums' order."""

    year: int | None
    by_kind: dict[ContractKind | None, Tally] = field(default_factory=dict)
    by_stage: dict[Stage, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)


def statistics(rows: Iterable[LedgerRow]) -> list[YearStatistics]:
    """One YearStatistics per year present in `rows`, oldest first (contracts with no year last)."""
    years: dict[int | None, YearStatistics] = {}
    for row in rows:
        stats = years.setdefault(row.year, YearStatistics(row.year))
        stats.by_kind.setdefault(row.kind, Tally()).add(row)
        stats.by_stage.setdefault(row.stage, Tally()).add(row)
        stats.total.add(row)
    kind_order = [*ContractKind, None]
    for stats in years.values():
        stats.by_kind = {k: stats.by_kind[k] for k in kind_order if k in stats.by_kind}
        stats.by_stage = {s: stats.by_stage[s] for s in Stage if s in stats.by_stage}
    return [years[y] for y in sorted(years, key=lambda y: (y is None, y or 0))]


def kind_label(kind: ContractKind | None) -> str:
    return kind.label if kind else _(NO_KIND)
