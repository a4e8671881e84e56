"""Operations on the payments made against a contract's instalments: record one (part payments allowed) and
remove one recorded by mistake (with a reason, kept in the audit trail).

A payment is recorded once the contract is signed by both parties, dated on or after the signing and not after
today; app.rules.payments_made checks the rest (amount, instalment, voucher, what the instalment still has unpaid).
Payments are records about the contract: its version does not advance.
"""

from __future__ import annotations

from datetime import date

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Contract, Status
from app.domain.workflow import read_only_error
from app.ops.changes import Done, Part
from app.ops.unit import contract_unit
from app.rules.payments_made import PaymentMade, StoredPayment, check_payment
from app.store import lifecycle as store
from app.store.contracts import load_in
from app.store.db import Database


def payment_refusal(contract: Contract) -> UserError | None:
    """Why `contract` takes no payment at all (archived, or not signed by both parties yet), or None. The window asks
    before it offers the payment dialog, so that the clerk is not told only after filling it in."""
    if contract.status is Status.ARCHIVED:
        return read_only_error(contract.number, Status.ARCHIVED)
    if contract.events.effective is None:
        return UserError(_("the contract is not signed by both parties yet; payments are recorded after signing"),
                         "date")
    return None


def record_payment(db: Database, number: str, payment: PaymentMade, *, today: date | None = None,
                   user: str | None = None) -> Done[StoredPayment]:
    """Record a payment made; the value is the payment as stored (with its id)."""
    today = today or date.today()
    with contract_unit(db, number, user=user) as u:
        contract, _version = load_in(u.s, number, rows=False)
        refusal = payment_refusal(contract)
        if refusal is not None:
            raise refusal
        signed = contract.events.effective
        assert signed is not None  # payment_refusal said so
        if payment.paid_on < signed:
            raise UserError(_("{date} is before the contract was signed ({signed})").format(
                date=payment.paid_on.isoformat(), signed=signed.isoformat()), "date")
        made = [p.payment for p in store.payments_in(u.s, u.row.id)]
        checked = check_payment(payment, contract.payments, made, today)
        stored = store.add_payment_in(u.s, u.row.id, checked, u.user)
        u.audit("payment made", None, stored.as_json())
        u.parts.add(Part.PAYMENTS_MADE)
        return Done(u.result(), stored)


def remove_payment(db: Database, number: str, payment_id: int, *, reason: str,
                   user: str | None = None) -> Done[StoredPayment]:
    """Remove a payment recorded by mistake; the reason is kept in the audit trail with what was removed."""
    if not reason.strip():
        raise UserError(_("removing a payment needs a reason"), "reason")
    with contract_unit(db, number, user=user) as u:
        if Status(u.row.status) is Status.ARCHIVED:
            raise read_only_error(number, Status.ARCHIVED)
        stored = store.remove_payment_in(u.s, u.row.id, payment_id)
        u.audit("payment removed", stored.as_json(), {"reason": reason.strip()})
        u.parts.add(Part.PAYMENTS_MADE)
        return Done(u.result(), stored)
