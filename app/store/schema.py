"""Tables of the contract store (SQLAlchemy 2 ORM). Alembic migrations under migrations/ create them.

Money and quantities are stored as exact decimal text on SQLite (its NUMERIC would go through a
float) and as NUMERIC on PostgreSQL; either way Python sees Decimal.

The annotations are evaluated as Python reads the classes (no `from __future__ import annotations`): SQLAlchemy then
takes each `Mapped[…]` as it is, where a string it cleans up and evaluates (≈5 ms of every start, before the window
is ready for editing). Only the relationships name a class defined further down, in quotes; `dt.date` because a
column named `date` would stand for the type in the lines after it.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class DecimalText(TypeDecorator):
    """Exact Decimal: TEXT on SQLite, NUMERIC(precision, scale) elsewhere."""

    impl = String(40)
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(20, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) if not isinstance(value, Decimal) else value


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ContractRow(Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    party_a_number: Mapped[str] = mapped_column(String(100), default="")
    party_b_number: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    project: Mapped[str] = mapped_column(Text, default="")
    drafted: Mapped[str] = mapped_column(String(7), default="")
    jurisdiction: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    total: Mapped[Decimal] = mapped_column(DecimalText(2))
    tax_inclusive: Mapped[bool] = mapped_column(Boolean, default=True)
    fixed_price: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    payee: Mapped[str] = mapped_column(String(1), default="b")
    preamble: Mapped[str] = mapped_column(Text, default="")
    delivery_days: Mapped[int | None] = mapped_column(Integer)
    maintenance_months: Mapped[int | None] = mapped_column(Integer)
    acceptance_request_days: Mapped[int | None] = mapped_column(Integer)
    acceptance_working_days: Mapped[int | None] = mapped_column(Integer)
    reminder_working_days: Mapped[int | None] = mapped_column(Integer)
    change_notice_days: Mapped[int | None] = mapped_column(Integer)
    copies_total: Mapped[int] = mapped_column(Integer, default=0)
    copies_a: Mapped[int] = mapped_column(Integer, default=0)
    copies_b: Mapped[int] = mapped_column(Integer, default=0)
    signed_a: Mapped[dt.date | None] = mapped_column(Date)
    signed_b: Mapped[dt.date | None] = mapped_column(Date)
    acceptance_requested: Mapped[dt.date | None] = mapped_column(Date)
    reminder_sent: Mapped[dt.date | None] = mapped_column(Date)
    accepted: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    parties: Mapped[list["PartyRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    payments: Mapped[list["PaymentRow"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PaymentRow.position"
    )
    invoices: Mapped[list["InvoiceRow"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="InvoiceRow.position"
    )
    clauses: Mapped[list["ClauseRow"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ClauseRow.position"
    )
    annexes: Mapped[list["AnnexRow"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AnnexRow.position"
    )
    signings: Mapped[list["SigningRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as declared


class PartyRow(Base):
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("contract_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(Text, default="")
    representative: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    credit_code: Mapped[str] = mapped_column(String(32), default="")
    has_bank: Mapped[bool] = mapped_column(Boolean, default=False)
    account_name: Mapped[str] = mapped_column(Text, default="")
    bank_name: Mapped[str] = mapped_column(Text, default="")
    account_no: Mapped[str] = mapped_column(String(64), default="")
    bank_address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(64), default="")


class PaymentRow(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(DecimalText(2))
    due_after: Mapped[str] = mapped_column(String(16))
    due_years: Mapped[int] = mapped_column(Integer, default=0)
    due_months: Mapped[int] = mapped_column(Integer, default=0)
    due_days: Mapped[int] = mapped_column(Integer, default=0)
    invoice_days: Mapped[int | None] = mapped_column(Integer)
    wording: Mapped[str] = mapped_column(Text, default="")


class InvoiceRow(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    payment: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class ClauseRow(Base):
    __tablename__ = "clauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    no: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")


class AnnexRow(Base):
    __tablename__ = "annexes"
    __table_args__ = (UniqueConstraint("contract_id", "no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    no: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Digest of the cost-table rows as a revision keeps them; cleared by any change of the rows.
    rows_digest: Mapped[str | None] = mapped_column(String(64))
    # A cost table's own options (app.domain.cost_table.CostTable); unused by text annexes.
    discount: Mapped[Decimal | None] = mapped_column(DecimalText(4))
    vat_rate: Mapped[Decimal | None] = mapped_column(DecimalText(4))
    total_kind: Mapped[str] = mapped_column(String(8), default="fixed", server_default="fixed")


class CostRowRow(Base):
    """A cost-table row; `position` orders the rows as stored (view sorting never changes it). `kind`, `level`
    and `no` shape sections; a NULL quantity is a row priced by unit only (按实结算)."""

    __tablename__ = "annex_rows"
    __table_args__ = (Index("ix_annex_rows_annex_position", "annex_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annex_id: Mapped[int] = mapped_column(ForeignKey("annexes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(Text, default="")
    spec: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(32), default="")
    quantity: Mapped[Decimal | None] = mapped_column(DecimalText(4))
    unit_price: Mapped[Decimal] = mapped_column(DecimalText(2))
    remark: Mapped[str] = mapped_column(Text, default="")
    # Defaults on the server only: a flat table's rows are inserted without these columns at all.
    kind: Mapped[str] = mapped_column(String(8), server_default="item")
    level: Mapped[int] = mapped_column(Integer, server_default="0")
    no: Mapped[str] = mapped_column(String(20), server_default="")
    discount: Mapped[Decimal | None] = mapped_column(DecimalText(4))
    vat_rate: Mapped[Decimal | None] = mapped_column(DecimalText(4))
    stated: Mapped[Decimal | None] = mapped_column(DecimalText(2))


class SigningRow(Base):
    __tablename__ = "signings"
    __table_args__ = (UniqueConstraint("contract_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(1))
    seal_caption: Mapped[str] = mapped_column(Text, default="")
    signatory: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[dt.date | None] = mapped_column(Date)
    seal_image: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature_image: Mapped[bytes | None] = mapped_column(LargeBinary)


class HolidayRow(Base):
    """The editable holiday calendar: public holidays and make-up working days (调休上班)."""

    __tablename__ = "holidays"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "holiday" | "workday"
    name: Mapped[str] = mapped_column(Text, default="")


# ------------------------------------------------------------------ review (issue 8)


class RevisionRow(Base):
    """A stored version of a contract as compressed canonical JSON; `name` set = marked as reviewed."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("contract_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    #: Why it was kept (app.store.revisions.Reason); None for revisions kept before reasons were recorded.
    reason: Mapped[str | None] = mapped_column(String(32))
    #: The contract's last audit entry when it was kept: later entries say what changed since.
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class RevisionTableRow(Base):
    """Cost-table rows cited by revisions, stored once per content (compressed JSON, keyed by its SHA-256)."""

    __tablename__ = "revision_tables"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_count: Mapped[int] = mapped_column(Integer)
    rows: Mapped[bytes] = mapped_column(LargeBinary)


