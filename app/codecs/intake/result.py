"""What intake recognised: the contract, and for every field where it came from and how sure the reading is.

The confirmation dialog (a later pass) shows `SourceDoc.text` beside the fields: each `FieldRecord` carries the
span of the source it was read from, its `Confidence`, and a note saying why it was guessed or what is missing.
Nothing here is stored; `--apply` (or the dialog's Accept) stores `IntakeResult.contract`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from app.base.i18n import N_, _
from app.codecs.intake.document import SourceDoc, Span
from app.codecs.intake.tables import RecognisedTable, TableLine
from app.domain import Contract


class Confidence(StrEnum):
    """FOUND: read from a labelled place; GUESSED: inferred (context, another field, a rule): check it;
    MISSING: the text does not hold it, the contract keeps a default or a blank."""

    FOUND = "found"
    GUESSED = "guessed"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return _(CONFIDENCE_LABELS[self])


CONFIDENCE_LABELS = {Confidence.FOUND: N_("found"), Confidence.GUESSED: N_("guessed"),
                     Confidence.MISSING: N_("not in the text")}


@dataclass
class FieldRecord:
    """One field of the contract as recognised. `path` is the field path `contractdesk check` uses
    (``parties.b.credit_code``, ``payments[0].amount``, ``clause:1.1``); `value` the value as shown."""

    path: str
    value: str
    confidence: Confidence
    span: Span | None = None
    note: str = ""


@dataclass
class Mention:
    """A place in the text that states a field's value; where the text says exactly what the field renders to
    with `expr` (a clause-template expression), the clause keeps a fill-in bound to the field there."""

    path: str
    span: Span
    expr: str | None = None
    value: object = None


@dataclass
class FillIn:
    """A 【】 fill-in of the source: its content (blank when only spaces) and where it stands."""

    content: str
    span: Span

    @property
    def blank(self) -> bool:
        return not self.content.strip()


@dataclass
class AmountPair:
    """An amount in figures and, where the text gives it, the same amount in uppercase (大写)."""

    figure: Decimal | None
    figure_span: Span | None
    upper: str = ""
    upper_span: Span | None = None
    label: str = ""


@dataclass
class InstalmentFact:
    """An instalment as the text states it: an amount, a percentage of the total, or both."""

    index: int
    amount: Decimal | None
    amount_span: Span | None
    percent: Decimal | None
    percent_span: Span | None
    wording: str
    #: For 支付至…97%: the percentage as stated (where the payments reach); `percent` is then this instalment's share.
    reached: Decimal | None = None


@dataclass
class CopiesFact:
    total: int | None = None
    total_span: Span | None = None
    holders: list[tuple[str, int, Span]] = field(default_factory=list)  # (who, copies, where)


@dataclass
class PeriodFact:
    """A term stated more than once (delivery days in 1.6 and in 2.1): every statement, to compare."""

    path: str
    values: list[tuple[int, str, Span]]  # (count, unit, where)


@dataclass
class DateFact:
    text: str
    span: Span
    year: int
    month: int
    day: int


@dataclass
class RangeFact:
    """"自2025年1月1日至2025年12月31日" with, where the same sentence says it, the duration ("一年")."""

    start: DateFact
    end: DateFact
    duration: tuple[int, str] | None
    span: Span


@dataclass
class Facts:
    """Every number the arithmetic review compares, with where it stands."""

    totals: list[tuple[Decimal, Span, str]] = field(default_factory=list)  # (value, where, what the text calls it)
    pairs: list[AmountPair] = field(default_factory=list)
    instalments: list[InstalmentFact] = field(default_factory=list)
    copies: CopiesFact = field(default_factory=CopiesFact)
    periods: list[PeriodFact] = field(default_factory=list)
    dates: list[DateFact] = field(default_factory=list)
    ranges: list[RangeFact] = field(default_factory=list)
    signing_dates: dict[str, DateFact] = field(default_factory=dict)
    credit_codes: list[tuple[str, str, Span]] = field(default_factory=list)  # (path, code, where)
    #: A particular stated twice with different values: (path, first value, where, second value, where).
    conflicts: list[tuple[str, str, Span, str, Span]] = field(default_factory=list)


@dataclass
class Unplaced:
    """Text the contract has no place for (a line of the signing page that is not a seal, signature or date)."""

    text: str
    span: Span


@dataclass
class IntakeResult:
    contract: Contract
    document: SourceDoc
    fields: list[FieldRecord] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    fillins: list[FillIn] = field(default_factory=list)
    tables: list[RecognisedTable] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    unplaced: list[Unplaced] = field(default_factory=list)
    #: Values the text states that the contract model has no field for yet (采购方式, 联系人, …): (label, value, where).
    extras: list[tuple[str, str, Span]] = field(default_factory=list)
    #: Where each clause stands (its heading to its last line), in the order of `contract.all_clauses()`.
    clause_spans: list[Span | None] = field(default_factory=list)
    #: For each cost-table annex (by its number): the line of the text each of its rows came from.
    table_sources: dict[str, list[TableLine]] = field(default_factory=dict)

    def field(self, path: str) -> FieldRecord | None:
        return next((f for f in self.fields if f.path == path), None)

    @property
    def guessed(self) -> list[FieldRecord]:
        return [f for f in self.fields if f.confidence is Confidence.GUESSED]

    @property
    def missing(self) -> list[FieldRecord]:
        return [f for f in self.fields if f.confidence is Confidence.MISSING]

    def ensure_number(self, digest: str) -> None:
        """A text without a contract number gets one made from the file's digest (INTAKE- and its first twelve hex
        digits), listed as guessed, so the contract can be stored and the clerk sees what to correct."""
        if self.contract.number.strip():
            return
        self.contract.number = f"INTAKE-{digest[:12].upper()}"
        self.fields = [f for f in self.fields if f.path != "number"]
        self.fields.insert(0, FieldRecord("number", self.contract.number, Confidence.GUESSED, None,
                                          _("the text gives no contract number; one was made from the file's digest")))
