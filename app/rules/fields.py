"""The editable fields of a contract: path → label, kind and parser, shared by the form and the CLI.

A path is the one `check` and the JSON errors use (``total``, ``parties.b.credit_code``,
``payments[1].amount``, ``signing.a.date``). `parse_value` turns what a user typed into the stored
value or raises UserError naming the field; `get_value` / `set_value` read and write a Contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import BankAccount, Contract, DueAfter, party_name
from app.domain.field_path import split_path
from app.rules.cost_cells import COLUMN_LABELS, cell_where
from app.values.credit_code import credit_code_problem
from app.values.dates import DateError, out_of_range, parse_date, parse_year_month
from app.values.digits import fold_width
from app.values.money import AmountError, amount_problem, format_amount, parse_amount
from app.values.numbering import cn_to_int
from app.values.text_checks import check_identifier, check_text


class Kind(StrEnum):
    TEXT = "text"  # one line, surrounding blanks dropped
    LONG_TEXT = "long_text"  # several lines, kept as typed
    CURRENCY = "currency"
    AMOUNT = "amount"
    OPTIONAL_AMOUNT = "optional_amount"
    COUNT = "count"  # a whole number ≥ 0, required
    OPTIONAL_COUNT = "optional_count"  # blank = the contract does not set it
    FLAG = "flag"
    DATE = "date"  # optional
    YEAR_MONTH = "year_month"
    CREDIT_CODE = "credit_code"
    ACCOUNT_NO = "account_no"  # a bank account number: digits, spaced or hyphenated as printed
    PAYEE = "payee"
    DUE_AFTER = "due_after"
    IMAGE = "image"


@dataclass(frozen=True)
class FieldSpec:
    pattern: str  # the path with list indices written as []
    label: str  # English msgid; show with label_of()
    kind: Kind


def _specs() -> dict[str, FieldSpec]:
    table: list[tuple[str, str, Kind]] = [
        ("party_a_number", N_("Party A contract number"), Kind.TEXT),
        ("party_b_number", N_("Party B contract number"), Kind.TEXT),
        ("title", N_("Title"), Kind.TEXT),
        ("project", N_("Project"), Kind.TEXT),
        ("drafted", N_("Drafted (year-month)"), Kind.YEAR_MONTH),
        ("jurisdiction", N_("Court of jurisdiction"), Kind.TEXT),
        ("currency", N_("Currency"), Kind.CURRENCY),
        ("total", N_("Total"), Kind.AMOUNT),
        ("tax_inclusive", N_("Tax inclusive"), Kind.FLAG),
        ("fixed_price", N_("Fixed price"), Kind.FLAG),
        ("payee", N_("Payee"), Kind.PAYEE),
        ("preamble", N_("Preamble"), Kind.LONG_TEXT),
        ("terms.delivery_days", N_("Delivery (days)"), Kind.OPTIONAL_COUNT),
        ("terms.maintenance_months", N_("Maintenance (months)"), Kind.OPTIONAL_COUNT),
        ("terms.acceptance_request_days", N_("Acceptance request (days)"), Kind.OPTIONAL_COUNT),
        ("terms.acceptance_working_days", N_("Acceptance (working days)"), Kind.OPTIONAL_COUNT),
        ("terms.reminder_working_days", N_("Reminder (working days)"), Kind.OPTIONAL_COUNT),
        ("terms.change_notice_days", N_("Change notice (days)"), Kind.OPTIONAL_COUNT),
        ("terms.copies.total", N_("Copies in total"), Kind.COUNT),
        ("terms.copies.a", N_("Copies for Party A"), Kind.COUNT),
        ("terms.copies.b", N_("Copies for Party B"), Kind.COUNT),
        ("events.signed_a", N_("Signed by Party A"), Kind.DATE),
        ("events.signed_b", N_("Signed by Party B"), Kind.DATE),
        ("events.acceptance_requested", N_("Acceptance requested"), Kind.DATE),
        ("events.reminder_sent", N_("Reminder sent"), Kind.DATE),
        ("events.accepted", N_("Accepted"), Kind.DATE),
        ("payments[].amount", N_("Amount"), Kind.OPTIONAL_AMOUNT),
        ("payments[].wording", N_("Wording"), Kind.LONG_TEXT),
        ("payments[].due.after", N_("Counted from"), Kind.DUE_AFTER),
        ("payments[].due.years", N_("Years"), Kind.COUNT),
        ("payments[].due.months", N_("Months"), Kind.COUNT),
        ("payments[].due.days", N_("Days"), Kind.COUNT),
        ("payments[].due.invoice_days", N_("Days after invoice"), Kind.OPTIONAL_COUNT),
    ]
    for role in ("a", "b"):
        table += [
            (f"parties.{role}.name", N_("Name"), Kind.TEXT),
            (f"parties.{role}.representative", N_("Legal representative"), Kind.TEXT),
            (f"parties.{role}.address", N_("Address"), Kind.TEXT),
            (f"parties.{role}.credit_code", N_("Unified social credit code"), Kind.CREDIT_CODE),
            (f"parties.{role}.bank.account_name", N_("Account name"), Kind.TEXT),
            (f"parties.{role}.bank.bank_name", N_("Bank"), Kind.TEXT),
            (f"parties.{role}.bank.account_no", N_("Account number"), Kind.ACCOUNT_NO),
            (f"parties.{role}.bank.address", N_("Bank address"), Kind.TEXT),
            (f"parties.{role}.bank.phone", N_("Phone"), Kind.TEXT),
            (f"signing.{role}.seal_caption", N_("Seal caption"), Kind.TEXT),
            (f"signing.{role}.signatory", N_("Signatory"), Kind.TEXT),
            (f"signing.{role}.date", N_("Signing date"), Kind.DATE),
            (f"signing.{role}.seal_image", N_("Seal image"), Kind.IMAGE),
            (f"signing.{role}.signature_image", N_("Signature image"), Kind.IMAGE),
        ]
    return {pattern: FieldSpec(pattern, label, kind) for pattern, label, kind in table}


FIELDS: dict[str, FieldSpec] = _specs()
#: Text fields that are numbers a clerk searches and compares by: invisible characters are refused there.
IDENTIFIER_FIELDS = frozenset({"party_a_number", "party_b_number"})
_INDEX = re.compile(r"\[(\d+)\]")
_NAME = re.compile(r"[a-z_]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_ACCOUNT_NO = re.compile(r"[0-9](?:[0-9 -]*[0-9])?")
#: The largest count a field takes (a hundred years of days): 99999999999 typed for 90 is refused, not stored.
MAX_COUNT = 36_500
_TRUE = {"1", "true", "yes", "y", "是", "含税", "on"}
_FALSE = {"0", "false", "no", "n", "否", "不含税", "off", ""}


def spec_for(path: str) -> FieldSpec:
    """The field at `path`; UserError for a path that is not an editable field."""
    spec = FIELDS.get(_INDEX.sub("[]", path))
    if spec is None:
        raise UserError(_("not an editable field"), path)
    return spec


def label_of(path: str) -> str:
    """The translated label, with the instalment number for payment fields ("Instalment 2: Amount")."""
    spec = spec_for(path)
    label = _(spec.label)
    m = _INDEX.search(path)
    if m and path.startswith("payments"):
        label = _("Instalment {n}: {field}").format(n=int(m.group(1)) + 1, field=label)
    elif path.startswith(("parties.", "signing.")):
        party = party_name(path.split(".")[1])
        label = f"{party} · {label}"
    return label


#: Places that are a part of the contract rather than one field (check findings name them).
#: A cost table's own options, named in a place as "annex:3#discount".
TABLE_OPTION_LABELS = {"discount": N_("Discount rate"), "vat_rate": N_("VAT rate")}
PLACE_LABELS = {"payments": N_("Instalments"), "clauses": N_("Clauses"), "terms.copies": N_("Copies"),
                "preamble": N_("Preamble")}


def where_label(where: str) -> str:
    """A place in the contract as a clerk reads it: the field's label, "Clause 4.1", "Annex 3"; unknown paths as given."""
    kind, _sep, name = where.partition(":")
    if kind == "clause" and name:
        return _("Clause {no}").format(no=name)
    if kind == "annex" and name:
        no, _hash, option = name.partition("#")  # "annex:3#vat_rate": a rate of annex 3's cost table
        place = _("Annex {no}").format(no=no)
        if option in TABLE_OPTION_LABELS:
            return _("{place} · {field}").format(place=place, field=_(TABLE_OPTION_LABELS[option]))
        row, _dot, column = option.partition(".")  # "annex:3#5.quantity": a cell of its cost table
        if row.isdigit() and column in COLUMN_LABELS:
            return _("{place} · {field}").format(place=place, field=cell_where(int(row), column))
        if row.isdigit() and not column:  # "annex:3#5": a row of it (a review comment's target)
            return _("{place} · {field}").format(place=place, field=_("row {row}").format(row=int(row)))
        return place
    if where in PLACE_LABELS:
        return _(PLACE_LABELS[where])
    try:
        return label_of(where)
    except UserError:
        return where


