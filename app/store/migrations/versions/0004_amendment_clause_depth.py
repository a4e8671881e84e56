"""amendment clauses keep their nesting: a depth per clause (0 = top level)

Revision ID: 0004_amendment_clause_depth
Revises: 0003_contract_search
Create Date: 2026-11-29 09:20:00

Amendment clauses are stored flat in document order; with their depth the tree (第一条 → 1.1 → 1.1.1) is
rebuilt on load. Rows stored before this revision read as top-level clauses, as they were shown before.
"""

import sqlalchemy as sa
from alembic import op


revision = '0004_amendment_clause_depth'
down_revision = '0003_contract_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("amendment_clauses") as batch:
        batch.add_column(sa.Column("depth", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("amendment_clauses") as batch:
        batch.drop_column("depth")
