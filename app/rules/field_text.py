"""A field and its value as a clerk reads them (in a review, an amendment, the history), not as JSON."""

from __future__ import annotations

import re
from typing import Any

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import Status, party_name
from app.domain.comment import TARGET_LABELS
from app.rules.fields import Kind, spec_for, where_label
from app.values.money import AmountError, format_amount, parse_amount


def show(value: Any) -> str:
    if value is None or value == "":
        return _("(blank)")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


#: Paths of a contract's document that are not one editable field: lists and groups a diff can show whole.
_GROUP_NAMES = {
    "number": N_("Registry number"),
    "payments": N_("Instalments"),
    "events.invoices": N_("Invoices"),
}
_INVOICE_FIELDS = {"date": N_("Date"), "payment": N_("Instalment"), "note": N_("Note")}
#: What a payment's due rule counts from, as the form's choice reads (app.domain.DueAfter values).
DUE_AFTER_LABELS = {"acceptance": N_("acceptance"), "effective": N_("effective date")}


def field_name(path: str) -> str:
    """A changed field as the clerk reads it ("交付（天）"), not its JSON path."""
    if path == "status":
        return _("Status")
    if path in _GROUP_NAMES:
        return _(_GROUP_NAMES[path])
    clause = re.fullmatch(r"clause\[(.+)\]\.(?:text|title)", path)  # an amendment's change to a clause
    if clause:
        return _("Clause {no}").format(no=clause.group(1))
    bank = re.fullmatch(r"parties\.([ab])\.bank", path)
    if bank:
        return party_name(bank.group(1)) + " · " + _("Bank account")
    invoice = re.fullmatch(r"events\.invoices\[(\d+)\](?:\.(\w+))?", path)
    if invoice:
        n, part = int(invoice.group(1)) + 1, invoice.group(2)
        if part in _INVOICE_FIELDS:
            return _("Invoice {n}: {field}").format(n=n, field=_(_INVOICE_FIELDS[part]))
        return _("Invoice {n}").format(n=n)
    instalment = re.fullmatch(r"payments\[(\d+)\]", path)
    if instalment:
        return _("Instalment {n}").format(n=int(instalment.group(1)) + 1)
    return where_label(path)


def field_value(path: str, value: Any) -> str:
    """A field's value as the clerk reads it: a state by its label, an amount with separators, what a payment
    counts from and who the payee is in words, an image as "image", an empty list as "(none)"."""
    if path == "status" and value in {s.value for s in Status}:
        return Status(value).label
    if value == [] or value == {}:
        return _("(none)")
    try:
        kind = spec_for(path).kind
    except UserError:
        kind = None
    if kind in (Kind.AMOUNT, Kind.OPTIONAL_AMOUNT) and isinstance(value, str | int):
        try:
            return format_amount(parse_amount(str(value)))
        except AmountError:
            pass
    if kind is Kind.DUE_AFTER and value in DUE_AFTER_LABELS:
        return _(DUE_AFTER_LABELS[value])
    if kind is Kind.PAYEE and value in ("a", "b"):
        return party_name(value)
    if kind is Kind.IMAGE and value:
        return _("image")
    return show(value)


def describe_target(kind: str, target: str) -> str:
    """A comment's target as a reader sees it: "Clause 4.1", "Total", "Annex 3 · row 2", "contract"."""
    if kind == "field":
        return where_label(target)
    if kind == "clause":
        return _("Clause {no}").format(no=target)
    if kind == "row" and "#" in target:  # "3#2": annex 3's cost-table row 2
        return where_label(f"annex:{target}")
    return f"{_(TARGET_LABELS.get(kind, kind))} {target}".strip()
