"""The "contractdesk/1" JSON document for one contract (see resources/schema/contract.schema.json).

Writing is canonical (fixed key order, amounts with two decimals, UTF-8, two-space indent, final
newline), so export → import → export is byte-identical. Reading validates everything and raises
`UserError` naming the field path (``payments[1].amount``) and the problem; nothing partial is
returned. That includes what would otherwise only fail at PDF export: seal and signature images must
decode, an annex PDF must pass the check for attaching one, and a cost table has at most as many rows
as the Excel import allows.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import (
    COST_COLUMN_LABELS,
    Annex,
    BankAccount,
    Clause,
    Contract,
    Copies,
    CostRow,
    CostTable,
    Due,
    DueAfter,
    Events,
    Invoice,
    Party,
    Payment,
    RowKind,
    Signing,
    Status,
    Terms,
    TotalKind,
)
from app.domain.amendment import Amendment
from app.domain.comment import Comment
from app.domain.cost_table import MAX_LEVEL, QUANTITY_PLACES, figures_problem, parse_rate, rate_text, structure_problem
from app.values.annex_pdf import check_pdf
from app.values.dates import out_of_range
from app.values.images import open_image
from app.values.money import MAX_TABLE_ROWS, AmountError, amount_problem, format_amount, parse_amount, parse_decimal
from app.values.text_checks import check_document_text, check_identifier

FORMAT = "contractdesk/1"
#: How much of a refused value a message quotes.
#: The longest integer read as a number; a longer one (5,000 digits) is kept as a Decimal and refused as too large.
MAX_INT_DIGITS = 40
#: A date as the format writes it; date.fromisoformat() would also take 20250101 and 2025-W01-1.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ISO_MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)
MAX_CLAUSE_DEPTH = 8

T = TypeVar("T")


# ---------------------------------------------------------------- writing


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value, grouping=False)


def _quantity(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _blob(value: bytes | None) -> str | None:
    return base64.b64encode(value).decode("ascii") if value else None


def _party_dict(party: Party) -> dict[str, Any]:
    bank = party.bank
    return {
        "name": party.name,
        "representative": party.representative,
        "address": party.address,
        "credit_code": party.credit_code,
        "bank": None
        if bank is None
        else {
            "account_name": bank.account_name,
            "bank_name": bank.bank_name,
            "account_no": bank.account_no,
            "address": bank.address,
            "phone": bank.phone,
        },
    }


def _clause_dict(clause: Clause) -> dict[str, Any]:
    return {
        "no": clause.no,
        "title": clause.title,
        "text": clause.text,
        "clauses": [_clause_dict(c) for c in clause.clauses],
    }


def _cost_row_dict(r: CostRow) -> dict[str, Any]:
    """A row as contractdesk/1 writes it: a plain item exactly as earlier versions did, the members for
    sections, numbers, unit-price-only rows and rates only when used."""
    if r.is_plain:
        return {
            "item": r.item,
            "spec": r.spec,
            "unit": r.unit,
            "quantity": _quantity(r.quantity),  # type: ignore[arg-type]
            "unit_price": _amount(r.unit_price),
            "remark": r.remark,
        }
    out: dict[str, Any] = {}
    if r.is_section:
        out["kind"] = RowKind.SECTION.value
    if r.level:
        out["level"] = r.level
    if r.no:
        out["no"] = r.no
    out["item"] = r.item
    if not r.is_section or r.spec:
        out["spec"] = r.spec
    if not r.is_section or r.unit:
        out["unit"] = r.unit
    if not r.is_section:
        out["quantity"] = None if r.quantity is None else _quantity(r.quantity)
        out["unit_price"] = _amount(r.unit_price)
    if r.discount is not None:
        out["discount"] = rate_text(r.discount)
    if r.vat_rate is not None:
        out["vat_rate"] = rate_text(r.vat_rate)
    out["remark"] = r.remark
    if r.stated is not None:
        out["stated"] = _amount(r.stated)
    return out


def _table_dict(rows: list[CostRow]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(rows, CostTable):
        if rows.total_kind is not TotalKind.FIXED:
            out["total"] = rows.total_kind.value
        if rows.discount is not None:
            out["discount"] = rate_text(rows.discount)
        if rows.vat_rate is not None:
            out["vat_rate"] = rate_text(rows.vat_rate)
    out["rows"] = [_cost_row_dict(r) for r in rows]
    return out


def table_to_dict(rows: list[CostRow]) -> dict[str, Any]:
    """A cost table as the "table" member of an annex (for stores that keep a table as JSON text)."""
    return _table_dict(rows)


def table_from_dict(data: Any, path: str = "table") -> CostTable:
    """The inverse of `table_to_dict`, validated; `UserError` names the bad member."""
    with _strict():
        return _cost_table(_Reader(data, path))


def _annex_dict(annex: Annex) -> dict[str, Any]:
    out: dict[str, Any] = {"no": annex.no, "title": annex.title}
    if annex.table is not None:
        out["table"] = _table_dict(annex.table)
    else:
        out["text"] = annex.text
    if annex.pdf:
        out["pdf"] = _blob(annex.pdf)
    return out


def table_rows_to_list(rows: list[CostRow]) -> list[dict[str, Any]]:
    """Cost-table rows as the document writes them (revisions store them once per content)."""
    return _annex_dict(Annex(table=rows))["table"]["rows"]


def _signing_dict(s: Signing) -> dict[str, Any]:
    return {
        "seal_caption": s.seal_caption,
        "signatory": s.signatory,
        "date": _date(s.date),
        "seal_image": _blob(s.seal_image),
        "signature_image": _blob(s.signature_image),
    }


def contract_to_dict(c: Contract) -> dict[str, Any]:
    """The contract as a JSON-ready dict in canonical key order."""
    t = c.terms
    e = c.events
    return {
        "format": FORMAT,
        "number": c.number,
        "party_a_number": c.party_a_number,
        "party_b_number": c.party_b_number,
        "title": c.title,
        "project": c.project,
        "drafted": c.drafted,
        "jurisdiction": c.jurisdiction,
        "currency": c.currency,
        "total": _amount(c.total),
        "tax_inclusive": c.tax_inclusive,
        "fixed_price": c.fixed_price,
        "status": c.status.value,
        "payee": c.payee,
        "parties": {"a": _party_dict(c.party_a), "b": _party_dict(c.party_b)},
        "preamble": c.preamble,
        "payments": [
            {
                "amount": _amount(p.amount),
                "due": {
                    "after": p.due.after.value,
                    "years": p.due.years,
                    "months": p.due.months,
                    "days": p.due.days,
                    "invoice_days": p.due.invoice_days,
                },
                "wording": p.wording,
            }
            for p in c.payments
        ],
        "terms": {
            "delivery_days": t.delivery_days,
            "maintenance_months": t.maintenance_months,
            "acceptance_request_days": t.acceptance_request_days,
            "acceptance_working_days": t.acceptance_working_days,
            "reminder_working_days": t.reminder_working_days,
            "change_notice_days": t.change_notice_days,
            "copies": {"total": t.copies.total, "a": t.copies.a, "b": t.copies.b},
        },
        "events": {
            "signed_a": _date(e.signed_a),
            "signed_b": _date(e.signed_b),
            "acceptance_requested": _date(e.acceptance_requested),
            "reminder_sent": _date(e.reminder_sent),
            "accepted": _date(e.accepted),
            "invoices": [
                {"date": _date(i.date), "payment": i.payment, "note": i.note} for i in e.invoices
            ],
        },
        "clauses": [_clause_dict(cl) for cl in c.clauses],
        "annexes": [_annex_dict(a) for a in c.annexes],
        "signing": {"a": _signing_dict(c.signing_a), "b": _signing_dict(c.signing_b)},
    }


def dumps(contract: Contract, extra: dict[str, Any] | None = None) -> str:
    """Canonical JSON text; `extra` top-level keys (e.g. review comments) are appended in order."""
    data = contract_to_dict(contract)
    if extra:
        data.update(extra)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- reading


#: The readers of the document being read, while unknown members are being watched for (see `_strict`).
_watched: ContextVar[list[_Reader] | None] = ContextVar("_watched", default=None)
#: Reading our own revision snapshots: data checked when it came in, not checked again (see contract_from_snapshot).
_trusted: ContextVar[bool] = ContextVar("_trusted", default=False)


class _Reader:
    """Typed access to a JSON object that names the path of whatever is wrong."""

    def __init__(self, data: Any, path: str) -> None:
        self.path = path
        if not isinstance(data, dict):
            raise UserError(_("must be an object"), path or "(document)")
        self.data = data
        self.read: set[str] = set()
        watched = _watched.get()
        if watched is not None:
            watched.append(self)

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> UserError:
        return UserError(message, self._sub(key))

    def raw(self, key: str, required: bool = True) -> Any:
        self.read.add(key)
        if key not in self.data:
            if required:
                raise self.fail(key, _("is missing"))
            return None
        return self.data[key]

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.raw(key, required)
        if value is None:
            if required:
                raise self.fail(key, _("must not be empty"))
            return default
        if not isinstance(value, str):
            raise self.fail(key, _("must be text"))
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, _("must be true or false"))
        return value

    def integer(self, key: str, default: int | None = None, minimum: int = 0) -> int | None:
        value = self.raw(key, False)
        if value is None:
            return default
        if isinstance(value, Decimal) and value == value.to_integral_value():
            raise self.fail(key, _("is too large"))
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, _("{value} is not a whole number").format(value=json.dumps(value, ensure_ascii=False, default=str)))
        if value < minimum:
            raise self.fail(key, _("must not be less than {minimum}").format(minimum=minimum))
        if value > 10**9:
            raise self.fail(key, _("is too large"))
        return value

    def amount(self, key: str, required: bool = True) -> Decimal | None:
        value = self.raw(key, required)
        if value is None:
            if required:
                raise self.fail(key, _("is missing"))
            return None
        return _parse_amount(value, self._sub(key))

    def date(self, key: str) -> date | None:
        value = self.raw(key, False)
        if value is None:
            return None
        return _parse_date(value, self._sub(key))

    def blob(self, key: str) -> bytes | None:
        value = self.raw(key, False)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, _("must be base64 text"))
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self.fail(key, _("is not valid base64")) from exc

    def image(self, key: str) -> bytes | None:
        """A seal or signature image, refused here (not at PDF export) unless it decodes."""
        value = self.blob(key)
        if value and not _trusted.get():
            open_image(value, self._sub(key))  # UserError for an unreadable or oversized image
        return value

    def pdf(self, key: str) -> bytes | None:
        """An annex's attached PDF, checked as when a clerk attaches one."""
        value = self.blob(key)
        if value and not _trusted.get():
            check_pdf(value, self._sub(key))
        return value

    def obj(self, key: str, required: bool = False) -> _Reader | None:
        value = self.raw(key, required)
        if value is None:
            return None
        return _Reader(value, self._sub(key))

    def items(self, key: str, item: Callable[[Any, str], T]) -> list[T]:
        value = self.raw(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, _("must be a list"))
        return [item(v, f"{self._sub(key)}[{i}]") for i, v in enumerate(value)]


