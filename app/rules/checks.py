"""Consistency check of a contract packet: stable codes, severity, a message, and where.

`where` is a field path (``party_a_number``, ``payments[1].amount``, ``signing.b.signatory``),
``clause:5.4`` for a clause, or ``annex:3`` for an annex, so the UI can jump to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum

from app.base.i18n import N_, _
from app.domain import Clause, Contract, CostTable, TableFigures, TotalKind, party_name
from app.domain.cost_table_live import LiveFigures
from app.rules.clause_lookup import authorisation_clause, cite
from app.rules.templating import TemplateProblem, context_for, render
from app.values.credit_code import credit_code_problem
from app.values.money import format_amount
from app.values.numbering import annex_index, article_no, cn_to_int, parse_no, sibling_index


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: What each check rule looks at, as the user reads it (the code stays in JSON output and tooltips).
RULE_LABELS = {
    "annex-missing": N_("annex cited but missing"),
    "annex-uncited": N_("annex never cited"),
    "blank-field": N_("blank fill-in"),
    "clause-numbering": N_("clause numbering"),
    "copies": N_("number of copies"),
    "cost-table-empty": N_("empty cost table"),
    "cost-table-settled": N_("unit-price-only rows in a fixed total"),
    "cost-table-subtotal": N_("cost table subtotal"),
    "cost-table-total": N_("cost table total"),
    "cost-table-vat": N_("cost table VAT"),
    "credit-code": N_("credit code"),
    "no-clauses": N_("no clauses"),
    "no-instalments": N_("no instalments"),
    "party-address": N_("party's address"),
    "party-name": N_("party's name"),
    "party-representative": N_("party's representative"),
    "payment-amount": N_("instalment amount"),
    "payment-sum": N_("instalments sum"),
    "punctuation": N_("punctuation"),
    "signatory": N_("signatory"),
    "signing-date": N_("signing date"),
    "signing-status": N_("signing dates before the signing"),
    "template": N_("fill-in template"),
    "title": N_("title"),
    "total-zero": N_("contract total"),
}


def rule_label(code: str) -> str:
    return _(RULE_LABELS[code]) if code in RULE_LABELS else code


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    where: str

    def as_dict(self) -> dict[str, str]:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


DOUBLED_PUNCTUATION = re.compile(r"[，。；：、！？,;:]{2,}")
ANNEX_CITATION = re.compile(r"附件\s*([0-9一二三四五六七八九十]+)")


def _clause_where(clause: Clause) -> str:
    return f"clause:{clause.no}"


def _check_numbering(clauses: list[Clause], parent: tuple[int, ...] | None, out: list[Finding]) -> None:
    """Siblings must count 1, 2, 3 … under their parent's number, with no gaps or repeats."""
    seen: dict[tuple[int, ...], Clause] = {}
    expected = 1
    for clause in clauses:
        parsed = parse_no(clause.no)
        sibling = sibling_index(clause.no) if parsed is None else None
        if sibling is not None:  # 一、 （一） 1.: counted among its siblings, its children among theirs
            if (sibling,) in seen:
                out.append(Finding("clause-numbering", Severity.WARNING,
                                   _("clause number {no} is used twice").format(no=clause.no), _clause_where(clause)))
            elif sibling > expected:
                out.append(Finding("clause-numbering", Severity.WARNING,
                                   _("clause numbering skips {missing} (before {no})").format(
                                       missing="、".join(str(i) for i in range(expected, sibling)), no=clause.no),
                                   _clause_where(clause)))
            seen.setdefault((sibling,), clause)
            expected = max(expected, sibling + 1)
            _check_numbering(clause.clauses, None, out)
            continue
        if parsed is None:
            if clause.no.strip():
                out.append(Finding("clause-numbering", Severity.WARNING,
                                   _("clause number \"{no}\" is not in a known style (第一条, 1.1, 1.1.1)").format(no=clause.no),
                                   _clause_where(clause)))
            _check_numbering(clause.clauses, None, out)
            continue
        if parsed in seen:
            out.append(Finding("clause-numbering", Severity.WARNING,
                               _("clause number {no} is used twice").format(no=clause.no), _clause_where(clause)))
        else:
            seen[parsed] = clause
            if parent is not None and parsed[:-1] != parent:
                out.append(Finding("clause-numbering", Severity.WARNING,
                                   _("clause {no} does not belong under its parent clause").format(no=clause.no),
                                   _clause_where(clause)))
            index = parsed[-1]
            if index > expected:
                missing = [_number_text(parsed[:-1], i, top=parent is None and len(parsed) == 1) for i in range(expected, index)]
                out.append(Finding("clause-numbering", Severity.WARNING,
                                   _("clause numbering skips {missing} (before {no})").format(missing="、".join(missing), no=clause.no),
                                   _clause_where(clause)))
            expected = max(expected, index + 1)
        _check_numbering(clause.clauses, parsed, out)


