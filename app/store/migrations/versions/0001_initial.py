"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-25 06:25:30.863237
"""

from alembic import op
import sqlalchemy as sa
import app.store.schema


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('party_a_number', sa.String(length=100), nullable=False),
    sa.Column('party_b_number', sa.String(length=100), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('project', sa.Text(), nullable=False),
    sa.Column('drafted', sa.String(length=7), nullable=False),
    sa.Column('jurisdiction', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', app.store.schema.DecimalText(2), nullable=False),
    sa.Column('tax_inclusive', sa.Boolean(), nullable=False),
    sa.Column('fixed_price', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('payee', sa.String(length=1), nullable=False),
    sa.Column('preamble', sa.Text(), nullable=False),
    sa.Column('delivery_days', sa.Integer(), nullable=True),
    sa.Column('maintenance_months', sa.Integer(), nullable=True),
    sa.Column('acceptance_request_days', sa.Integer(), nullable=True),
    sa.Column('acceptance_working_days', sa.Integer(), nullable=True),
    sa.Column('reminder_working_days', sa.Integer(), nullable=True),
    sa.Column('change_notice_days', sa.Integer(), nullable=True),
    sa.Column('copies_total', sa.Integer(), nullable=False),
    sa.Column('copies_a', sa.Integer(), nullable=False),
    sa.Column('copies_b', sa.Integer(), nullable=False),
    sa.Column('signed_a', sa.Date(), nullable=True),
    sa.Column('signed_b', sa.Date(), nullable=True),
    sa.Column('acceptance_requested', sa.Date(), nullable=True),
    sa.Column('reminder_sent', sa.Date(), nullable=True),
    sa.Column('accepted', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('number', name=op.f('uq_contracts_number'))
    )
    op.create_table('holidays',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holidays'))
    )
    op.create_table('annexes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('no', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_annexes_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annexes')),
    sa.UniqueConstraint('contract_id', 'no', name=op.f('uq_annexes_contract_id'))
    )
    op.create_table('clauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('no', sa.String(length=50), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_clauses_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['clauses.id'], name=op.f('fk_clauses_parent_id_clauses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clauses'))
    )
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clauses_contract_id'), ['contract_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('payment', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_invoices_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_contract_id'), ['contract_id'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=1), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('representative', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('credit_code', sa.String(length=32), nullable=False),
    sa.Column('has_bank', sa.Boolean(), nullable=False),
    sa.Column('account_name', sa.Text(), nullable=False),
    sa.Column('bank_name', sa.Text(), nullable=False),
    sa.Column('account_no', sa.String(length=64), nullable=False),
    sa.Column('bank_address', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_parties_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('contract_id', 'role', name=op.f('uq_parties_contract_id'))
    )
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('amount', app.store.schema.DecimalText(2), nullable=True),
    sa.Column('due_after', sa.String(length=16), nullable=False),
    sa.Column('due_years', sa.Integer(), nullable=False),
    sa.Column('due_months', sa.Integer(), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('invoice_days', sa.Integer(), nullable=True),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_payments_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_contract_id'), ['contract_id'], unique=False)

    op.create_table('signings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=1), nullable=False),
    sa.Column('seal_caption', sa.Text(), nullable=False),
    sa.Column('signatory', sa.Text(), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('seal_image', sa.LargeBinary(), nullable=True),
    sa.Column('signature_image', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_signings_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signings')),
    sa.UniqueConstraint('contract_id', 'role', name=op.f('uq_signings_contract_id'))
    )
    op.create_table('annex_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annex_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item', sa.Text(), nullable=False),
    sa.Column('spec', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('quantity', app.store.schema.DecimalText(4), nullable=False),
    sa.Column('unit_price', app.store.schema.DecimalText(2), nullable=False),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['annex_id'], ['annexes.id'], name=op.f('fk_annex_rows_annex_id_annexes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annex_rows'))
    )
    with op.batch_alter_table('annex_rows', schema=None) as batch_op:
        batch_op.create_index('ix_annex_rows_annex_position', ['annex_id', 'position'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('annex_rows', schema=None) as batch_op:
        batch_op.drop_index('ix_annex_rows_annex_position')

    op.drop_table('annex_rows')
    op.drop_table('signings')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_contract_id'))

    op.drop_table('payments')
    op.drop_table('parties')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_contract_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clauses_contract_id'))

    op.drop_table('clauses')
    op.drop_table('annexes')
    op.drop_table('holidays')
    op.drop_table('contracts')