class CommentRow(Base):
    """A review comment on a field, clause or cost-table row; `uid` keeps it unique across machines."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))  # "contract" | "field" | "clause" | "row"
    target: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    resolved_at: Mapped[str | None] = mapped_column(String(32))
    resolved_by: Mapped[str | None] = mapped_column(String(100))


class StateChangeRow(Base):
    """One step of the approval workflow (draft → under review → approved → signed → archived)."""

    __tablename__ = "state_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    user: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")


class AuditRow(Base):
    """Append-only, hash-chained change log. Keyed by contract number (not id) so it outlives deletion."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_contract_seq", "contract", "seq"),
        UniqueConstraint("contract", "prev_hash", name="uq_audit_log_contract_prev_hash"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(100), default="")
    contract: Mapped[str] = mapped_column(String(100))
    what: Mapped[str] = mapped_column(Text)
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AmendmentRow(Base):
    """A supplementary agreement (补充协议) to a signed contract: field changes, own clauses and annexes."""

    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text, default="")
    signed: Mapped[dt.date | None] = mapped_column(Date)
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON object: field path → new value
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(100), default="")


class AmendmentClauseRow(Base):
    __tablename__ = "amendment_clauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    no: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    depth: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0 = top level; rows in document order


class AmendmentAnnexRow(Base):
    """An amendment's annex; a cost table is kept as JSON rows (amendment annexes are small)."""

    __tablename__ = "amendment_annexes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    no: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str | None] = mapped_column(Text)
    table: Mapped[str | None] = mapped_column(Text)


# ------------------------------------------------------------------ the office's steps around a contract (issue 20)


class OfficeSettingsRow(Base):
    """The office's rules (app.codecs.office_settings) as their canonical JSON file: one row, id 1."""

    __tablename__ = "office_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class ContractRecordRow(Base):
    """What the office records about a contract besides its text, for the ledger and the rules: its kind, how
    it was procured, whether the clerk marked it major, its term. No row: nothing recorded yet."""

    __tablename__ = "contract_records"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(16))
    procurement_method: Mapped[str | None] = mapped_column(String(32))
    major: Mapped[bool] = mapped_column(Boolean, default=False)
    term_start: Mapped[dt.date | None] = mapped_column(Date)
    term_end: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class LifecycleEventRow(Base):
    """One dated event of the contract's steps (app.rules.lifecycle.steps.Event), in the order recorded (`seq`).
    `origin`: "" recorded as a step; "upgrade" made when a database from before the steps was upgraded;
    "state" made by a change of the approval state (its details were not given)."""

    __tablename__ = "lifecycle_events"
    __table_args__ = (UniqueConstraint("contract_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    step: Mapped[str | None] = mapped_column(String(24))
    on_date: Mapped[dt.date] = mapped_column(Date)
    office: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str | None] = mapped_column(String(16))
    conclusion: Mapped[str | None] = mapped_column(String(24))
    approver: Mapped[str | None] = mapped_column(String(24))
    approved_by: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(Text, default="")
    copies: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16), default="")
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[str] = mapped_column(String(32))


class PaymentMadeRow(Base):
    """A payment made against an instalment (1-based, as the contract numbers them)."""

    __tablename__ = "payments_made"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    instalment: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(DecimalText(2))
    voucher: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[str] = mapped_column(String(32))


class AttachmentRow(Base):
    """A file kept with a contract (review opinion, approval sheet, scanned original …), with its digest. The
    same file (by SHA-256) is kept once per contract. `content` is read only when the file itself is wanted."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("contract_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[str] = mapped_column(String(32))


class ReminderDismissalRow(Base):
    """A reminder a user dismissed; `key` is the SHA-256 of the reminder's dismiss key (contract, item, date),
    so a reminder whose date moves comes back."""

    __tablename__ = "reminder_dismissals"

    user: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[str] = mapped_column(String(100), default="")
    dismissed_at: Mapped[str] = mapped_column(String(32))