def _number_text(prefix: tuple[int, ...], index: int, top: bool) -> str:
    return article_no(index) if top else ".".join(str(p) for p in (*prefix, index))


def _annex_key(no: str) -> str:
    """An annex number as the citations are counted: "3", "三", "03" and "附件3" are all annex 3."""
    value = annex_index(no)
    return str(value) if value else no.strip().removeprefix("附件").strip()


def _check_missing(c: Contract, out: list[Finding]) -> None:
    """What a clerk calls missing. A packet cannot go out without a title, the parties' names and addresses
    (住所: Civil Code art. 470 lists them in a contract's content), a total, the instalments that pay it and
    clauses: errors. A blank legal representative is a line to fill in before signing: a warning."""
    if not c.title.strip():
        out.append(Finding("title", Severity.ERROR, _("the contract has no title"), "title"))
    for role in ("a", "b"):
        party = c.party(role)
        if not party.name.strip():
            out.append(Finding("party-name", Severity.ERROR, _("{party} has no name").format(party=party_name(role)),
                               f"parties.{role}.name"))
        if not party.representative.strip():
            out.append(Finding("party-representative", Severity.WARNING,
                               _("{party}'s legal representative is blank").format(party=party_name(role)),
                               f"parties.{role}.representative"))
        if not party.address.strip():
            out.append(Finding("party-address", Severity.ERROR,
                               _("{party} has no address").format(party=party_name(role)), f"parties.{role}.address"))
    if c.total == 0:
        out.append(Finding("total-zero", Severity.ERROR, _("the contract total is zero"), "total"))
    if not c.payments:
        out.append(Finding("no-instalments", Severity.ERROR,
                           _("the contract has no instalments: say when and how the total is paid"), "payments"))
    if not c.clauses:
        out.append(Finding("no-clauses", Severity.ERROR, _("the contract has no clauses"), "clauses"))


