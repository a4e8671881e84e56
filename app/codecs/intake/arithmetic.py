"""The arithmetic review: every number the text states, checked against the others, with where it stands.

Pure: it reads an `IntakeResult` and returns checks; nothing is stored, no clock is read. Each check is
ok, a warning (an irregular spelling, a discount not applied, a numbering gap) or an error (amounts that do not
agree); a passed check is listed too, with its rounding shown, so a clerk sees what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from app.base.i18n import N_, _, ngettext
from app.codecs.intake.document import Span
from app.codecs.intake.labels import field_label
from app.codecs.intake.money_facts import percent_amount
from app.codecs.intake.result import IntakeResult
from app.codecs.intake.tables import RecognisedTable, RowKind, TableLine
from app.codecs.intake.uppercase import UpperError, parse_upper_amount, spelling_allowed
from app.rules.periods import nominal_end
from app.values.credit_code import credit_code_problem
from app.values.money import format_amount, quantize, rmb_upper


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self])


STATUS_LABELS = {Status.OK: N_("ok"), Status.WARNING: N_("warning"), Status.ERROR: N_("error")}

#: What each check compares, as the user reads it.
CHECK_LABELS = {
    "upper-amount": N_("uppercase against figures"),
    "upper-spelling": N_("uppercase spelling"),
    "total": N_("total stated twice"),
    "instalment-percent": N_("instalment percentage"),
    "instalment-sum": N_("instalments against the total"),
    "percent-sum": N_("percentages add up"),
    "row-amount": N_("quantity × unit price"),
    "row-tax": N_("tax and amount with VAT"),
    "section-subtotal": N_("section subtotal"),
    "table-total": N_("table total"),
    "table-upper": N_("table total in uppercase"),
    "table-contract-total": N_("table against the contract total"),
    "unreadable-cell": N_("unreadable number"),
    "copies": N_("copies against their split"),
    "period": N_("period stated twice"),
    "date": N_("calendar date"),
    "date-range": N_("date range against its duration"),
    "signing-date": N_("signing date"),
    "credit-code": N_("credit code check character"),
    "stated-twice": N_("stated twice differently"),
    "clause-numbering": N_("clause numbering"),
}


def check_label(code: str) -> str:
    return _(CHECK_LABELS[code]) if code in CHECK_LABELS else code


@dataclass
class Check:
    code: str
    status: Status
    message: str
    span: Span | None = None
    where: str = ""


@dataclass
class ArithmeticReport:
    checks: list[Check] = field(default_factory=list)

    def of(self, status: Status) -> list[Check]:
        return [c for c in self.checks if c.status is status]

    @property
    def has_errors(self) -> bool:
        return any(c.status is Status.ERROR for c in self.checks)


def _yuan(value: Decimal) -> str:
    return "¥" + format_amount(value)


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


class _Review:
    def __init__(self, result: IntakeResult) -> None:
        self.r = result
        self.out: list[Check] = []

    def add(self, code: str, status: Status, message: str, span: Span | None = None, where: str = "") -> None:
        self.out.append(Check(code, status, message, span, where))

    def place(self, span: Span | None) -> str:
        return self.r.document.describe(span)

    # ---------------------------------------------------------------- amounts

    def uppers(self) -> None:
        total = self.r.contract.total
        for pair in self.r.facts.pairs:
            try:
                value = parse_upper_amount(pair.upper)
            except UpperError:
                self.add("upper-amount", Status.ERROR, _("the uppercase amount “{text}” cannot be read as an amount").format(
                    text=pair.upper), pair.upper_span)
                continue
            figure = pair.figure if pair.figure is not None else (total if pair.label == "total" and total else None)
            if figure is None:
                continue
            figure = quantize(figure)
            if value != figure:
                self.add("upper-amount", Status.ERROR,
                         _("“{text}” is {upper} in uppercase, the figures say {figure}: they differ by {diff}").format(
                             text=pair.upper, upper=_yuan(value), figure=_yuan(figure), diff=_yuan(abs(value - figure))),
                         pair.upper_span)
            elif not spelling_allowed(pair.upper, value):
                self.add("upper-spelling", Status.WARNING,
                         _("“{text}” is {upper}, as the figures say, but is not spelled as the PBOC rules allow "
                           "(for example {spelling})").format(text=pair.upper, upper=_yuan(value), spelling=rmb_upper(value)),
                         pair.upper_span)
            else:
                self.add("upper-amount", Status.OK, _("{figure} in figures and “{text}” agree").format(
                    figure=_yuan(figure), text=pair.upper), pair.upper_span)

    def totals(self) -> None:
        totals = self.r.facts.totals
        if len(totals) < 2:
            return
        first_value, first_span, _label = totals[0]
        differing = [(v, s) for v, s, _l in totals[1:] if quantize(v) != quantize(first_value)]
        for value, span in differing:
            self.add("total", Status.ERROR, _("the total is {here} here but {first} at {place}").format(
                here=_yuan(value), first=_yuan(first_value), place=self.place(first_span)), span, "total")
        if not differing:
            self.add("total", Status.OK, _("the total is stated {n} times, as {value} each time").format(
                n=len(totals), value=_yuan(first_value)), first_span, "total")

    def _ceiling(self) -> bool:
        """Whether the contract total is a ceiling (a cost table says 上限): the instalments may stay below it."""
        from app.domain import TotalKind

        return any(t.total_kind is TotalKind.CEILING for t in self.r.tables if t.is_cost_table)

    def instalments(self) -> None:
        facts = self.r.facts.instalments
        payments = self.r.contract.payments
        total = self.r.contract.total
        if not facts:
            return
        for fact in facts:
            n = fact.index + 1
            if fact.percent is None or not total:
                continue
            exact = total * fact.percent / 100
            rounded = percent_amount(total, fact.percent)
            shown = _("{pct} × {total} = {exact} → {rounded} (rounded to the fen)").format(
                pct=_pct(fact.percent), total=_yuan(total), exact="¥" + format(exact.normalize(), ",f"), rounded=_yuan(rounded))
            if fact.reached is not None:
                shown = _("up to {reached}, so {pct} for this one: {shown}").format(
                    reached=_pct(fact.reached), pct=_pct(fact.percent), shown=shown)
            if fact.amount is None:
                self.add("instalment-percent", Status.OK, _("instalment {n}: {shown}").format(n=n, shown=shown),
                         fact.percent_span, f"payments[{fact.index}].amount")
            elif fact.amount != rounded:
                self.add("instalment-percent", Status.ERROR, _("instalment {n}: {shown}, but the text says {amount}").format(
                    n=n, shown=shown, amount=_yuan(fact.amount)), fact.amount_span, f"payments[{fact.index}].amount")
            else:
                self.add("instalment-percent", Status.OK, _("instalment {n}: {shown}").format(n=n, shown=shown),
                         fact.amount_span, f"payments[{fact.index}].amount")
        amounts = [p.amount for p in payments]
        if total and all(a is not None for a in amounts):
            paid = sum((a for a in amounts if a is not None), Decimal("0.00"))
            listing = " + ".join(_yuan(a) for a in amounts if a is not None)
            if paid < total and self._ceiling():
                self.add("instalment-sum", Status.OK,
                         _("the instalments {listing} = {paid}, within the ceiling of {total}").format(
                             listing=listing, paid=_yuan(paid), total=_yuan(total)),
                         facts[0].amount_span or facts[0].percent_span, "payments")
            elif paid != total:
                diff = paid - total
                self.add("instalment-sum", Status.ERROR,
                         _("the instalments {listing} = {paid}, the total is {total}: {more_less} by {diff}").format(
                             listing=listing, paid=_yuan(paid), total=_yuan(total),
                             more_less=_("more") if diff > 0 else _("less"), diff=_yuan(abs(diff))),
                         facts[0].amount_span or facts[0].percent_span, "payments")
            else:
                self.add("instalment-sum", Status.OK, _("the instalments {listing} = {total}, the total").format(
                    listing=listing, total=_yuan(total)), facts[0].amount_span or facts[0].percent_span, "payments")
        percents = [f.percent for f in facts]
        if all(p is not None for p in percents) and len(percents) > 1:
            share = sum((p for p in percents if p is not None), Decimal(0))
            status = Status.OK if share == 100 else Status.ERROR
            self.add("percent-sum", status, _("the instalment percentages add up to {pct}").format(pct=_pct(share)),
                     facts[0].percent_span, "payments")

    # ---------------------------------------------------------------- tables

    @staticmethod
    def _row_value(line: TableLine) -> Decimal | None:
        """The row's amount before VAT: as stated, else quantity × (discounted) unit price."""
        if line.amount is not None:
            return line.amount
        if line.quantity is not None and line.unit_price is not None:
            price = line.unit_price if line.discount is None else quantize(line.unit_price * line.discount)
            return quantize(line.quantity * price)
        return None

    def _gross_value(self, line: TableLine) -> Decimal | None:
        """The row's amount with VAT: as stated, else its amount plus its tax."""
        if line.gross is not None:
            return line.gross
        net = self._row_value(line)
        return None if net is None or line.tax is None else net + line.tax

    def tables(self) -> None:
        for t, table in enumerate(self.r.tables, start=1):
            self.table(t, table)

    def table(self, t: int, table: RecognisedTable) -> None:
        name = table.caption or str(t)
        self._rows(table, name)
        self._sections(table, name)
        self._subtotal_rows(table, name)
        self._totals(table, name)

    def _rows(self, table: RecognisedTable, name: str) -> None:
        """Each row: quantity × (discounted) unit price against its amount, the discounted price, the tax."""
        checked = 0
        for line in table.lines:
            row = line.row + 1
            for column in line.unreadable:
                self.add("unreadable-cell", Status.WARNING, _("table “{table}”, row {row}: the {column} cell is not a number").format(
                    table=name, row=row, column=column), line.spans.get(column))
            if line.kind is not RowKind.ITEM:
                continue
            self._discounted(line, name)
            self._tax(table, line, name)
            if None in (line.quantity, line.unit_price, line.amount):
                continue
            assert line.quantity is not None and line.unit_price is not None and line.amount is not None
            plain = quantize(line.quantity * line.unit_price)
            if line.discount is None:
                accepted = {plain}
            else:  # the discounted price rounded to the fen first (the app's rule), or the product rounded once
                accepted = {quantize(line.quantity * quantize(line.unit_price * line.discount)),
                            quantize(line.quantity * line.unit_price * line.discount)}
            expected = min(accepted, key=lambda v: abs(v - line.amount))  # type: ignore[operator]
            span = line.spans.get("amount")
            if line.amount in accepted:
                checked += 1
                continue
            if line.discount is not None and line.amount == plain:
                self.add("row-amount", Status.WARNING, _("table “{table}”, row {row}: the discount {discount} is not "
                                                         "applied ({q} × {p} = {amount})").format(
                    table=name, row=row, discount=_pct(line.discount * 100), q=f"{line.quantity.normalize():f}",
                    p=_yuan(line.unit_price), amount=_yuan(line.amount)), span)
                continue
            self.add("row-amount", Status.ERROR, _("table “{table}”, row {row}: {q} × {p}{disc} = {expected}, the row says "
                                                   "{amount}").format(
                table=name, row=row, q=f"{line.quantity.normalize():f}", p=_yuan(line.unit_price),
                disc="" if line.discount is None else f" × {_pct(line.discount * 100)}", expected=_yuan(expected),
                amount=_yuan(line.amount)), span)
        if checked:
            self.add("row-amount", Status.OK, _("table “{table}”: {n} rows, quantity × unit price = amount to the fen").format(
                table=name, n=checked), table.span)

    def _discounted(self, line: TableLine, name: str) -> None:
        if line.discounted is None or line.unit_price is None or line.discount is None:
            return
        expected = quantize(line.unit_price * line.discount)
        if expected != line.discounted:
            self.add("row-amount", Status.ERROR, _("table “{table}”, row {row}: {p} × {discount} = {expected}, the "
                                                   "discounted unit price says {stated}").format(
                table=name, row=line.row + 1, p=_yuan(line.unit_price), discount=_pct(line.discount * 100),
                expected=_yuan(expected), stated=_yuan(line.discounted)), line.spans.get("discounted"))

    def _tax(self, table: RecognisedTable, line: TableLine, name: str) -> None:
        """税额 = amount × rate to the fen, 含税金额 = amount + 税额, where the row states them."""
        rate = line.vat
        if rate is None and line.parent is not None:
            rate = table.lines[line.parent].vat
        net = self._row_value(line)
        if net is None:
            return
        if line.tax is not None and rate is not None:
            expected = quantize(net * rate)
            status = Status.OK if expected == line.tax else Status.ERROR
            if status is Status.ERROR:
                self.add("row-tax", status, _("table “{table}”, row {row}: {net} × {rate} = {expected}, the tax says "
                                              "{stated}").format(table=name, row=line.row + 1, net=_yuan(net), rate=_pct(rate * 100),
                                                                 expected=_yuan(expected), stated=_yuan(line.tax)),
                         line.spans.get("tax"))
        if line.gross is not None and line.tax is not None and net + line.tax != line.gross:
            self.add("row-tax", Status.ERROR, _("table “{table}”, row {row}: {net} + {tax} = {expected}, the amount with VAT "
                                                "says {stated}").format(table=name, row=line.row + 1, net=_yuan(net),
                                                                        tax=_yuan(line.tax), expected=_yuan(net + line.tax),
                                                                        stated=_yuan(line.gross)), line.spans.get("gross"))

    def _sections(self, table: RecognisedTable, name: str) -> None:
        """A section's subtotal as its heading states it against the rows (and sections) directly under it."""
        for line in table.lines:
            if line.kind is not RowKind.SECTION or line.amount is None:
                continue
            children = [table.lines[i] for i in line.children if table.lines[i].priced]
            parts = [self._row_value(child) for child in children]
            if not children or any(p is None for p in parts):
                continue
            summed = sum((p for p in parts if p is not None), Decimal(0))
            status = Status.OK if quantize(summed) == quantize(line.amount) else Status.ERROR
            self.add("section-subtotal", status, _("table “{table}”, section {no}: the rows add up to {sum}, the "
                                                   "section says {amount}").format(
                table=name, no=line.number or line.item, sum=_yuan(summed), amount=_yuan(line.amount)),
                line.spans.get("amount"))

    def _totals(self, table: RecognisedTable, name: str) -> None:
        """合计 against the rows, its 大写, a ceiling row, and the table's total against the contract's."""
        from app.domain import TotalKind

        leaves = [ln for ln in table.lines if ln.kind is RowKind.ITEM and ln.priced]
        values = [self._row_value(ln) for ln in leaves]
        leaf_sum = sum((v for v in values if v is not None), Decimal(0)) if values and None not in values else None
        grosses = [self._gross_value(ln) for ln in leaves]
        total_row = table.stated(RowKind.TOTAL)
        upper_row = table.stated(RowKind.UPPER_TOTAL)
        stated = total_row.amount if total_row is not None else (upper_row.amount if upper_row is not None else None)
        stated_span = total_row.spans.get("amount") if total_row is not None else None
        if stated is not None and leaf_sum is not None:
            status = Status.OK if quantize(leaf_sum) == quantize(stated) else Status.ERROR
            self.add("table-total", status, _("table “{table}”: the rows add up to {sum}, the 合计 says {stated}").format(
                table=name, sum=_yuan(leaf_sum), stated=_yuan(stated)), stated_span)
        gross_stated = total_row.gross if total_row is not None else None
        if gross_stated is not None and grosses and None not in grosses:
            gross_sum = sum((g for g in grosses if g is not None), Decimal(0))
            status = Status.OK if gross_sum == quantize(gross_stated) else Status.ERROR
            self.add("table-total", status, _("table “{table}”: the amounts with VAT add up to {sum}, the 合计 says "
                                              "{stated}").format(table=name, sum=_yuan(gross_sum), stated=_yuan(gross_stated)),
                     total_row.spans.get("gross") if total_row is not None else None)
        net_total = stated if stated is not None else leaf_sum
        table_total = gross_stated if gross_stated is not None else net_total
        if upper_row is not None and upper_row.upper:
            span = next(iter(upper_row.spans.values()), None)
            self._upper(name, upper_row.upper, table_total, span)
        contract_total = self.r.contract.total
        ceiling = table.stated(RowKind.CEILING)
        if ceiling is not None and ceiling.amount is not None:
            span = next(iter(ceiling.spans.values()), None)
            status = Status.OK if not contract_total or quantize(ceiling.amount) == contract_total else Status.ERROR
            self.add("table-contract-total", status, _("table “{table}”: the ceiling it states is {ceiling}, the contract "
                                                       "total is {total}").format(
                table=name, ceiling=_yuan(ceiling.amount), total=_yuan(contract_total)), span)
            if ceiling.upper:
                self._upper(name, ceiling.upper, ceiling.amount, span)
        compared = table_total if self.r.contract.tax_inclusive or gross_stated is None else net_total
        if not (table.is_cost_table and compared is not None and contract_total):
            return
        compared = quantize(compared)
        span = stated_span or table.span
        if table.total_kind is TotalKind.CEILING:
            status = Status.OK if compared <= contract_total else Status.ERROR
            self.add("table-contract-total", status, _("table “{table}” comes to {sum}, within the ceiling of {total}").format(
                table=name, sum=_yuan(compared), total=_yuan(contract_total)) if status is Status.OK else
                _("table “{table}” comes to {sum}, above the ceiling of {total}").format(
                table=name, sum=_yuan(compared), total=_yuan(contract_total)), span)
            return
        status = Status.OK if compared == contract_total else (
            Status.WARNING if table.total_kind is TotalKind.ESTIMATE else Status.ERROR)
        self.add("table-contract-total", status, _("table “{table}” comes to {sum}, the contract total is {total}").format(
            table=name, sum=_yuan(compared), total=_yuan(contract_total)), span)

    def _upper(self, name: str, text: str, against: Decimal | None, span: Span | None) -> None:
        try:
            value = parse_upper_amount(text)
        except UpperError:
            self.add("table-upper", Status.ERROR, _("table “{table}”: the uppercase total “{text}” cannot be read").format(
                table=name, text=text), span)
            return
        if against is not None:
            status = Status.OK if value == quantize(against) else Status.ERROR
            self.add("table-upper", status, _("table “{table}”: “{text}” is {upper}, the total in figures is "
                                              "{figure}").format(table=name, text=text, upper=_yuan(value),
                                                                 figure=_yuan(against)), span)

    def _subtotal_rows(self, table: RecognisedTable, name: str) -> None:
        since: list[TableLine] = []
        for line in table.lines:
            if line.kind is RowKind.ITEM and line.priced:
                since.append(line)
            elif line.kind is RowKind.SECTION:
                since = []
            elif line.kind is RowKind.SUBTOTAL:
                values = [self._row_value(ln) for ln in since]
                if line.amount is not None and since and None not in values:
                    summed = sum((v for v in values if v is not None), Decimal(0))
                    status = Status.OK if quantize(summed) == quantize(line.amount) else Status.ERROR
                    self.add("section-subtotal", status, _("table “{table}”, row {row}: the {n} rows above add up to {sum}, "
                                                           "the 小计 says {amount}").format(
                        table=name, row=line.row + 1, n=len(since), sum=_yuan(summed), amount=_yuan(line.amount)),
                        line.spans.get("amount"))
                since = []

    # ---------------------------------------------------------------- counts, periods, dates

    def copies(self) -> None:
        copies = self.r.facts.copies
        if copies.total is None or not copies.holders:
            return
        split = sum(n for _who, n, _span in copies.holders)
        listing = "、".join(f"{who} {n}" for who, n, _span in copies.holders)
        status = Status.OK if split == copies.total else Status.ERROR
        self.add("copies", status, _("{total} copies in all; held: {listing} = {split}").format(
            total=copies.total, listing=listing, split=split), copies.total_span, "terms.copies")

    def periods(self) -> None:
        for fact in self.r.facts.periods:
            values = {v for v, _u, _s in fact.values}
            first_value, _unit, first_span = fact.values[0]
            if len(values) > 1:
                for value, _u, span in fact.values[1:]:
                    if value != first_value:
                        self.add("period", Status.ERROR, _("{field} is {value} here but {first} at {place}").format(
                            field=field_label(fact.path), value=value, first=first_value, place=self.place(first_span)), span, fact.path)
            elif len(fact.values) > 1:
                self.add("period", Status.OK, _("{field} is stated {n} times, as {value} each time").format(
                    field=field_label(fact.path), n=len(fact.values), value=first_value), first_span, fact.path)

    def dates(self) -> None:
        for d in self.r.facts.dates:
            try:
                date(d.year, d.month, d.day)
            except ValueError:
                self.add("date", Status.ERROR, _("“{text}” is not a date in the calendar").format(text=d.text), d.span)
        for rng in self.r.facts.ranges:
            try:
                start = date(rng.start.year, rng.start.month, rng.start.day)
                end = date(rng.end.year, rng.end.month, rng.end.day)
            except ValueError:
                continue
            if end < start:
                self.add("date-range", Status.ERROR, _("the period ends ({end}) before it starts ({start})").format(
                    end=rng.end.text, start=rng.start.text), rng.span)
                continue
            if rng.duration is None:
                continue
            count, unit = rng.duration
            kwargs = {"years": count} if unit == "year" else {"months": count} if unit == "month" else {"days": count}
            counted = nominal_end(start, **kwargs)  # type: ignore[arg-type]
            inclusive = counted - timedelta(days=1)
            words = {"year": ngettext("{n} year", "{n} years", count), "month": ngettext("{n} month", "{n} months", count),
                     "day": ngettext("{n} day", "{n} days", count)}[unit].format(n=count)
            if end in (inclusive, counted):
                self.add("date-range", Status.OK, _("{start} to {end} is {duration}").format(
                    start=rng.start.text, end=rng.end.text, duration=words), rng.span)
            else:
                self.add("date-range", Status.ERROR, _("{start} to {end} is not {duration}: that ends on {expected}").format(
                    start=rng.start.text, end=rng.end.text, duration=words,
                    expected=f"{inclusive.year}年{inclusive.month}月{inclusive.day}日"), rng.span)
        drafted = self.r.contract.drafted
        for role, d in self.r.facts.signing_dates.items():
            try:
                day = date(d.year, d.month, d.day)
            except ValueError:
                continue
            if drafted and f"{day.year:04d}-{day.month:02d}" < drafted:
                self.add("signing-date", Status.WARNING, _("the signing date {date} is before the drafting month {drafted}").format(
                    date=d.text, drafted=drafted), d.span, f"signing.{role}.date")

    def credit_codes(self) -> None:
        for path, code, span in self.r.facts.credit_codes:
            problem = credit_code_problem(code)
            if problem:
                self.add("credit-code", Status.ERROR, _("the unified social credit code {code} is invalid: {problem}").format(
                    code=code, problem=_(problem)), span, path)
            else:
                self.add("credit-code", Status.OK, _("the unified social credit code {code} has the right check character").format(
                    code=code), span, path)

    def conflicts(self) -> None:
        for path, first, first_span, second, span in self.r.facts.conflicts:
            self.add("stated-twice", Status.WARNING, _("{field} is “{value}” here but “{first}” at {place}").format(
                field=field_label(path), value=second, first=first, place=self.place(first_span)), span, path)

    def numbering(self) -> None:
        """Siblings numbered in one style count 1, 2, 3 … with no gap or repeat (第十条 then 第十二条 skips 第十一条)."""
        from app.codecs.intake.patterns import heading_at

        spans = {f.path: f.span for f in self.r.fields}

        def visit(clauses) -> None:
            expected: dict[tuple, int] = {}
            seen: dict[tuple, set[int]] = {}
            for clause in clauses:
                heading = heading_at(clause.no + " ") if clause.no else None
                if heading is not None:
                    style, value = heading.style, heading.value[-1]
                    where = f"clause:{clause.no}"
                    if value in seen.setdefault(style, set()):
                        self.add("clause-numbering", Status.WARNING, _("clause number {no} is used twice").format(
                            no=clause.no), spans.get(where), where)
                    else:
                        start = expected.get(style, 1)
                        if value > start:
                            missing = [_renumbered(clause.no, n) for n in range(start, value)]
                            self.add("clause-numbering", Status.WARNING,
                                     _("clause numbering skips {missing} (before {no})").format(
                                         missing="、".join(missing), no=clause.no), spans.get(where), where)
                        seen[style].add(value)
                        expected[style] = max(start, value + 1)
                visit(clause.clauses)

        visit(self.r.contract.clauses)


def _renumbered(no: str, value: int) -> str:
    """`no` with its last number replaced by `value`, in the same style: 第十二条 → 第十一条, 5.4 → 5.3, （二） → （一）."""
    import re

    from app.values.numbering import int_to_cn

    m = re.search(r"(\d+)(?!.*\d)", no)
    if m:
        return no[: m.start()] + str(value) + no[m.end():]
    m = re.search(r"[零〇一二两三四五六七八九十百千]+", no)
    if m:
        return no[: m.start()] + int_to_cn(value) + no[m.end():]
    return str(value)


def review(result: IntakeResult) -> ArithmeticReport:
    """Every arithmetic check of the text, errors first, then warnings, then what agreed; document order within each."""
    r = _Review(result)
    r.uppers()
    r.totals()
    r.instalments()
    r.tables()
    r.copies()
    r.periods()
    r.dates()
    r.credit_codes()
    r.conflicts()
    r.numbering()
    order = {Status.ERROR: 0, Status.WARNING: 1, Status.OK: 2}
    checks = sorted(r.out, key=lambda c: (order[c.status], c.span.start if c.span else 10**12))
    return ArithmeticReport(checks)