def _parse_amount(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise UserError(
            _("{value} is not an amount (write it as a decimal string, e.g. \"1424430.00\")").format(
                value=json.dumps(value, ensure_ascii=False)
            ),
            path,
        )
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise UserError(amount_problem(value, exc), path) from exc


def _parse_date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise UserError(_("must be a date written YYYY-MM-DD"), path)
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(_("\"{value}\" is not a date (YYYY-MM-DD)").format(value=value), path) from exc
    problem = out_of_range(day)
    if problem:
        raise UserError(problem, path)
    return day


def _enum(value: Any, enum: Any, path: str) -> Any:
    try:
        return enum(value)
    except ValueError as exc:
        choices = ", ".join(e.value for e in enum)
        raise UserError(
            _("\"{value}\" is not one of: {choices}").format(value=value, choices=choices), path
        ) from exc


def _party(data: Any, path: str) -> Party:
    r = _Reader(data, path)
    bank_r = r.obj("bank")
    bank = None
    if bank_r is not None:
        bank = BankAccount(
            account_name=bank_r.text("account_name"),
            bank_name=bank_r.text("bank_name"),
            account_no=bank_r.text("account_no"),
            address=bank_r.text("address"),
            phone=bank_r.text("phone"),
        )
    return Party(
        name=r.text("name", required=True),
        representative=r.text("representative"),
        address=r.text("address"),
        credit_code=r.text("credit_code"),
        bank=bank,
    )


def _payment(data: Any, path: str) -> Payment:
    r = _Reader(data, path)
    due_r = r.obj("due", required=True)
    assert due_r is not None
    due = Due(
        after=_enum(due_r.raw("after"), DueAfter, due_r._sub("after")),
        years=due_r.integer("years", 0) or 0,
        months=due_r.integer("months", 0) or 0,
        days=due_r.integer("days", 0) or 0,
        invoice_days=due_r.integer("invoice_days"),
    )
    return Payment(amount=r.amount("amount", required=False), due=due, wording=r.text("wording"))


def _clause(data: Any, path: str, depth: int = 0) -> Clause:
    r = _Reader(data, path)
    if depth >= MAX_CLAUSE_DEPTH:
        raise UserError(_("clauses nest deeper than {n} levels").format(n=MAX_CLAUSE_DEPTH), path)
    return Clause(
        no=r.text("no"),
        title=r.text("title"),
        text=r.text("text"),
        clauses=r.items("clauses", lambda v, p: _clause(v, p, depth + 1)),
    )


def _quantity_value(r: _Reader) -> Decimal | None:
    """An item's quantity: a decimal string, or null for a row priced by unit only (按实结算)."""
    if "quantity" in r.data and r.data["quantity"] is None:
        r.read.add("quantity")
        return None
    qty_raw = r.raw("quantity")
    if isinstance(qty_raw, bool) or not isinstance(qty_raw, (str, int, Decimal)):
        raise r.fail("quantity", _("{value} is not a quantity").format(value=json.dumps(qty_raw, ensure_ascii=False)))
    try:
        quantity = parse_decimal(qty_raw, places=QUANTITY_PLACES)
    except AmountError as exc:
        raise r.fail("quantity", _("\"{value}\" is not a quantity ({reason})").format(value=qty_raw, reason=exc.message)) from exc
    return quantity  # held to the one bound with its unit price, by the table (figures_problem)


def _rate(r: _Reader, key: str, *, discount: bool) -> Decimal | None:
    """A discount or VAT rate written as a fraction string ("0.955", "0.13")."""
    value = r.raw(key, False)
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().endswith(("%", "％")):
        raise r.fail(key, _("{value} is not a rate (write it as a fraction string, e.g. \"0.13\" for 13%)").format(
            value=json.dumps(value, ensure_ascii=False, default=str)))
    try:
        return parse_rate(value, discount=discount)
    except AmountError as exc:
        raise r.fail(key, _("\"{value}\" is not a rate ({reason})").format(value=value, reason=exc.message)) from exc


def _cost_row(data: Any, path: str) -> CostRow:
    r = _Reader(data, path)
    kind = _enum(r.text("kind", default=RowKind.ITEM.value), RowKind, r._sub("kind"))
    level = r.integer("level", 0) or 0
    if level > MAX_LEVEL:
        raise r.fail("level", _("a level is from 0 to {n}").format(n=MAX_LEVEL))
    quantity: Decimal | None
    if kind is RowKind.SECTION:
        for key in ("quantity", "unit_price"):
            if r.raw(key, False) is not None:
                raise r.fail(key, _("a section has no {what}: its amount is the sum of its rows").format(
                    what=_(COST_COLUMN_LABELS[key]).lower()))
        quantity, unit_price = None, Decimal("0.00")
        stated = r.amount("stated", required=False)
    else:
        quantity = _quantity_value(r)
        price = r.amount("unit_price")
        assert price is not None
        unit_price = price
        if r.raw("stated", False) is not None:
            raise r.fail("stated", _("only a section has a stated subtotal"))
        stated = None
    return CostRow(
        item=r.text("item"),
        spec=r.text("spec"),
        unit=r.text("unit"),
        quantity=quantity,
        unit_price=unit_price,
        remark=r.text("remark"),
        kind=kind,
        level=level,
        no=r.text("no"),
        discount=_rate(r, "discount", discount=True),
        vat_rate=_rate(r, "vat_rate", discount=False),
        stated=stated,
    )


def _cost_table(table_r: _Reader) -> CostTable:
    rows = table_r.items("rows", _cost_row)
    problem = structure_problem(rows)
    if problem is not None:
        index, key, message = problem
        raise UserError(message, f"{table_r._sub('rows')}[{index}].{key}")
    total = table_r.raw("total", False)
    table = CostTable(
        rows,
        discount=_rate(table_r, "discount", discount=True),
        vat_rate=_rate(table_r, "vat_rate", discount=False),
        total_kind=TotalKind.FIXED if total is None else _enum(total, TotalKind, table_r._sub("total")),
    )
    problem = figures_problem(table)
    if problem is not None:  # a row beyond the one bound (app.values.money), named as a whole: the product is the problem
        index, _key, message = problem
        raise UserError(message, f"{table_r._sub('rows')}[{index}]")
    return table


def _annex(data: Any, path: str) -> Annex:
    r = _Reader(data, path)
    no = r.text("no", required=True)
    if not no.strip():
        raise r.fail("no", _("must not be empty"))
    table_r = r.obj("table")
    if table_r is not None and r.raw("text", False) is not None:
        raise UserError(_("an annex has either text or a table, not both"), path)
    if table_r is not None and not _trusted.get():
        _check_row_count(table_r, no)
    check_identifier(no, r._sub("no"))
    return Annex(
        no=no,
        title=r.text("title"),
        text=None if table_r is not None else r.text("text"),
        table=_cost_table(table_r) if table_r is not None else None,
        pdf=r.pdf("pdf"),
    )


def _check_row_count(table_r: _Reader, no: str) -> None:
    """The row cap every table has (app.values.money.MAX_TABLE_ROWS), checked before any row is read."""
    rows = table_r.raw("rows", False)
    if isinstance(rows, list) and len(rows) > MAX_TABLE_ROWS:
        raise table_r.fail(
            "rows", _("the table of annex {no} has more than {n} rows").format(no=no, n=f"{MAX_TABLE_ROWS:,}")
        )


def _signing(data: Any, path: str) -> Signing:
    r = _Reader(data, path)
    return Signing(
        seal_caption=r.text("seal_caption"),
        signatory=r.text("signatory"),
        date=r.date("date"),
        seal_image=r.image("seal_image"),
        signature_image=r.image("signature_image"),
    )


def _invoice(data: Any, path: str) -> Invoice:
    r = _Reader(data, path)
    when = r.date("date")
    if when is None:
        raise r.fail("date", _("is missing"))
    return Invoice(date=when, payment=r.integer("payment", minimum=1), note=r.text("note"))


def contract_from_dict(data: Any) -> Contract:
    """Validate a parsed JSON document and build the contract; `UserError` names the bad field."""
    r = _Reader(data, "")
    fmt = r.raw("format")
    if fmt != FORMAT:
        raise UserError(
            _("\"{value}\" is not a supported format (expected \"{expected}\")").format(
                value=fmt, expected=FORMAT
            ),
            "format",
        )
    number = r.text("number", required=True).strip()
    if not number:
        raise r.fail("number", _("must not be empty"))
    check_identifier(number, "number")
    drafted = r.text("drafted")
    if drafted and not _is_year_month(drafted):
        raise r.fail("drafted", _("\"{value}\" is not a year and month (YYYY-MM)").format(value=drafted))
    total = r.amount("total")
    assert total is not None
    parties = r.obj("parties", required=True)
    assert parties is not None
    payee = r.text("payee", default="b")
    if payee not in ("a", "b"):
        raise r.fail("payee", _("must be \"a\" or \"b\""))
    terms_r = r.obj("terms")
    terms = Terms()
    if terms_r is not None:
        copies_r = terms_r.obj("copies")
        terms = Terms(
            delivery_days=terms_r.integer("delivery_days"),
            maintenance_months=terms_r.integer("maintenance_months"),
            acceptance_request_days=terms_r.integer("acceptance_request_days"),
            acceptance_working_days=terms_r.integer("acceptance_working_days"),
            reminder_working_days=terms_r.integer("reminder_working_days"),
            change_notice_days=terms_r.integer("change_notice_days"),
            copies=Copies(
                total=copies_r.integer("total", 0) or 0,
                a=copies_r.integer("a", 0) or 0,
                b=copies_r.integer("b", 0) or 0,
            )
            if copies_r
            else Copies(),
        )
    events_r = r.obj("events")
    events = Events()
    if events_r is not None:
        events = Events(
            signed_a=events_r.date("signed_a"),
            signed_b=events_r.date("signed_b"),
            acceptance_requested=events_r.date("acceptance_requested"),
            reminder_sent=events_r.date("reminder_sent"),
            accepted=events_r.date("accepted"),
            invoices=events_r.items("invoices", _invoice),
        )
    signing_r = r.obj("signing")
    annexes = r.items("annexes", _annex)
    seen: set[str] = set()
    for i, annex in enumerate(annexes):
        if annex.no in seen:
            raise UserError(_("annex number \"{no}\" is used twice").format(no=annex.no), f"annexes[{i}].no")
        seen.add(annex.no)
    status_raw = r.raw("status", False)
    return Contract(
        number=number,
        party_a_number=check_identifier(r.text("party_a_number"), "party_a_number"),
        party_b_number=check_identifier(r.text("party_b_number"), "party_b_number"),
        title=r.text("title", required=True),
        project=r.text("project"),
        drafted=drafted,
        jurisdiction=r.text("jurisdiction"),
        currency=r.text("currency", default="CNY") or "CNY",
        total=total,
        tax_inclusive=r.flag("tax_inclusive", True),
        fixed_price=r.flag("fixed_price", False),
        status=Status.DRAFT if status_raw is None else _enum(status_raw, Status, "status"),
        payee=payee,
        party_a=_party(parties.raw("a"), "parties.a"),
        party_b=_party(parties.raw("b"), "parties.b"),
        preamble=r.text("preamble"),
        payments=r.items("payments", _payment),
        terms=terms,
        events=events,
        clauses=r.items("clauses", _clause),
        annexes=annexes,
        signing_a=_signing(signing_r.raw("a"), "signing.a") if signing_r and signing_r.raw("a", False) is not None else Signing(),
        signing_b=_signing(signing_r.raw("b"), "signing.b") if signing_r and signing_r.raw("b", False) is not None else Signing(),
    )


def _is_year_month(text: str) -> bool:
    if not _ISO_MONTH.fullmatch(text):
        return False
    try:
        date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        return False
    return True


@contextmanager
def _strict(format_name: str = FORMAT) -> Iterator[None]:
    """Refuse a member the format does not have (a misspelt "acepted" would otherwise vanish on import,
    taking its value with it), naming its path; members of refused objects are not looked at.
    `format_name` is the format the message names (other JSON files reuse this reader)."""
    readers: list[_Reader] = []
    token = _watched.set(readers)
    try:
        yield
    finally:
        _watched.reset(token)
    read: dict[int, set[str]] = {}  # one JSON object may be read by several readers (the top level is)
    for reader in readers:
        read.setdefault(id(reader.data), set()).update(reader.read)
    for reader in readers:
        for key in reader.data:
            if key not in read[id(reader.data)]:
                raise reader.fail(key, _("is not a member of the {format} format").format(format=format_name))


def loads(text: str | bytes) -> Contract:
    """Parse JSON text into a contract; `UserError` for malformed JSON, any invalid field or any member
    the format does not have."""
    data = _parse(text)
    with _strict():
        return contract_from_dict(data)


def contract_from_snapshot(data: Any) -> Contract:
    """A contract from a revision snapshot this program wrote (app.store.revisions): read leniently, so a
    revision kept under older rules (an image format no longer accepted, a member since retired) stays
    readable; still a UserError, naming the field, where the data is not a contract at all."""
    token = _trusted.set(True)
    try:
        return contract_from_dict(data)
    finally:
        _trusted.reset(token)


class _DuplicateMember(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A member written twice ("total" edited by hand, the old line left in) would silently keep the last."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateMember(key)
        data[key] = value
    return data


def _parse(text: str | bytes) -> Any:
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=_parse_int, object_pairs_hook=_refuse_duplicates)
    except _DuplicateMember as exc:
        raise UserError(_("the member \"{name}\" appears twice in one object; which one is meant is unclear").format(
            name=exc.args[0]), "(document)") from exc
    except json.JSONDecodeError as exc:
        raise UserError(
            _("not valid JSON (line {line}, column {col}: {msg})").format(
                line=exc.lineno, col=exc.colno, msg=exc.msg
            ),
            "(document)",
        ) from exc
    except (UnicodeDecodeError, RecursionError) as exc:
        raise UserError(_("not a readable JSON text file"), "(document)") from exc
    check_document_text(data)  # a lone surrogate (written \ud800 in the file) or NUL would fail only when stored
    return data


def _parse_int(digits: str) -> int | Decimal:
    """A JSON integer; one too long to be any field's value stays a Decimal, refused where it is read (int()
    of 5,000 digits would fail with Python's conversion limit instead)."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else Decimal(digits)


# ---------------------------------------------------------------- review members (optional)
# "comments" and "amendments" are written only when there are any, so a document without them stays
# byte-identical to what earlier versions wrote.


def comment_to_dict(c: Comment) -> dict[str, Any]:
    return {
        "id": c.uid,
        "target": {"kind": c.target_kind, "ref": c.target},
        "text": c.text,
        "author": c.author,
        "created": c.created_at,
        "updated": c.updated_at,
        "resolved": None if c.resolved_at is None else {"at": c.resolved_at, "by": c.resolved_by or ""},
    }


def amendment_to_dict(a: Amendment) -> dict[str, Any]:
    return {
        "number": a.number,
        "title": a.title,
        "signed": _date(a.signed),
        "changes": {k: a.changes[k] for k in sorted(a.changes)},
        "clauses": [_clause_dict(c) for c in a.clauses],
        "annexes": [_annex_dict(x) for x in a.annexes],
    }


def review_extra(comments: list[Comment], amendments: list[Amendment]) -> dict[str, Any]:
    """The optional top-level members for `dumps(contract, extra=…)`."""
    extra: dict[str, Any] = {}
    if comments:
        extra["comments"] = [comment_to_dict(c) for c in comments]
    if amendments:
        extra["amendments"] = [amendment_to_dict(a) for a in amendments]
    return extra


_TIMESTAMP_LEN = (20, 32)


def _timestamp(r: _Reader, key: str, required: bool = True) -> str | None:
    """A UTC time as ContractDesk writes it, that has happened: a real date and time, not later than now (beyond
    the clock skew two computers may have), so a copy dated 9999 cannot outrank every later change."""
    from app.base.clock import MAX_CLOCK_SKEW, is_future, parse_utc

    value = r.text(key, required=required) if required else r.raw(key, False)
    if value is None:
        return None
    if not isinstance(value, str) or not (_TIMESTAMP_LEN[0] <= len(value) <= _TIMESTAMP_LEN[1]) or not value.endswith("Z"):
        raise r.fail(key, _("must be a UTC time written YYYY-MM-DDTHH:MM:SS…Z"))
    moment = parse_utc(value)
    if moment is None:
        raise r.fail(key, _("{value} is not a real time (YYYY-MM-DDTHH:MM:SS…Z)").format(value=value))
    if is_future(moment):
        raise r.fail(key, _("{value} is in the future (more than {minutes} minutes ahead of this computer's clock)").format(
            value=value, minutes=int(MAX_CLOCK_SKEW.total_seconds() // 60)))
    return value


def _comment(data: Any, path: str) -> Comment:
    import uuid as _uuid

    from app.domain.comment import TARGET_KINDS

    r = _Reader(data, path)
    uid = r.text("id", required=True).strip().lower()
    try:
        uid = str(_uuid.UUID(uid))
    except ValueError as exc:
        raise r.fail("id", _("\"{value}\" is not a comment id (UUID)").format(value=uid)) from exc
    target = r.obj("target", required=True)
    assert target is not None
    kind = target.text("kind", required=True)
    if kind not in TARGET_KINDS:
        raise target.fail("kind", _("\"{value}\" is not one of: {choices}").format(value=kind, choices=", ".join(TARGET_KINDS)))
    text = r.text("text", required=True)
    if not text.strip():
        raise r.fail("text", _("must not be empty"))
    from app.domain.comment import MAX_COMMENT_CHARS

    if len(text) > MAX_COMMENT_CHARS:
        raise r.fail("text", _("the comment is longer than {n} characters").format(n=MAX_COMMENT_CHARS))
    resolved = r.obj("resolved")
    created = _timestamp(r, "created")
    assert created is not None
    return Comment(
        uid=uid,
        target_kind=kind,
        target=target.text("ref"),
        text=text,
        author=r.text("author"),
        created_at=created,
        updated_at=_timestamp(r, "updated", required=False) or created,
        resolved_at=_timestamp(resolved, "at") if resolved is not None else None,
        resolved_by=resolved.text("by") if resolved is not None else None,
    )


def _amendment(data: Any, path: str) -> Amendment:
    r = _Reader(data, path)
    number = r.text("number", required=True).strip()
    if not number:
        raise r.fail("number", _("must not be empty"))
    check_identifier(number, r._sub("number"))
    changes = r.raw("changes", False) or {}
    if not isinstance(changes, dict):
        raise r.fail("changes", _("must be an object"))
    return Amendment(
        number=number,
        title=r.text("title"),
        signed=r.date("signed"),
        changes=_plain(changes),
        clauses=r.items("clauses", _clause),
        annexes=r.items("annexes", _annex),
    )


def _plain(value: Any) -> Any:
    """Decimals parsed from JSON numbers back to text, so a change survives JSON storage unchanged."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def loads_amendment(text: str | bytes) -> Amendment:
    """One amendment as its own JSON document (number, title, signed, changes, clauses, annexes)."""
    return _amendment(_parse(text), "")


def loads_document(text: str | bytes) -> tuple[Contract, list[Comment], list[Amendment]]:
    """Parse a document with its optional review members; `UserError` names any bad field."""
    data = _parse(text)
    with _strict():
        contract = contract_from_dict(data)
        r = _Reader(data, "")
        members = contract, r.items("comments", _comment), r.items("amendments", _amendment)
    return members
