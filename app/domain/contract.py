"""The contract packet as plain data: what the sample contract holds, nothing lost.

These dataclasses are the currency of the core: the store loads and saves them, the JSON codec
reads and writes them, checks, schedule, PDF and Excel export take them. They know nothing of
SQL or Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.base.i18n import N_, _
from app.domain.cost_table import CostRow


class Status(StrEnum):
    """Life cycle of a contract; a signed contract changes only through an amendment."""

    DRAFT = N_("draft")
    REVIEW = N_("review")
    APPROVED = N_("approved")
    SIGNED = N_("signed")
    ARCHIVED = N_("archived")

    @property
    def label(self) -> str:
        """The state as the user reads it, in the current language."""
        return _(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.DRAFT: N_("draft"),
    Status.REVIEW: N_("under review"),
    Status.APPROVED: N_("approved"),
    Status.SIGNED: N_("signed"),
    Status.ARCHIVED: N_("archived"),
}

#: The states in which a contract changes only through an amendment (补充协议): its editors are read-only.
READ_ONLY = frozenset({Status.SIGNED, Status.ARCHIVED})


class DueAfter(StrEnum):
    """The event a payment's due rule counts from."""

    EFFECTIVE = "effective"
    ACCEPTANCE = "acceptance"


PARTY_ROLES = ("a", "b")
PARTY_NAMES = {"a": N_("Party A"), "b": N_("Party B")}


def party_name(role: str) -> str:
    """"Party A" / "Party B" in the current language, for role "a" / "b"."""
    return _(PARTY_NAMES[role])

#: Event names as the CLI, JSON and schedule spell them.
EVENT_NAMES = ("signed_a", "signed_b", "acceptance_requested", "reminder_sent", "accepted")


@dataclass
class BankAccount:
    """The payee's account, as clause 1.4 of the sample lists it."""

    account_name: str = ""
    bank_name: str = ""
    account_no: str = ""
    address: str = ""
    phone: str = ""


@dataclass
class Party:
    """甲方 or 乙方: name, legal representative (法定代表人/负责人), address, credit code, bank."""

    name: str = ""
    representative: str = ""
    address: str = ""
    credit_code: str = ""
    bank: BankAccount | None = None


@dataclass
class Due:
    """When an instalment falls due: `after` an event plus years/months/days, then, where the
    contract says so, within `invoice_days` of the invoice that follows (出具发票后三十日内)."""

    after: DueAfter = DueAfter.ACCEPTANCE
    years: int = 0
    months: int = 0
    days: int = 0
    invoice_days: int | None = None


@dataclass
class Payment:
    """One instalment; `wording` keeps the contract's own words for the rule."""

    amount: Decimal | None = None
    due: Due = field(default_factory=Due)
    wording: str = ""


@dataclass
class Copies:
    """一式肆份, 甲方贰份, 乙方贰份."""

    total: int = 0
    a: int = 0
    b: int = 0


@dataclass
class Terms:
    """The contract's periods; None where the contract does not set one."""

    delivery_days: int | None = None
    maintenance_months: int | None = None
    acceptance_request_days: int | None = None
    acceptance_working_days: int | None = None
    reminder_working_days: int | None = None
    change_notice_days: int | None = None
    copies: Copies = field(default_factory=Copies)


@dataclass
class Invoice:
    """An invoice issued by the payee; `payment` is the 1-based instalment it is for, if known."""

    date: date
    payment: int | None = None
    note: str = ""


@dataclass
class Events:
    """Dates that drive the schedule; all optional."""

    signed_a: date | None = None
    signed_b: date | None = None
    acceptance_requested: date | None = None
    reminder_sent: date | None = None
    accepted: date | None = None
    invoices: list[Invoice] = field(default_factory=list)

    @property
    def effective(self) -> date | None:
        """Clause 10.2: effective on the later of the two signing dates, once both have signed."""
        if self.signed_a is None or self.signed_b is None:
            return None
        return max(self.signed_a, self.signed_b)


@dataclass
class Clause:
    """A numbered clause; `no` is the number as printed (第五条, 5.4, 5.4.1), `text` a template."""

    no: str = ""
    title: str = ""
    text: str = ""
    clauses: list[Clause] = field(default_factory=list)

    def walk(self, depth: int = 0):
        """Yield (depth, clause) for this clause and everything below it, in document order."""
        yield depth, self
        for child in self.clauses:
            yield from child.walk(depth + 1)


#: Cost-table columns in their fixed order; one place for the list (model, export, import). The columns a
#: flat table always had; sections, numbers and rates are `COST_STRUCTURE_COLUMNS`.
COST_COLUMNS = ("item", "spec", "unit", "quantity", "unit_price", "remark")
#: The further row fields of `CostRow` (app.domain.cost_table), in their order after COST_COLUMNS.
COST_STRUCTURE_COLUMNS = ("kind", "level", "no", "discount", "vat_rate", "stated")
#: English msgids of the cost-table column titles (the computed amount included), translated where shown.
COST_COLUMN_LABELS: dict[str, str] = {
    "item": N_("Item"),
    "spec": N_("Specification"),
    "unit": N_("Unit"),
    "quantity": N_("Quantity"),
    "unit_price": N_("Unit price"),
    "amount": N_("Amount"),
    "remark": N_("Remark"),
    "kind": N_("Row kind"),
    "level": N_("Level"),
    "no": N_("No."),
    "discount": N_("Discount rate"),
    "vat_rate": N_("VAT rate"),
    "stated": N_("Stated subtotal"),
}


class AnnexKind(StrEnum):
    TEXT = "text"
    TABLE = "table"


@dataclass
class Annex:
    """附件 N as the contract cites it: a text annex (text and/or an attached PDF) or a table annex."""

    no: str = ""
    title: str = ""
    text: str | None = None
    #: The cost table: a `CostTable` when loaded or read (a plain list of rows is a table without options).
    table: list[CostRow] | None = None
    pdf: bytes | None = None

    @property
    def kind(self) -> AnnexKind:
        return AnnexKind.TABLE if self.table is not None else AnnexKind.TEXT


@dataclass
class Signing:
    """One party's block on the signing page; images come only from the user (PNG)."""

    seal_caption: str = ""
    signatory: str = ""
    date: date | None = None
    seal_image: bytes | None = None
    signature_image: bytes | None = None


@dataclass
class Contract:
    """A contract packet: the contract, its annexes and its signing page."""

    number: str = ""
    party_a_number: str = ""
    party_b_number: str = ""
    title: str = ""
    project: str = ""
    drafted: str = ""  # "YYYY-MM"
    jurisdiction: str = ""
    currency: str = "CNY"
    total: Decimal = Decimal("0.00")
    tax_inclusive: bool = True
    fixed_price: bool = False
    status: Status = Status.DRAFT
    payee: str = "b"
    party_a: Party = field(default_factory=Party)
    party_b: Party = field(default_factory=Party)
    preamble: str = ""
    payments: list[Payment] = field(default_factory=list)
    terms: Terms = field(default_factory=Terms)
    events: Events = field(default_factory=Events)
    clauses: list[Clause] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    signing_a: Signing = field(default_factory=Signing)
    signing_b: Signing = field(default_factory=Signing)

    def party(self, role: str) -> Party:
        return self.party_a if role == "a" else self.party_b

    def signing(self, role: str) -> Signing:
        return self.signing_a if role == "a" else self.signing_b

    def all_clauses(self):
        """Yield (depth, clause) over the whole clause tree in document order."""
        for clause in self.clauses:
            yield from clause.walk()

    def annex(self, no: str) -> Annex | None:
        return next((a for a in self.annexes if a.no == no), None)