def check(contract: Contract) -> list[Finding]:
    """All findings for a contract, errors first, in document order within each severity."""
    out: list[Finding] = []
    c = contract
    _check_missing(c, out)

    # money: instalments against the total (at most the total when a cost table makes it a ceiling)
    ceiling = any(CostTable.of(a.table).total_kind is TotalKind.CEILING for a in c.annexes if a.table is not None)
    for i, p in enumerate(c.payments):
        if p.amount is None or p.amount == 0:
            out.append(Finding("payment-amount", Severity.ERROR,
                               _("instalment {n} has no amount").format(n=i + 1), f"payments[{i}].amount"))
    if c.payments:
        paid = sum((p.amount or Decimal(0) for p in c.payments), Decimal("0.00"))
        if ceiling and paid > c.total:
            out.append(Finding("payment-sum", Severity.ERROR,
                               _("instalments add up to ¥{paid}, above the contract's ceiling of ¥{total} by ¥{diff}").format(
                                   paid=format_amount(paid), total=format_amount(c.total), diff=format_amount(paid - c.total)),
                               "payments"))
        elif not ceiling and paid != c.total:
            diff = paid - c.total
            out.append(Finding("payment-sum", Severity.ERROR,
                               _("instalments add up to ¥{paid}, the contract total is ¥{total}: {more_less} by ¥{diff}").format(
                                   paid=format_amount(paid), total=format_amount(c.total),
                                   more_less=_("more") if diff > 0 else _("less"), diff=format_amount(abs(diff))),
                               "payments"))

    # blank fill-in fields
    for field, label in (("party_a_number", _("Party A contract number")), ("party_b_number", _("Party B contract number")),
                         ("drafted", _("drafting date"))):
        if not str(getattr(c, field)).strip():
            out.append(Finding("blank-field", Severity.WARNING, _("{field} is blank").format(field=label), field))
    context = context_for(c)
    rendered: list[tuple[str, str]] = []
    for source, where in [(c.preamble, "preamble")] + [(cl.text, _clause_where(cl)) for _d, cl in c.all_clauses()]:
        try:
            result = render(source, context)
        except TemplateProblem as exc:
            out.append(Finding("template", Severity.ERROR, exc.message, where))
            continue
        for expr in result.blanks:
            out.append(Finding("blank-field", Severity.WARNING,
                               _("fill-in field {{{{ {expr} }}}} is blank").format(expr=expr), where))
        rendered.append((where, result.text))
    signed = c.status.value in ("signed", "archived")
    for role in ("a", "b"):
        s = c.signing(role)
        if signed and s.date is None:
            out.append(Finding("blank-field", Severity.WARNING,
                               _("the signing date of {party} is blank").format(party=party_name(role)), f"signing.{role}.date"))
        # One date, kept in two places (app.rules.signing_dates): the signing page prints it, the schedule counts
        # from the event. A contract imported or stored before they were kept equal may still differ.
        event = getattr(c.events, f"signed_{role}")
        if s.date != event:
            out.append(Finding("signing-date", Severity.WARNING,
                               _("the signing page dates {party}'s signature {page}, the recorded signing event says "
                                 "{event}: deadlines count from the event; enter the date once to set both").format(
                                   party=party_name(role), page=s.date.isoformat() if s.date else _("(blank)"),
                                   event=event.isoformat() if event else _("(blank)")),
                               f"signing.{role}.date"))

    # Both dates recorded on a contract not marked signed (typed ahead, or printed in a draft that was taken in): the
    # deadlines count from them already (filing, the instalments), while the list and the steps still say otherwise.
    if not signed and c.events.signed_a is not None and c.events.signed_b is not None:
        out.append(Finding("signing-status", Severity.WARNING,
                           _("both signing dates are recorded, but the contract is still {status}: its deadlines "
                             "(filing, instalments) already count from them; mark it as signed once both parties "
                             "have signed, or clear dates that were only printed in the draft").format(
                               status=c.status.label), "signing.a.date"))

    # parties
    for role in ("a", "b"):
        party = c.party(role)
        if party.credit_code.strip():
            problem = credit_code_problem(party.credit_code.strip())
            if problem:
                out.append(Finding("credit-code", Severity.ERROR,
                                   _("the unified social credit code {code} is invalid: {problem}").format(
                                       code=party.credit_code, problem=_(problem)),
                                   f"parties.{role}.credit_code"))
        signatory = c.signing(role).signatory.strip()
        if signatory and party.representative.strip() and signatory != party.representative.strip():
            message = _("{party} is signed by {signatory}, not the legal representative {rep}: "
                        "a written authorisation (授权委托书) is needed").format(
                            party=party_name(role), signatory=signatory, rep=party.representative)
            clause = authorisation_clause(c)
            if clause:
                message = _("{message} ({clause})").format(message=message, clause=cite(clause))
            out.append(Finding("signatory", Severity.WARNING, message, f"signing.{role}.signatory"))

    # copies
    copies = c.terms.copies
    if copies.total and copies.a + copies.b > copies.total:
        out.append(Finding("copies", Severity.ERROR,
                           _("copies for Party A ({a}) and Party B ({b}) do not add up to {total}").format(
                               a=copies.a, b=copies.b, total=copies.total), "terms.copies"))
    elif copies.total and copies.a + copies.b < copies.total:  # 采购代理机构执一份: a third holder, or a slip
        out.append(Finding("copies", Severity.WARNING,
                           _("Party A ({a}) and Party B ({b}) hold {held} of the {total} copies: check that the "
                             "contract says who holds the rest").format(
                               a=copies.a, b=copies.b, held=copies.a + copies.b, total=copies.total), "terms.copies"))

    # clause numbering
    _check_numbering(c.clauses, None, out)

    # punctuation
    for where, text in rendered:
        for m in DOUBLED_PUNCTUATION.finditer(text):
            out.append(Finding("punctuation", Severity.WARNING,
                               _("doubled punctuation \"{mark}\"").format(mark=m.group(0)), where))

    # annexes
    cited: set[str] = set()
    for _where, text in rendered:
        for m in ANNEX_CITATION.finditer(text):
            value = cn_to_int(m.group(1))
            if value:
                cited.add(str(value))
    present = {_annex_key(a.no) for a in c.annexes}
    for no in sorted(cited - present, key=lambda n: int(n)):
        out.append(Finding("annex-missing", Severity.ERROR,
                           _("annex {no} is cited in the text but not in the packet").format(no=no), f"annex:{no}"))
    for a in c.annexes:
        if _annex_key(a.no) not in cited:
            out.append(Finding("annex-uncited", Severity.WARNING,
                               _("annex {no} is in the packet but the text never cites it").format(no=a.no), f"annex:{a.no}"))
        if a.table is not None:
            out += _check_table(c, a.no, CostTable.of(a.table))

    out.sort(key=lambda f: 0 if f.severity is Severity.ERROR else 1)
    return out