# ------------------------------------------------------------------ parsing what users type


def _count(text: str, path: str) -> int:
    raw = fold_width(text).strip()
    value = cn_to_int(raw) if raw else None  # 30 or 三十
    if value is None:
        if raw[:1] == "-" and cn_to_int(raw[1:].strip()) is not None:
            raise UserError(_("\"{value}\" is negative: a count is 0 or more").format(value=text), path)
        raise UserError(_("\"{value}\" is not a whole number").format(value=text), path)
    if value > MAX_COUNT:
        raise UserError(_("\"{value}\" is more than {max}").format(value=text, max=f"{MAX_COUNT:,}"), path)
    return value


def _currency(text: str, path: str) -> str:
    """An ISO 4217 code (CNY, USD …), as Babel's data knows them; RMB is refused with its code named."""
    code = fold_width(text).strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise UserError(_("\"{value}\" is not a three-letter currency code such as CNY").format(value=text), path)
    from babel.numbers import is_currency

    if not is_currency(code):
        raise UserError(_("\"{value}\" is not a currency code (人民币 is CNY)").format(value=text), path)
    return code


def _account_no(text: str, path: str) -> str:
    """A bank account number as printed: digits, with spaces or hyphens between them; full-width digits read."""
    number = fold_width(text).strip()
    if number and not _ACCOUNT_NO.fullmatch(number):
        raise UserError(_("\"{value}\" is not an account number (digits, spaces and hyphens)").format(value=text),
                        path)
    return number


