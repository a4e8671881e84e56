"""the office's steps around a contract: office settings, contract records, step events, payments made,
attachments and dismissed reminders

Revision ID: 0007_lifecycle
Revises: 0006_cost_table_sections
Create Date: 2026-12-20 09:00:00

Six new tables; nothing existing changes. A contract past draft gets the step events its approval state and
its state history prove (app.rules.lifecycle.upgrade.upgrade_events), marked as made by the upgrade: what the state
proves is done on the day the contract entered that state, what it cannot prove (the counterparty check,
registration) is skipped as not recorded, what was still to do (a signed contract's filing) stays to do.
Downgrading drops the tables; the approval states, kept in step with the events all along, stay as they are.

The column types are frozen copies of the schema's types as they were when this revision was written.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op
from sqlalchemy.types import TypeDecorator

revision = '0007_lifecycle'
down_revision = '0006_cost_table_sections'
branch_labels = None
depends_on = None


class DecimalText(TypeDecorator):
    """Exact Decimal: TEXT on SQLite, NUMERIC(precision, scale) elsewhere (frozen copy)."""

    impl = sa.String(40)
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(40))
        return dialect.type_descriptor(sa.Numeric(20, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) if not isinstance(value, Decimal) else value


def _keys(table: str, primary: tuple[str, ...] = ("id",), contract: bool = True) -> list[sa.Constraint]:
    """The table's primary key and its contract's foreign key, named as the schema's naming convention names them."""
    keys: list[sa.Constraint] = [sa.PrimaryKeyConstraint(*primary, name=op.f(f"pk_{table}"))]
    if contract:
        keys.append(sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                            name=op.f(f"fk_{table}_contract_id_contracts"), ondelete="CASCADE"))
    return keys


def upgrade() -> None:
    op.create_table(
        "office_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        *_keys("office_settings", contract=False),
    )
    op.create_table(
        "contract_records",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("procurement_method", sa.String(32), nullable=True),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        *_keys("contract_records", ("contract_id",)),
    )
    events = op.create_table(
        "lifecycle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("step", sa.String(24), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("office", sa.Text(), nullable=False),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("conclusion", sa.String(24), nullable=True),
        sa.Column("approver", sa.String(24), nullable=True),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        *_keys("lifecycle_events"),
        sa.UniqueConstraint("contract_id", "seq", name=op.f("uq_lifecycle_events_contract_id")),
    )
    op.create_table(
        "payments_made",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("instalment", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", DecimalText(2), nullable=False),
        sa.Column("voucher", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        *_keys("payments_made"),
    )
    op.create_index(op.f("ix_payments_made_contract_id"), "payments_made", ["contract_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
        *_keys("attachments"),
        sa.UniqueConstraint("contract_id", "sha256", name=op.f("uq_attachments_contract_id")),
    )
    op.create_table(
        "reminder_dismissals",
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("dismissed_at", sa.String(32), nullable=False),
        *_keys("reminder_dismissals", ("user", "key"), contract=False),
    )
    _upgrade_states(events)


def _upgrade_states(events: sa.Table) -> None:
    """The step events each contract's approval state and history prove (see the module's docstring)."""
    from app.rules.lifecycle.upgrade import upgrade_events

    conn = op.get_bind()
    contracts = sa.table("contracts", sa.column("id", sa.Integer()), sa.column("status", sa.String(16)),
                         sa.column("signed_a", sa.Date()), sa.column("signed_b", sa.Date()))
    changes = sa.table("state_changes", sa.column("id", sa.Integer()), sa.column("contract_id", sa.Integer()),
                       sa.column("to_state", sa.String(16)), sa.column("user", sa.String(100)),
                       sa.column("at", sa.String(32)))
    now = datetime.now(UTC)
    today = now.astimezone().date()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rows = []
    for contract in conn.execute(sa.select(contracts).where(contracts.c.status != "draft")).mappings():
        history = [SimpleNamespace(to_state=r.to_state, user=r.user or "", at=r.at) for r in conn.execute(
            sa.select(changes).where(changes.c.contract_id == contract["id"]).order_by(changes.c.id))]
        a, b = contract["signed_a"], contract["signed_b"]
        signed: date | None = max(a, b) if a is not None and b is not None else None
        for seq, ev in enumerate(upgrade_events(contract["status"], history, signed_on=signed, upgraded_on=today),
                                 start=1):
            rows.append({
                "contract_id": contract["id"], "seq": seq, "kind": ev.kind.value,
                "step": ev.step.value if ev.step else None, "on_date": ev.on, "office": ev.office, "result": None,
                "conclusion": None, "approver": None, "approved_by": ev.approved_by, "requested_by": "",
                "copies": None, "reference": "", "note": "", "origin": "upgrade", "recorded_by": "",
                "recorded_at": stamp,
            })
    if rows:
        op.bulk_insert(events, rows)


def downgrade() -> None:
    op.drop_table("reminder_dismissals")
    op.drop_table("attachments")
    op.drop_index(op.f("ix_payments_made_contract_id"), table_name="payments_made")
    op.drop_table("payments_made")
    op.drop_table("lifecycle_events")
    op.drop_table("contract_records")
    op.drop_table("office_settings")
