"""cost tables with sections, unit-price-only rows, discounts and VAT

Revision ID: 0006_cost_table_sections
Revises: 0005_revision_tables
Create Date: 2026-12-06 09:00:00

Each cost row gets a kind (item or section), a level and a printed number, its own discount and VAT rates and,
on a section read from a workbook, the subtotal the workbook stated; its quantity may be NULL (a row priced by
unit only, 按实结算). Each annex gets the table's own discount and VAT rates and what its total is (fixed,
ceiling, estimate). Rows stored before this revision read as top-level items of a table with a fixed total and
no rates, as they were shown before.

The column type is a frozen copy of the schema's exact-decimal type as it was when this revision was written.
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.types import TypeDecorator

revision = '0006_cost_table_sections'
down_revision = '0005_revision_tables'
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


def upgrade() -> None:
    with op.batch_alter_table("annex_rows") as batch:
        batch.alter_column("quantity", existing_type=DecimalText(4), nullable=True)
    with op.batch_alter_table("annex_rows") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=8), nullable=False, server_default="item"))
        batch.add_column(sa.Column("level", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("no", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("discount", DecimalText(4), nullable=True))
        batch.add_column(sa.Column("vat_rate", DecimalText(4), nullable=True))
        batch.add_column(sa.Column("stated", DecimalText(2), nullable=True))
    with op.batch_alter_table("annexes") as batch:
        batch.add_column(sa.Column("discount", DecimalText(4), nullable=True))
        batch.add_column(sa.Column("vat_rate", DecimalText(4), nullable=True))
        batch.add_column(sa.Column("total_kind", sa.String(length=8), nullable=False, server_default="fixed"))


def downgrade() -> None:
    # A row priced by unit only has no quantity to go back to: it becomes quantity 0, which adds nothing.
    op.execute("UPDATE annex_rows SET quantity = '0' WHERE quantity IS NULL")
    with op.batch_alter_table("annexes") as batch:
        batch.drop_column("total_kind")
        batch.drop_column("vat_rate")
        batch.drop_column("discount")
    with op.batch_alter_table("annex_rows") as batch:
        batch.drop_column("stated")
        batch.drop_column("vat_rate")
        batch.drop_column("discount")
        batch.drop_column("no")
        batch.drop_column("level")
        batch.drop_column("kind")
    with op.batch_alter_table("annex_rows") as batch:
        batch.alter_column("quantity", existing_type=DecimalText(4), nullable=False)