def _plausible(day: date | None, path: str) -> date | None:
    """`day` unless its year is one no contract has (2205 typed for 2025), which is refused."""
    problem = None if day is None else out_of_range(day)
    if problem:
        raise UserError(problem, path)
    return day


def parse_day(text: str, where: str) -> date:
    """A date as a clerk types it (2025-05-22, 2025/5/22, 2025年5月22日), of a plausible year; UserError at `where`
    naming what was typed. A field's date and a dialog's date (ui.field_widgets.DateEdit) are read here."""
    try:
        day = _plausible(parse_date(text.strip()), where)
    except DateError as exc:
        raise UserError(_("\"{value}\" is not a date (write 2025-05-22 or 2025年5月22日)").format(value=text),
                        where) from exc
    assert day is not None
    return day


def parse_value(path: str, raw: Any) -> Any:
    """The stored value for what was typed (str) or given (typed value); UserError naming `path`."""
    kind = spec_for(path).kind
    if kind is Kind.IMAGE:
        return _image(raw, path)
    if kind is Kind.FLAG:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise UserError(_("\"{value}\" is not yes or no").format(value=raw), path)
    if kind in (Kind.AMOUNT, Kind.OPTIONAL_AMOUNT) and isinstance(raw, (Decimal, int)) and not isinstance(raw, bool):
        raw = str(raw)
    if kind is Kind.DATE and (raw is None or isinstance(raw, date)):
        return _plausible(raw, path)
    if kind in (Kind.COUNT, Kind.OPTIONAL_COUNT) and isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if raw is None:
        raw = ""
    if isinstance(raw, DueAfter):
        raw = raw.value
    if not isinstance(raw, str):
        raise UserError(_("unexpected value"), path)
    text = check_text(raw, path)
    if kind is Kind.LONG_TEXT:
        return text
    stripped = text.strip()
    if kind is Kind.TEXT:
        return check_identifier(stripped, path) if path in IDENTIFIER_FIELDS else stripped
    if kind is Kind.CURRENCY:
        return _currency(stripped, path)
    if kind is Kind.ACCOUNT_NO:
        return _account_no(stripped, path)
    if kind in (Kind.AMOUNT, Kind.OPTIONAL_AMOUNT):
        if not stripped:
            if kind is Kind.OPTIONAL_AMOUNT:
                return None
            raise UserError(_("an amount is required"), path)
        try:
            return parse_amount(stripped)
        except AmountError as exc:
            raise UserError(amount_problem(stripped, exc), path) from exc
    if kind is Kind.COUNT:
        return _count(stripped, path) if stripped else 0
    if kind is Kind.OPTIONAL_COUNT:
        return _count(stripped, path) if stripped else None
    if kind is Kind.DATE:
        return parse_day(text, path) if stripped else None
    if kind is Kind.YEAR_MONTH:
        if not stripped:
            return ""
        try:
            return parse_year_month(stripped)
        except DateError as exc:
            raise UserError(
                _("\"{value}\" is not a year and month (write 2025-05 or 2025年5月)").format(value=text), path
            ) from exc
    if kind is Kind.CREDIT_CODE:
        code = fold_width(stripped).upper()
        if code:
            problem = credit_code_problem(code)
            if problem:
                raise UserError(_(problem), path)  # the field's name is said once, by the place
        return code
    if kind is Kind.PAYEE:
        word = stripped.lower()
        if word in ("a", "甲", "甲方"):
            return "a"
        if word in ("b", "乙", "乙方"):
            return "b"
        raise UserError(_("\"{value}\" is not Party A or Party B").format(value=text), path)
    if kind is Kind.DUE_AFTER:
        try:
            return DueAfter(stripped.lower())
        except ValueError as exc:
            raise UserError(_("\"{value}\" is not effective or acceptance").format(value=text), path) from exc
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


