"""A field and its value as a clerk reads them (in a review, an amendment, the history), not as JSON."""

from __future__ import annotations

import re
from typing import Any

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Status
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


def field_name(path: str) -> str:
    """A changed field as the clerk reads it ("交付（天）"), not its JSON path."""
    if path == "status":
        return _("Status")
    clause = re.fullmatch(r"clause\[(.+)\]\.(?:text|title)", path)  # an amendment's change to a clause
    return _("Clause {no}").format(no=clause.group(1)) if clause else where_label(path)


def field_value(path: str, value: Any) -> str:
    """A field's value as the clerk reads it: a state by its label, an amount with separators."""
    if path == "status" and value in {s.value for s in Status}:
        return Status(value).label
    try:
        kind = spec_for(path).kind
    except UserError:
        kind = None
    if kind in (Kind.AMOUNT, Kind.OPTIONAL_AMOUNT) and isinstance(value, str | int):
        try:
            return format_amount(parse_amount(str(value)))
        except AmountError:
            pass
    return show(value)


def describe_target(kind: str, target: str) -> str:
    """A comment's target as a reader sees it: "Clause 4.1", "Total", "cost-table row 3#2", "contract"."""
    if kind == "field":
        return where_label(target)
    if kind == "clause":
        return _("Clause {no}").format(no=target)
    return f"{_(TARGET_LABELS.get(kind, kind))} {target}".strip()
