"""From a `SourceDoc` to a `Contract`, with a record of every field: what was read, from where, how surely.

The text is kept: every line of the body ends up in a clause, lines of the head that the packet does not
print from fields (采购方式, 项目名称, a credit code …) stay in the preamble, and only the signing page's
unrecognised lines are left over (`IntakeResult.unplaced`, reported). Where the text states a value exactly as
a field renders (【4273290】 for the total, 【肆】 for the copies), the clause keeps a fill-in bound to the field
({{ total | yuan }}), so correcting the field corrects the text; a value that disagrees stays plain text, and
the arithmetic review reports it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.codecs.intake.document import SourceDoc, Span
from app.codecs.intake.lines import Item, Line, TableItem, logical_items
from app.codecs.intake.money_facts import due_of, instalments, percent_amount, total_label, uppers_with_figures
from app.codecs.intake.parties import clean_value, label_parts, norm, read_label
from app.codecs.intake.patterns import DATE, DATE_LINE, END_MARKERS, FILL_IN, SIGNING_TITLE, figures, periods
from app.codecs.intake.result import (
    AmountPair,
    Confidence,
    DateFact,
    Facts,
    FieldRecord,
    FillIn,
    InstalmentFact,
    IntakeResult,
    Mention,
    PeriodFact,
    RangeFact,
    Unplaced,
)
from app.codecs.intake.structure import ANNEX_HEADING, ClauseDraft, Layout, split, table_lines
from app.codecs.intake.tables import (
    CostRowMapping,
    RecognisedTable,
    cost_rows,
    recognise_table,
    table_option,
    table_texts,
    total_kind_in,
)
from app.codecs.intake.terms import (
    FIXED,
    NOT_FIXED,
    TAX_EXCLUSIVE,
    TAX_INCLUSIVE,
    copies_matches,
    court_match,
    term_matches,
)
from app.domain import Annex, BankAccount, Clause, Contract, CostTable, DueAfter, Party, Payment, TotalKind, party_name
from app.values.money import format_amount, format_plain, integer_upper
from app.values.numbering import annex_index, next_annex_no

#: The title of the annex made from a cost table set out in a clause that has no title of its own.
BODY_TABLE_TITLE = "费用明细表"
#: What a referenced annex whose text the file does not include holds (as the bundled sample does).
ANNEX_NOT_PROVIDED = "（源合同文本未附本附件正文，待补充。）"
_CODE_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{4,40}$")
_TITLE_WORDS = re.compile(r"合同|协议|契约|确认书|订单|协议书")
_NUMBER_LABELS = {
    "number": ("合同编号", "合同号", "合同编码"),
    "gov_number": ("政府采购合同编号",),
    "registry": ("登记编号", "备案编号", "备案号", "档案号", "档案编号", "登记号", "合同登记号"),
    "party_a_number": ("甲方合同编号", "采购人合同编号", "委托方合同编号", "发包人合同编号"),
    "party_b_number": ("乙方合同编号", "供应商合同编号", "受托方合同编号", "承包人合同编号"),
}
_PROJECT_LABELS = ("项目名称", "采购项目名称", "工程名称", "服务项目名称")
_ANNEX_CITE = re.compile(r"附件\s*([0-9０-９]+|[一二三四五六七八九十]+)")
_RANGE = re.compile(r"(?:自|从)?\s*(?P<a>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:起)?\s*(?:至|到|—|～|~)\s*"
                    r"(?P<b>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_EXPR_ESCAPE = re.compile(r"\{[{%#]")
_COST_TITLE = re.compile(r"费用|报价|清单|明细|价格|金额")


def escape_template(text: str) -> str:
    """Text as a clause template that renders to itself: a literal {{, {% or {# is written as an expression."""
    return _EXPR_ESCAPE.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


@dataclass
class _Run:
    """Consecutive "label：value" lines: a party's particulars, possibly a bank account."""

    lines: list[tuple[Line, str, str, int]]  # (line, label, value, value start)


class _Recogniser:
    def __init__(self, doc: SourceDoc, layout: Layout) -> None:
        self.doc, self.layout = doc, layout
        self.c = Contract(fixed_price=False)
        self.c.party_a, self.c.party_b = Party(), Party()
        self.records: dict[str, FieldRecord] = {}
        self.mentions: list[Mention] = []
        self.facts = Facts()
        self.extras: list[tuple[str, str, Span]] = []
        self.unplaced: list[Unplaced] = []
        self.tables: list[RecognisedTable] = []
        self.kept_head: list[Line] = []
        self.payee_role: str | None = None
        #: Cost tables kept as annexes, with the table each came from.
        self.cost_tables: list[tuple[Annex, RecognisedTable]] = []
        #: Lines that state the contract total (set by money()).
        self.total_lines: list[Line] = []
        self.table_sources: dict[str, list] = {}

    # ------------------------------------------------------------ records

    def found(self, path: str, value: object, span: Span | None, note: str = "",
              confidence: Confidence = Confidence.FOUND) -> None:
        existing = self.records.get(path)
        if existing is not None and existing.confidence is Confidence.FOUND:
            return
        self.records[path] = FieldRecord(path, "" if value is None else str(value), confidence, span, note)

    def mention(self, path: str, span: Span, expr: str | None, value: object = None) -> None:
        self.mentions.append(Mention(path, span, expr, value))

    # ------------------------------------------------------------ lines

    def _lines(self, items: list[Item]) -> list[Line]:
        out: list[Line] = []
        for item in items:
            out.extend(table_lines(item) if isinstance(item, TableItem) else [item])
        return out

    def body_lines(self) -> list[tuple[ClauseDraft, Line]]:
        out: list[tuple[ClauseDraft, Line]] = []
        for draft in self.layout.all_clauses():
            for item in draft.items:
                if isinstance(item, Line):
                    out.append((draft, item))
        return out

    # ------------------------------------------------------------ head

    def head(self) -> None:
        lines = self._lines(self.layout.head)
        title_index = None
        for i, line in enumerate(lines):
            if label_parts(line.text) or DATE_LINE.match(line.text) or _CODE_LINE.match(line.text.strip()):
                continue
            if _TITLE_WORDS.search(line.text) and len(line.text) <= 120 and "。" not in line.text:
                title_index = i
                break
        if title_index is None:
            for i, line in enumerate(lines):
                text = line.text.strip()
                if (not label_parts(text) and not DATE_LINE.match(text) and not _CODE_LINE.match(text)
                        and len(text) <= 60 and "。" not in text):
                    title_index = i
                    break
        title_lines: set[int] = set()
        if title_index is not None:
            # a title set in large type runs over several lines the reader did not join
            first = last = title_index
            while first > 0 and self._plain_title_line(lines[first - 1]):
                first -= 1
            while (last + 1 < len(lines) and self._plain_title_line(lines[last + 1])
                   and not re.search(r"(合同|协议|协议书|合同书)$", lines[last].text.strip())):
                last += 1
            title_lines = set(range(first, last + 1))
            joined = Line("".join(lines[k].text.strip() for k in range(first, last + 1)), [], lines[first].block)
            for k in range(first, last + 1):
                offset = len("".join(lines[j].text.strip() for j in range(first, k)))
                joined.pieces += [(own + offset, flat) for own, flat in lines[k].pieces]
            self._title(joined, guessed=not _TITLE_WORDS.search(joined.text))
        runs: list[_Run] = [_Run([])]
        for i, line in enumerate(lines):
            text = line.text.strip()
            parts = label_parts(line.text)
            if i in title_lines:
                runs.append(_Run([]))
                continue
            if parts is None:
                runs.append(_Run([]))
                m = DATE_LINE.match(text)
                if m and not self.c.drafted and m.group("m"):
                    self.c.drafted = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}"
                    self.found("drafted", self.c.drafted, line.whole)
                    continue
                if i < 3 and _CODE_LINE.match(text) and any(ch.isdigit() for ch in text) and not self.c.number:
                    self.c.number = text
                    self.found("number", text, line.whole, _("an unlabelled code at the top of the first page, "
                                                             "taken as the registry number"), Confidence.GUESSED)
                    continue
                self.kept_head.append(line)
                continue
            label, value, vstart = parts
            if self._number_line(line, label, value, vstart):
                runs.append(_Run([]))
                continue
            runs[-1].lines.append((line, label, value, vstart))
        for run in runs:
            handled, consumed = self._particulars(run, zone="head")
            for line, label, value, vstart in run.lines:
                if id(line) in consumed:
                    continue
                if id(line) in handled:
                    self.kept_head.append(line)
                else:
                    self._head_label(line, label, value, vstart)
        self.kept_head.sort(key=lambda ln: ln.pieces[0][1])

    @staticmethod
    def _plain_title_line(line: Line) -> bool:
        text = line.text.strip()
        return bool(text) and len(text) <= 40 and not (label_parts(text) or DATE_LINE.match(text) or _CODE_LINE.match(text)
                                                       or re.search(r"[。；：:]", text))

    def _title(self, line: Line, guessed: bool) -> None:
        title = line.text.replace("\n", "").strip()
        self.c.title = title
        self.found("title", title, line.whole, _("no line names the contract; the first short line is taken as "
                                                 "its title") if guessed else "",
                   Confidence.GUESSED if guessed else Confidence.FOUND)
        m = FILL_IN.search(line.text)
        if m and m.group(1).strip():
            self.c.project = m.group(1).strip()
            self.found("project", self.c.project, line.span(m.start(1), m.end(1)))

    def _number_line(self, line: Line, label: str, value: str, vstart: int) -> bool:
        key = norm(label)
        kind = next((k for k, words in _NUMBER_LABELS.items() if key in words), None)
        if kind is None:
            return False
        text, s, e = clean_value(value)
        span = line.span(vstart + s, vstart + e)
        if kind == "party_a_number":
            self.c.party_a_number = text
            self.found("party_a_number", text, span)
        elif kind == "party_b_number":
            self.c.party_b_number = text
            self.found("party_b_number", text, span)
        elif kind == "number" or (kind == "gov_number" and not self.c.number) or (kind == "registry" and not self.c.number):
            if kind == "number" or not self.c.number:
                self.c.number = text
                self.found("number", text, span, "" if kind != "registry" else _("a registry number, taken as the "
                                                                                  "contract number"),
                           Confidence.FOUND if kind != "registry" else Confidence.GUESSED)
            if kind != "number":
                self.kept_head.append(line)
                self.mention("number", span, "number")
        else:
            self.extras.append((label.strip(), text, span))
            self.kept_head.append(line)
        return True

    def _head_label(self, line: Line, label: str, value: str, vstart: int) -> None:
        """A head line that is not a party particular: 项目名称 sets the project; all of them stay in the preamble."""
        text, s, e = clean_value(value)
        span = line.span(vstart + s, vstart + e)
        key = norm(label)
        if key in _PROJECT_LABELS and text:
            if not self.c.project:
                self.c.project = text
                self.found("project", text, span)
            self.mention("project", span, "project")
        elif text:
            self.extras.append((label.strip(), text, span))
        self.kept_head.append(line)

    # ------------------------------------------------------------ party particulars

    def _particulars(self, run: _Run, zone: str, role: str | None = None) -> tuple[set[int], set[int]]:
        """Set the particulars a run of label lines gives; returns the ids of the lines it read and of those it
        used up (the head's name, representative and address lines, which the packet prints from the fields)."""
        handled: set[int] = set()
        consumed: set[int] = set()
        infos = [read_label(label) for _line, label, _value, _vs in run.lines]
        bank_roles: set[str] = set()
        ctx = role
        for info in infos:
            if info.attribute == "name" and info.role:
                ctx = info.role
            if info.attribute and info.attribute.startswith("bank.") and (info.role or ctx):
                bank_roles.add(info.role or ctx)  # type: ignore[arg-type]
        ctx = role
        bank_seen: set[str] = set()
        for (line, label, value, vstart), info in zip(run.lines, infos, strict=True):
            if info.signing or info.attribute is None:
                continue
            if info.attribute == "name":
                if info.role is None:
                    continue
                ctx = info.role
            who = info.role or ctx
            guessed = False
            if who is None:
                if zone == "head":
                    continue
                who, guessed = "b", True
            handled.add(id(line))
            text, s, e = clean_value(value)
            span = line.span(vstart + s, vstart + e)
            attribute = info.attribute
            if attribute in ("address", "phone") and who in bank_seen:
                attribute = "bank.address" if attribute == "address" else "bank.phone"
            if attribute.startswith("bank."):
                bank_seen.add(who)
                self.payee_role = self.payee_role or who
            in_bank_run = who in bank_roles
            if attribute in ("phone", "contact", "postcode", "fax", "email"):
                if text:
                    self.extras.append((("甲方" if who == "a" else "乙方") + label.strip(), text, span))
                continue
            self._set_party(who, attribute, text, span, in_bank_run and zone != "head", guessed)
            if zone == "head" and attribute in ("name", "representative", "address"):
                consumed.add(id(line))
        return handled, consumed

    def _set_party(self, role: str, attribute: str, text: str, span: Span, bank_run: bool, guessed: bool) -> None:
        party = self.c.party(role)
        path = f"parties.{role}.{attribute}"
        if attribute.startswith("bank."):
            if party.bank is None:
                party.bank = BankAccount()
            target: object = party.bank
            name = attribute.split(".", 1)[1]
            expr = attribute
        else:
            target, name = party, attribute
            expr = f"payee.{attribute}" if bank_run and attribute in ("name", "credit_code") else f"party_{role}.{attribute}"
        current = getattr(target, name)
        if not current and text:
            setattr(target, name, text)
            note = _("the party is not named here; Party B (the payee) is assumed") if guessed else ""
            self.found(path, text, span, note, Confidence.GUESSED if guessed else Confidence.FOUND)
        elif current and text and current != text:
            first = self.records.get(path)
            self.facts.conflicts.append((path, current, first.span if first and first.span else span, text, span))
            return
        elif not text:
            self.found(path, "", span, _("left blank in the text"))
            return
        self.mention(path, span, expr, text)
        if attribute == "credit_code" and len(text) == 18:
            if not any(p == path for p, _c, _s in self.facts.credit_codes):
                self.facts.credit_codes.append((path, text, span))

    def body_particulars(self) -> None:
        for draft in self.layout.all_clauses():
            run = _Run([])
            for item in [*draft.items, None]:  # type: ignore[list-item]
                parts = label_parts(item.text) if isinstance(item, Line) else None
                if parts is None:
                    if run.lines:
                        self._particulars(run, zone="body")
                    run = _Run([])
                    continue
                run.lines.append((item, *parts))  # type: ignore[arg-type]

    # ------------------------------------------------------------ money

    def money(self) -> None:
        lines: list[Line] = list(self.kept_head) + [ln for _d, ln in self.body_lines()]
        total_starts: dict[int, set[int]] = {}
        prev_line_figs: list = []
        for line in lines:
            figs = figures(line.text)
            starts: set[int] = set()
            for f in figs:
                label = total_label(line.text, f)
                if label:
                    starts.add(f.start)
                    self.facts.totals.append((f.value, line.span(f.start, f.end), label))
            total_starts[id(line)] = starts
            if starts:
                self.total_lines.append(line)
            for up in uppers_with_figures(line.text, figs):
                fig = up.figure
                fspan = line.span(fig.start, fig.end) if fig else None
                fvalue = fig.value if fig else None
                label = ""
                if fig is None and prev_line_figs and re.match(r"^\s*(合计金额)?\s*大写", line.text):
                    pline, pfig = prev_line_figs[-1]
                    fvalue, fspan = pfig.value, pline.span(pfig.start, pfig.end)
                if fig is None and fvalue is None:
                    label = "total"
                self.facts.pairs.append(AmountPair(fvalue, fspan, up.text, line.span(up.start, up.end), label))
            prev_line_figs = [(line, f) for f in figs]
        if self.facts.totals:
            value, span, _label = self.facts.totals[0]
            self.c.total = value.quantize(Decimal("0.01"))
            self.found("total", format_amount(self.c.total), span)
        for value, span, _label in self.facts.totals:
            if value == self.c.total:
                self._amount_mention("total", "total", span, value)
        # instalments
        index = 0
        reached = Decimal(0)  # the percentage paid so far, for 支付至…%
        for line in [ln for _d, ln in self.body_lines()]:
            for inst in instalments(line, total_starts.get(id(line), set())):
                amount = inst.amount.value.quantize(Decimal("0.01")) if inst.amount else None
                pct = inst.percent.value if inst.percent else None
                stated_pct = pct
                if pct is not None and inst.cumulative:
                    pct = pct - reached
                if pct is not None:
                    reached += pct
                due, notes = due_of(inst.wording)
                payment = Payment(amount=amount, due=due, wording=inst.wording)
                self.c.payments.append(payment)
                a_span = line.span(inst.amount.start, inst.amount.end) if inst.amount else None
                p_span = line.span(inst.percent.start, inst.percent.end) if inst.percent else None
                self.facts.instalments.append(InstalmentFact(index, amount, a_span, pct, p_span, inst.wording,
                                                             stated_pct if inst.cumulative else None))
                w_span = line.span(inst.wording_start, inst.wording_start + len(inst.wording))
                self.found(f"payments[{index}].wording", inst.wording, w_span)
                self.found(f"payments[{index}].due", self._due_text(payment), w_span,
                           "；".join(_(n) for n in notes), Confidence.GUESSED if notes else Confidence.FOUND)
                if amount is not None and a_span is not None:
                    self.found(f"payments[{index}].amount", format_amount(amount), a_span)
                    self._amount_mention(f"payments[{index}].amount", f"payments[{index}].amount", a_span, amount)
                    if inst.upper is not None:
                        up_span = line.span(inst.upper.start, inst.upper.end)
                        self.mention(f"payments[{index}].amount", up_span, f"payments[{index}].amount | rmb_upper")
                index += 1
        self._total_fallback()
        for i, (payment, fact) in enumerate(zip(self.c.payments, self.facts.instalments, strict=True)):
            if payment.amount is None and fact.percent is not None and self.c.total:
                payment.amount = percent_amount(self.c.total, fact.percent)
                self.found(f"payments[{i}].amount", format_amount(payment.amount), fact.percent_span,
                           _("{pct} of the total ¥{total}, rounded to the fen").format(
                               pct=f"{fact.percent.normalize():f}%", total=format_amount(self.c.total)), Confidence.GUESSED)
        # the total's 大写, bound where it restates the total exactly
        for pair in self.facts.pairs:
            if pair.upper_span and (pair.figure == self.c.total or pair.label == "total"):
                self.mention("total", pair.upper_span, "total | rmb_upper")

    def _amount_mention(self, path: str, expr_base: str, span: Span, value: Decimal) -> None:
        digits = self.doc.text[span.start:span.end]
        if digits == format_plain(value):
            self.mention(path, span, f"{expr_base} | yuan", value)
        elif digits == format_amount(value):
            self.mention(path, span, f"{expr_base} | money", value)
        else:
            self.mention(path, span, None, value)

    def _total_fallback(self) -> None:
        if self.facts.totals:
            return
        stated = [t for t in self.tables if t.is_cost_table]
        for table in stated:
            from app.codecs.intake.tables import RowKind

            row = table.stated(RowKind.TOTAL) or table.stated(RowKind.UPPER_TOTAL)
            if row is not None and row.amount is not None:
                self.c.total = row.amount.quantize(Decimal("0.01"))
                self.found("total", format_amount(self.c.total), row.spans.get("amount"),
                           _("no total in the text; the 合计 of the table is taken"), Confidence.GUESSED)
                return
        amounts = [p.amount for p in self.c.payments if p.amount is not None]
        if amounts and len(amounts) == len(self.c.payments):
            self.c.total = sum(amounts, Decimal("0.00"))
            self.found("total", format_amount(self.c.total), None,
                       _("no total in the text; the instalments are added up"), Confidence.GUESSED)

    @staticmethod
    def _due_text(payment: Payment) -> str:
        """The due rule in words: "from acceptance + 1 year, within 30 days of the invoice"."""
        d = payment.due
        parts = [_("from acceptance") if d.after is DueAfter.ACCEPTANCE else _("from the effective date")]
        for n, words in ((d.years, ngettext("{n} year", "{n} years", d.years)),
                         (d.months, ngettext("{n} month", "{n} months", d.months)),
                         (d.days, ngettext("{n} day", "{n} days", d.days))):
            if n:
                parts.append("+ " + words.format(n=n))
        if d.invoice_days is not None:
            parts.append(_("within {n} days of the invoice").format(n=d.invoice_days))
        return " ".join(parts)

    # ------------------------------------------------------------ terms, copies, court, flags

    def terms(self) -> None:
        seen: dict[str, list[tuple[int, str, Span]]] = {}
        copies_found = False
        court_found = False
        for _draft, line in self.body_lines():
            for t in term_matches(line.text):
                span = line.span(t.start, t.end)
                seen.setdefault(t.path, []).append((t.value, t.unit, span))
                attr = t.path.split(".", 1)[1]
                if getattr(self.c.terms, attr) is None:
                    setattr(self.c.terms, attr, t.value)
                    note = _("stated in years: {n} × 12 months").format(n=t.value // 12) if t.unit == "年" else ""
                    self.found(t.path, t.value, span, note)
                if getattr(self.c.terms, attr) == t.value and t.unit != "年":
                    self.mention(t.path, span, t.path, t.value)
            for cm in copies_matches(line.text):
                span = line.span(cm.start, cm.end)
                copies = self.c.terms.copies
                if cm.who == "total":
                    if not copies_found:
                        copies.total = cm.value
                        copies_found = True
                        self.facts.copies.total, self.facts.copies.total_span = cm.value, span
                        self.found("terms.copies.total", cm.value, span)
                    self._count_mention("terms.copies.total", "copies.total", span, cm)
                elif cm.who in ("a", "b", "both"):
                    for role in ("a", "b") if cm.who == "both" else (cm.who,):
                        if not getattr(copies, role):
                            setattr(copies, role, cm.value)
                            self.found(f"terms.copies.{role}", cm.value, span)
                            self.facts.copies.holders.append(("甲方" if role == "a" else "乙方", cm.value, span))
                        self._count_mention(f"terms.copies.{role}", f"copies.{role}", span, cm)
                else:
                    self.facts.copies.holders.append((cm.who, cm.value, span))
            if not court_found:
                court = court_match(line.text)
                if court:
                    court_found = True
                    self.c.jurisdiction = court.name
                    span = line.span(court.start, court.end)
                    self.found("jurisdiction", court.name, span,
                               "" if court.concrete else _("the court is named by a rule, not by name"),
                               Confidence.FOUND if court.concrete else Confidence.GUESSED)
                    self.mention("jurisdiction", span, "jurisdiction", court.name)
        self.facts.periods = [PeriodFact(path, values) for path, values in seen.items()]
        text = "\n".join(ln.text for ln in self.kept_head) + "\n" + "\n".join(ln.text for _d, ln in self.body_lines())
        m = TAX_EXCLUSIVE.search(text)
        if m:
            self.c.tax_inclusive = False
            self.found("tax_inclusive", "false", self._span_in_lines(m.group(0)))
        elif (m := TAX_INCLUSIVE.search(text)) is not None:
            self.c.tax_inclusive = True
            self.found("tax_inclusive", "true", self._span_in_lines(m.group(0)))
        m = NOT_FIXED.search(text)
        if m:
            self.c.fixed_price = False
            self.found("fixed_price", "false", self._span_in_lines(m.group(0)))
        elif (m := FIXED.search(text)) is not None:
            self.c.fixed_price = True
            self.found("fixed_price", "true", self._span_in_lines(m.group(0)))

    def _count_mention(self, path: str, expr: str, span: Span, cm) -> None:
        if cm.raw == integer_upper(cm.value):
            self.mention(path, span, f"{expr} | upper", cm.value)
        elif cm.raw == str(cm.value):
            self.mention(path, span, expr, cm.value)

    def _span_in_lines(self, words: str) -> Span | None:
        for line in list(self.kept_head) + [ln for _d, ln in self.body_lines()]:
            pos = line.text.find(words)
            if pos >= 0:
                return line.span(pos, pos + len(words))
        return None

    # ------------------------------------------------------------ dates

    def dates(self) -> None:
        all_lines = self._lines(self.layout.head) + [ln for _d, ln in self.body_lines()] + self._lines(self.layout.signing)
        for line in all_lines:
            for m in DATE.finditer(line.text):
                y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (m.group("y2"), m.group("m2"), m.group("d2"))
                self.facts.dates.append(DateFact(m.group(0), line.span(m.start(), m.end()), int(y), int(mo), int(d)))
            for m in _RANGE.finditer(line.text):
                a = DATE.search(m.group("a"))
                b = DATE.search(m.group("b"))
                assert a is not None and b is not None
                start = DateFact(m.group("a"), line.span(m.start("a"), m.end("a")), int(a.group("y")), int(a.group("m")), int(a.group("d")))
                end = DateFact(m.group("b"), line.span(m.start("b"), m.end("b")), int(b.group("y")), int(b.group("m")), int(b.group("d")))
                sentence_end = min([p for p in (line.text.find(ch, m.end()) for ch in "。；;") if p >= 0] or [len(line.text)])
                sentence_start = max(line.text.rfind(ch, 0, m.start()) for ch in "。；;") + 1
                around = line.text[sentence_start:m.start()] + " " + line.text[m.end():sentence_end]
                duration = None
                for p in periods(around):
                    if p.unit in ("year", "month", "day"):
                        duration = (p.count, p.unit)
                        break
                self.facts.ranges.append(RangeFact(start, end, duration, line.span(m.start(), m.end())))

    # ------------------------------------------------------------ signing page

    def signing(self) -> None:
        lines = self._lines(self.layout.signing)
        role: str | None = None
        skip: set[int] = set()
        order = iter(("a", "b"))
        for k, line in enumerate(lines):
            if k in skip:
                continue
            text = line.text.strip()
            if text in END_MARKERS or SIGNING_TITLE.match(text):
                continue
            parts = label_parts(line.text)
            if parts is None:
                self.unplaced.append(Unplaced(line.text, line.whole))
                continue
            label, value, vstart = parts
            info = read_label(label)
            key = info.label
            cleaned, s, e = clean_value(value)
            span = line.span(vstart + s, vstart + e)
            if re.search(r"盖章|公章|签章|印章", key) and not re.search(r"签字|签名", key):
                role = info.role or next(order, None)
                if role is None:
                    self.unplaced.append(Unplaced(line.text, line.whole))
                    continue
                signing = self.c.signing(role)
                signing.seal_caption = label.strip()
                self.found(f"signing.{role}.seal_caption", signing.seal_caption, line.span(0, len(label.strip())))
                party = self.c.party(role)
                if cleaned and not party.name:
                    party.name = cleaned
                    self.found(f"parties.{role}.name", cleaned, span, _("named only on the signing page"),
                               Confidence.GUESSED)
                elif cleaned and cleaned != party.name:
                    first = self.records.get(f"parties.{role}.name")
                    self.facts.conflicts.append((f"parties.{role}.name", party.name,
                                                 first.span if first and first.span else span, cleaned, span))
                continue
            if info.signing:
                who = info.role or role
                if who is None:
                    self.unplaced.append(Unplaced(line.text, line.whole))
                    continue
                name = cleaned
                if not name and k + 1 < len(lines):
                    nxt = lines[k + 1].text.strip()
                    if nxt and len(nxt) <= 12 and label_parts(nxt) is None and not re.search(r"[。，,；]", nxt):
                        name, span = nxt, lines[k + 1].whole
                        skip.add(k + 1)
                self.c.signing(who).signatory = name
                self.found(f"signing.{who}.signatory", name, span, "" if name else _("left blank in the text"))
                continue
            if "日期" in key or "时间" in key:
                m = DATE.search(value)
                who = info.role or role
                if who is None:
                    self.extras.append((label.strip(), cleaned, span))
                    continue
                if m and m.group("y"):
                    try:
                        day = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                    except ValueError:
                        day = None
                    dspan = line.span(vstart + m.start(), vstart + m.end())
                    self.facts.signing_dates[who] = DateFact(m.group(0), dspan, int(m.group("y")), int(m.group("m")),
                                                             int(m.group("d")))
                    if day is not None:
                        self.c.signing(who).date = day
                        self.found(f"signing.{who}.date", day.isoformat(), dspan)
                else:
                    self.found(f"signing.{who}.date", "", span, _("left blank in the text"))
                continue
            if info.attribute is not None and (info.role or role):
                self._particulars(_Run([(line, label, value, vstart)]), zone="tail", role=info.role or role)
                continue
            self.unplaced.append(Unplaced(line.text, line.whole))

    # ------------------------------------------------------------ tables and annexes

    def annexes(self) -> None:
        refs: dict[str, tuple[str, Span]] = {}
        cited: list[str] = []
        body_tables: list[tuple[ClauseDraft, TableItem]] = []
        for draft in self.layout.all_clauses():
            for item in draft.items:
                if isinstance(item, TableItem):
                    body_tables.append((draft, item))
                    continue
                m = ANNEX_HEADING.match(item.text)
                if m:
                    no = _annex_no(m.group("no"))
                    title = (m.group("title") or m.group("title2") or "").strip()
                    refs.setdefault(no, (title, item.whole))
                for c in _ANNEX_CITE.finditer(item.text):
                    no = _annex_no(c.group(1))
                    if no not in cited:
                        cited.append(no)
        annexes: dict[str, Annex] = {}
        for no, (title, span) in refs.items():
            annexes[no] = Annex(no=no, title=title, text=ANNEX_NOT_PROVIDED)
            self.found(f"annex:{no}", title, span, _("the annex is cited, but its text is not in this file"),
                       Confidence.MISSING)
        for section in self.layout.annexes:
            no = _annex_no(section.no)
            annex = annexes.get(no) or Annex(no=no, title=section.title)
            if section.title:
                annex.title = section.title
            texts: list[tuple[str, Span]] = []
            options: dict[str, Decimal] = {}
            table: RecognisedTable | None = None
            for item in section.items:
                if isinstance(item, TableItem):
                    rec = recognise_table(item.rows, item.spans, _table_span(item), caption=annex.title)
                    if rec is not None and rec.is_cost_table and table is None:
                        table = rec
                        self.tables.append(rec)
                        continue
                    texts.append(("\n".join("\t".join(r) for r in item.rows), _table_span(item)))
                else:
                    option = table_option(item.text)
                    if option is not None and option[0] not in options:
                        options[option[0]] = option[1]
                    texts.append((item.text, item.whole))
            if table is not None:
                from app.codecs.pdf.cost_table import ROUNDING_NOTE  # the note the packet prints under the table

                words = [t for t, _s in texts]
                texts = [(t, s) for t, s in texts if table_option(t) is None and t.strip() != ROUNDING_NOTE]
                table.total_kind = total_kind_in(table_texts(table) + words) or TotalKind.FIXED
                mapping = cost_rows(table, **options)
                annex.table, annex.text = mapping.rows, None
                self.cost_tables.append((annex, table))
                self.table_sources[annex.no] = mapping.sources
                note = "；".join(_("row {row}: {what}").format(row=r + 1, what=w) for r, w in mapping.notes)
                self.found(f"annex:{no}", annex.title, section.heading.whole, note,
                           Confidence.GUESSED if mapping.notes else Confidence.FOUND)
                self._skipped_rows(mapping)
                for text, span in texts:
                    self.unplaced.append(Unplaced(text, span))
            else:
                annex.text = escape_template("\n".join(t for t, _s in texts)) if texts else ANNEX_NOT_PROVIDED
                self.found(f"annex:{no}", annex.title, section.heading.whole,
                           "" if texts else _("the annex is cited, but its text is not in this file"),
                           Confidence.FOUND if texts else Confidence.MISSING)
            annexes[no] = annex
        # a cost table set out in the body (标的信息, 合同标的及金额明细) becomes a cost-table annex
        recognised = []
        for draft, item in body_tables:
            rec = recognise_table(item.rows, item.spans, _table_span(item), caption=draft.title or draft.no)
            if rec is not None:
                self.tables.append(rec)
                if rec.is_cost_table and rec.items:
                    recognised.append((draft, rec))
        if recognised:
            draft, rec = max(recognised, key=lambda pair: len(pair[1].items) + len(pair[1].sections))
            target = next((a for a in annexes.values() if a.table is None and a.text == ANNEX_NOT_PROVIDED
                           and _COST_TITLE.search(a.title)), None)
            if target is None:
                no = next_annex_no(list(annexes))
                target = Annex(no=no, title=draft.title or BODY_TABLE_TITLE)
                annexes[no] = target
            rec.total_kind = total_kind_in(table_texts(rec)) or TotalKind.FIXED
            mapping = cost_rows(rec)
            target.table, target.text = mapping.rows, None
            self.cost_tables.append((target, rec))
            self.table_sources[target.no] = mapping.sources
            notes = [_("the table in clause {no} is kept as the cost table of annex {annex}").format(
                no=draft.no, annex=target.no)]
            notes += [_("row {row}: {what}").format(row=r + 1, what=w) for r, w in mapping.notes]
            self.found(f"annex:{target.no}", target.title, rec.span, "；".join(notes), Confidence.GUESSED)
        for no in cited:
            if no not in annexes:
                annexes[no] = Annex(no=no, title="", text=ANNEX_NOT_PROVIDED)
                self.found(f"annex:{no}", "", None, _("the annex is cited, but neither its title nor its text is in "
                                                      "this file"), Confidence.MISSING)
        self.c.annexes = sorted(annexes.values(), key=lambda a: (annex_index(a.no) or 10**6, a.no))

    def _skipped_rows(self, mapping: CostRowMapping) -> None:
        """Rows of a table that hold no cost row (a note, a heading with neither figures nor rows) are listed as
        text not placed, never dropped silently."""
        from app.codecs.pdf.cost_table import ROUNDING_NOTE  # the note the packet prints under the table

        for line in mapping.skipped:
            text = " ".join(t for t in (line.number, line.item, line.spec, line.unit, line.remark) if t)
            if text == ROUNDING_NOTE:
                continue
            spans = list(line.spans.values())
            if text and spans:
                self.unplaced.append(Unplaced(text, Span(min(s.start for s in spans), max(s.end for s in spans))))

    def table_kinds(self) -> None:
        """A cost table whose own words do not say what its total is takes it from the lines stating the
        contract total ("合同金额上限为…", "暂定总价…"); each kind other than fixed is noted on the annex."""
        for annex, table in self.cost_tables:
            if table.total_kind is TotalKind.FIXED:
                found = total_kind_in([line.text for line in self.total_lines])
                if found is not None:
                    table.total_kind = found
                    if isinstance(annex.table, CostTable):
                        annex.table.total_kind = found
            if table.total_kind is not TotalKind.FIXED:
                record = self.records.get(f"annex:{annex.no}")
                note = _("the table's total is {kind}").format(kind=table.total_kind.label)
                if record is not None:
                    record.note = "；".join(n for n in (record.note, note) if n)

    # ------------------------------------------------------------ clause texts

    def templated(self, line: Line, context: dict) -> str:
        """The line as a clause template: each mention whose expression renders exactly as the text there becomes
        that expression; everything else is escaped so that it renders as written."""
        start_flat, end_flat = line.pieces[0][1], line.flat(max(len(line.text) - 1, 0)) + 1
        first = bisect.bisect_left(self._mention_starts, start_flat)
        subs: list[tuple[int, int, str]] = []
        for m in self._sorted_mentions[first:]:
            if m.span.start >= end_flat:
                break
            if m.expr is None or m.span.end > end_flat:
                continue
            a = line.local(m.span.start)
            b = line.local(m.span.end - 1)
            if a is None or b is None:
                continue
            b += 1
            if self._render(m.expr, context) != line.text[a:b]:
                continue
            subs.append((a, b, m.expr))
        subs.sort()
        out: list[str] = []
        pos = 0
        for a, b, expr in subs:
            if a < pos:
                continue
            out.append(escape_template(line.text[pos:a]))
            out.append("{{ " + expr + " }}")
            pos = b
        out.append(escape_template(line.text[pos:]))
        return "".join(out)

    def _render(self, expr: str, context: dict) -> str | None:
        """What a fill-in expression prints for this contract (None if it cannot), rendered once per expression."""
        from app.rules.templating import TemplateProblem, render

        if expr not in self._rendered:
            try:
                self._rendered[expr] = render("{{ " + expr + " }}", context).text
            except TemplateProblem:
                self._rendered[expr] = None
        return self._rendered[expr]

    def clauses(self) -> None:
        from app.rules.templating import context_for

        if self.c.project:
            for line in self.kept_head:
                for m in FILL_IN.finditer(line.text):
                    if m.group(1) == self.c.project:
                        self.mention("project", line.span(m.start(1), m.end(1)), "project")
        context = context_for(self.c)
        self._rendered: dict[str, str | None] = {}
        self._sorted_mentions = sorted(self.mentions, key=lambda m: m.span.start)
        self._mention_starts = [m.span.start for m in self._sorted_mentions]

        def build(draft: ClauseDraft) -> Clause:
            texts = []
            for item in draft.items:
                if isinstance(item, TableItem):
                    texts.append(escape_template("\n".join("\t".join(r) for r in item.rows)))
                else:
                    texts.append(self.templated(item, context))
            return Clause(no=draft.no, title=draft.title, text="\n".join(texts),
                          clauses=[build(child) for child in draft.children])

        self.c.clauses = [build(d) for d in self.layout.clauses]
        for draft in self.layout.all_clauses():
            span = draft.heading.whole if draft.heading is not None else None
            key = f"clause:{draft.no}" if draft.no else "clause:"
            self.found(key, draft.title or draft.no, span,
                       "" if draft.no else _("text without a clause number, kept as a clause"),
                       Confidence.FOUND if draft.no else Confidence.GUESSED)
        if self.kept_head:
            self.c.preamble = "\n".join(self.templated(line, context) for line in self.kept_head)
            first = self.kept_head[0]
            known = re.search(r"^(依据|根据|为了|为|经|鉴于|本着|甲乙双方|双方)|订立本合同|签订本合同|协商一致|达成如下", first.text)
            self.found("preamble", self.c.preamble[:40], first.whole,
                       "" if known else _("text of the first page that is not a field, kept in the preamble"),
                       Confidence.FOUND if known else Confidence.GUESSED)

    # ------------------------------------------------------------ the rest

    def finish(self) -> None:
        c = self.c
        if self.payee_role:
            c.payee = self.payee_role
            self.found("payee", party_name(c.payee), None, _("the party whose bank account the text gives"))
        else:
            self.found("payee", party_name(c.payee), None, _("no bank account in the text: Party B is taken as the payee"),
                       Confidence.GUESSED)
        fixed = [
            ("number", c.number), ("party_a_number", c.party_a_number), ("party_b_number", c.party_b_number),
            ("title", c.title), ("project", c.project), ("drafted", c.drafted), ("jurisdiction", c.jurisdiction),
            ("total", format_amount(c.total)), ("tax_inclusive", str(c.tax_inclusive).lower()),
            ("fixed_price", str(c.fixed_price).lower()), ("preamble", c.preamble[:40]),
        ]
        for role in ("a", "b"):
            party = c.party(role)
            fixed += [(f"parties.{role}.{k}", getattr(party, k)) for k in ("name", "representative", "address", "credit_code")]
            if party.bank is not None:
                fixed += [(f"parties.{role}.bank.{k}", getattr(party.bank, k))
                          for k in ("account_name", "bank_name", "account_no", "address", "phone")]
            signing = c.signing(role)
            fixed += [(f"signing.{role}.seal_caption", signing.seal_caption), (f"signing.{role}.signatory", signing.signatory),
                      (f"signing.{role}.date", signing.date.isoformat() if signing.date else "")]
        for attr in ("delivery_days", "maintenance_months", "acceptance_request_days", "acceptance_working_days",
                     "reminder_working_days", "change_notice_days"):
            value = getattr(c.terms, attr)
            fixed.append((f"terms.{attr}", "" if value is None else str(value)))
        fixed += [(f"terms.copies.{k}", str(getattr(c.terms.copies, k) or "")) for k in ("total", "a", "b")]
        for path, value in fixed:
            if path not in self.records:
                self.records[path] = FieldRecord(path, value, Confidence.MISSING)

    def check_is_contract(self) -> None:
        has_party = bool(self.c.party_a.name or self.c.party_b.name)
        has_clauses = any(d.no for d in self.layout.all_clauses())
        if not (has_party or (has_clauses and self.facts.totals)):
            raise UserError(_("this does not look like a contract: no parties (甲方/乙方) were found, nor numbered "
                              "clauses with a total; nothing was read"), self.doc.name)


def _table_span(item: TableItem) -> Span:
    """From the table's first cell to its last."""
    cells = [cell for row in item.spans for cell in row]
    return Span(min(c.start for c in cells), max(c.end for c in cells)) if cells else Span(0, 0)


def _clause_span(draft: ClauseDraft) -> Span | None:
    """From the clause's heading to the end of its own last line (not its sub-clauses)."""
    spans = [draft.heading.whole] if draft.heading is not None else []
    for item in draft.items:
        if isinstance(item, TableItem):
            spans += [cell for row in item.spans for cell in row]
        else:
            spans.append(item.whole)
    if not spans:
        return None
    return Span(min(sp.start for sp in spans), max(sp.end for sp in spans))


def _annex_no(raw: str) -> str:
    value = annex_index(raw)
    return str(value) if value else raw.strip()


def _fillins(items: list[Item]) -> list[FillIn]:
    out: list[FillIn] = []
    for item in items:
        for line in table_lines(item) if isinstance(item, TableItem) else [item]:
            for m in FILL_IN.finditer(line.text):
                out.append(FillIn(m.group(1), line.span(m.start(1), m.end(1))))
    return out


def recognise(doc: SourceDoc) -> IntakeResult:
    """Everything the text says, as a contract and a record per field; UserError when it is not a contract."""
    items = logical_items(doc)
    layout = split(items)
    r = _Recogniser(doc, layout)
    r.head()
    r.body_particulars()
    r.signing()
    r.annexes()
    r.money()
    r.table_kinds()
    r.check_is_contract()
    r.terms()
    r.dates()
    r.clauses()
    r.finish()
    ordered = sorted(r.records.values(), key=lambda f: (f.span.start if f.span else 10**12))
    return IntakeResult(contract=r.c, document=doc, fields=ordered, mentions=r.mentions, fillins=_fillins(items),
                        tables=r.tables, facts=r.facts, unplaced=r.unplaced, extras=r.extras,
                        clause_spans=[_clause_span(d) for d in layout.all_clauses()], table_sources=r.table_sources)