def _check_table(c: Contract, no: str, table: CostTable) -> list[Finding]:
    """A cost table against the contract total (as its total kind says) and against itself: subtotals a
    workbook stated, VAT rates missing on some rows, unit-price-only rows in a fixed total."""
    out: list[Finding] = []
    where = f"annex:{no}"
    if not any(not row.is_section for row in table):
        return [Finding("cost-table-empty", Severity.ERROR,
                        _("the cost table of annex {no} has no rows").format(no=no), where)]
    f = table.figures()
    table_sum = _compared_total(c, f)
    if table.total_kind is TotalKind.CEILING:
        if table_sum > c.total:
            out.append(Finding("cost-table-total", Severity.ERROR,
                               _("the cost table of annex {no} adds up to ¥{sum}, above the contract's ceiling of ¥{total}").format(
                                   no=no, sum=format_amount(table_sum), total=format_amount(c.total)), where))
    elif table_sum != c.total:
        estimate = table.total_kind is TotalKind.ESTIMATE
        message = (_("the cost table of annex {no} (an estimate) adds up to ¥{sum}, the contract total is ¥{total}")
                   if estimate else _("the cost table of annex {no} adds up to ¥{sum}, the contract total is ¥{total}"))
        out.append(Finding("cost-table-total", Severity.WARNING if estimate else Severity.ERROR,
                           message.format(no=no, sum=format_amount(table_sum), total=format_amount(c.total)), where))
    missing_vat: list[int] = []
    settled: list[int] = []
    for i, (row, x) in enumerate(zip(table, f.rows, strict=True)):
        if row.is_section and row.stated is not None and row.stated != (x.net or Decimal("0.00")):
            out.append(Finding("cost-table-subtotal", Severity.ERROR,
                               _("annex {no}, row {n} ({label}): the table it was read from states a subtotal of ¥{stated}, "
                                 "its rows add up to ¥{sum}").format(
                                   no=no, n=i + 1, label=row.label, stated=format_amount(row.stated),
                                   sum=format_amount(x.net or Decimal("0.00"))), where))
        elif not row.is_section and f.uses_vat and x.vat_rate is None and x.net is not None:
            missing_vat.append(i + 1)
        if row.settled_on_actuals:
            settled.append(i + 1)
    if missing_vat:
        out.append(Finding("cost-table-vat", Severity.WARNING,
                           _("annex {no}: rows {rows} have no VAT rate while the table shows VAT; their tax is counted as 0").format(
                               no=no, rows=_row_list(missing_vat)), where))
    if settled and table.total_kind is TotalKind.FIXED:
        out.append(Finding("cost-table-settled", Severity.WARNING,
                           _("annex {no}: rows {rows} are settled on actual quantities (按实结算) but the table's total is "
                             "fixed; say whether it is a ceiling or an estimate").format(no=no, rows=_row_list(settled)), where))
    return out


def _compared_total(c: Contract, f: TableFigures) -> Decimal:
    return compared_total(f, c.tax_inclusive)


def compared_total(f: TableFigures | LiveFigures, tax_inclusive: bool) -> Decimal:
    """The table figure the contract total means: with VAT shown, the gross total for a tax-inclusive total,
    else the amounts before VAT. (The annex editor's footer compares the same figure.)"""
    if f.uses_vat and not tax_inclusive:
        return f.net
    return f.total


def _row_list(rows: list[int], limit: int = 10) -> str:
    shown = "、".join(str(n) for n in rows[:limit])
    return shown + ("…" if len(rows) > limit else "")


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
