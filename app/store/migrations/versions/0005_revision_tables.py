"""revisions at named moments: cost tables kept once by content digest, why each revision was kept

Revision ID: 0005_revision_tables
Revises: 0004_amendment_clause_depth
Create Date: 2026-12-06 09:00:00

Revisions were kept on every save, each with a full copy of every cost table. From this revision on a
revision is kept at the moments people name (a state change, "mark reviewed", an export, before an
amendment, "save a version", once per editing session), its cost-table rows are stored once per
content in `revision_tables` and cited by digest, `reason` says why it was kept and `audit_seq` where
it stands in the audit trail. `annexes.rows_digest` remembers the digest of a table's rows until they
change, so a revision of an unchanged 100,000-row table reads none of them. Older revisions keep
their full snapshots and stay readable as they are.
"""

import sqlalchemy as sa
from alembic import op


revision = '0005_revision_tables'
down_revision = '0004_amendment_clause_depth'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revision_tables",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("rows", sa.LargeBinary(), nullable=False),
    )
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("reason", sa.String(32), nullable=True))
        batch.add_column(sa.Column("audit_seq", sa.Integer(), nullable=True))
    with op.batch_alter_table("annexes") as batch:
        batch.add_column(sa.Column("rows_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("annexes") as batch:
        batch.drop_column("rows_digest")
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("audit_seq")
        batch.drop_column("reason")
    op.drop_table("revision_tables")