def _image(raw: Any, path: str) -> bytes | None:
    if raw is None or raw == b"":
        return None
    if not isinstance(raw, bytes):
        raise UserError(_("unexpected value"), path)
    from app.values.images import open_image

    open_image(raw, path)  # raises UserError for an unreadable or oversized image
    return raw


def format_value(path: str, value: Any) -> str:
    """How a stored value is shown in an editor (the inverse of parse_value for text kinds)."""
    kind = spec_for(path).kind
    if value is None:
        return ""
    if kind in (Kind.AMOUNT, Kind.OPTIONAL_AMOUNT):
        return format_amount(value)
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.DUE_AFTER:
        return DueAfter(value).value
    if kind is Kind.IMAGE:
        return ""
    return str(value)


# ------------------------------------------------------------------ reading and writing a Contract


def _steps(path: str) -> list[tuple[str, int | None]]:
    # parties.a / signing.a are the dataclass attributes party_a / signing_a
    path = re.sub(r"^(parties|signing)\.([ab])\b", lambda m: ("party_" if m.group(1) == "parties" else "signing_") + m.group(2), path)
    steps: list[tuple[str, int | None]] = []
    for segment in split_path(path):
        if isinstance(segment, int) and steps and steps[-1][1] is None:
            steps[-1] = (steps[-1][0], segment)
        elif isinstance(segment, str) and _NAME.fullmatch(segment):
            steps.append((segment, None))
        else:
            raise UserError(_("not an editable field"), path)
    return steps


def _walk(contract: Contract, path: str, *, create: bool) -> tuple[Any, str]:
    """The object holding the field and the field's attribute name."""
    spec_for(path)
    steps = _steps(path)
    obj: Any = contract
    for name, index in steps[:-1]:
        child = getattr(obj, name)
        if child is None and name == "bank":
            if not create:
                return None, steps[-1][0]
            child = BankAccount()
            setattr(obj, name, child)
        if index is not None:
            if index >= len(child):
                raise UserError(_("there is no such instalment"), path)
            child = child[index]
        obj = child
    return obj, steps[-1][0]


def get_value(contract: Contract, path: str) -> Any:
    """The stored value at `path` ("" for a bank field of a party without a bank account)."""
    obj, attr = _walk(contract, path, create=False)
    if obj is None:
        return ""
    return getattr(obj, attr)


def set_value(contract: Contract, path: str, value: Any) -> None:
    """Write an already parsed value; a bank account left all blank is removed (as the JSON has none)."""
    obj, attr = _walk(contract, path, create=True)
    setattr(obj, attr, value)
    if isinstance(obj, BankAccount) and not any(vars(obj).values()):
        role = path.split(".")[1]
        contract.party(role).bank = None
