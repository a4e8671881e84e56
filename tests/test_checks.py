"""The consistency check: each rule fires on its defect, and the sample shows only its real ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import Annex, Clause, CostRow
from app.rules.checks import Severity, check, has_errors


def codes(contract) -> list[tuple[str, str]]:
    return [(f.code, f.where) for f in check(contract)]


def test_sample_has_no_errors_and_exactly_its_defects(sample):
    findings = check(sample)
    assert not has_errors(findings)
    assert sorted((f.code, f.where) for f in findings) == [
        ("blank-field", "party_a_number"),
        ("blank-field", "party_b_number"),
        ("clause-numbering", "clause:第十二条"),
        ("punctuation", "clause:4.1"),
        ("signatory", "signing.b.signatory"),
    ]


def test_instalments_not_adding_up_say_by_how_much(sample):
    sample.payments[0].amount = Decimal("1424000.00")
    [finding] = [f for f in check(sample) if f.code == "payment-sum"]
    assert finding.severity is Severity.ERROR
    assert "430.00" in finding.message and "less" in finding.message


def test_payment_without_amount(sample):
    sample.payments[1].amount = None
    assert ("payment-amount", "payments[1].amount") in codes(sample)


def test_invalid_credit_code(sample):
    sample.party_b.credit_code = "91410500721816077A"
    assert ("credit-code", "parties.b.credit_code") in codes(sample)


def test_copies_must_add_up(sample):
    sample.terms.copies.a = 3
    assert ("copies", "terms.copies") in codes(sample)


def test_copies_held_by_a_third_party_are_a_warning_not_an_error(sample):
    """一式五份，甲方执三份，乙方执一份，采购代理机构执一份: the contract records A's and B's copies only."""
    sample.terms.copies.total, sample.terms.copies.a, sample.terms.copies.b = 5, 3, 1
    found = [f for f in check(sample) if f.code == "copies"]
    assert [(f.severity, f.where) for f in found] == [(Severity.WARNING, "terms.copies")]
    assert "hold 4 of the 5 copies" in found[0].message


def test_duplicate_and_misplaced_clause_numbers(sample):
    sample.clauses[0].clauses[1].no = "1.1"
    sample.clauses[1].clauses.append(Clause("3.9", "", "错位的条款"))
    found = codes(sample)
    assert ("clause-numbering", "clause:1.1") in found
    assert ("clause-numbering", "clause:3.9") in found


def test_gap_inside_an_article(sample):
    del sample.clauses[2].clauses[3]  # drop 3.4
    [finding] = [f for f in check(sample) if f.where == "clause:3.5"]
    assert "3.4" in finding.message


def test_cited_annex_missing_and_uncited_annex(sample):
    sample.annexes = [a for a in sample.annexes if a.no != "2"]
    sample.annexes.append(Annex("4", "补充材料", "正文"))
    found = codes(sample)
    assert ("annex-missing", "annex:2") in found
    assert ("annex-uncited", "annex:4") in found


def test_cost_table_total_differs(sample):
    sample.annexes[2].table.append(CostRow("额外", "", "项", Decimal("1"), Decimal("0.01"), ""))
    [finding] = [f for f in check(sample) if f.code == "cost-table-total"]
    assert finding.severity is Severity.ERROR and "4,273,290.01" in finding.message


def test_blank_fill_in_field_inside_a_clause(sample):
    sample.party_b.bank.account_no = ""
    assert ("blank-field", "clause:1.4") in codes(sample)


def test_template_error_names_the_clause_instead_of_crashing(sample):
    sample.clauses[0].clauses[0].text = "共计【{{ totl | yuan }}】元"
    [finding] = [f for f in check(sample) if f.code == "template"]
    assert finding.where == "clause:1.1" and "totl" in finding.message


@pytest.mark.parametrize("text", ["甲方。。乙方", "甲方，，乙方", "条款；。"])
def test_doubled_punctuation(sample, text):
    sample.clauses[2].clauses[0].text = text
    assert ("punctuation", "clause:3.1") in codes(sample)


def test_signing_dates_blank_only_matter_once_signed(sample):
    from app.domain import Status

    assert not any(f.where.startswith("signing.a.date") for f in check(sample))
    sample.status = Status.SIGNED
    assert ("blank-field", "signing.a.date") in codes(sample)


def test_both_signing_dates_on_a_contract_not_marked_signed_are_warned(sample):
    """A draft taken in with the dates printed on its signing page counted as signed for its deadlines (filing
    overdue) while the list said 草稿: the check says so, naming the signing page's date."""
    from datetime import date

    from app.domain import Status

    sample.events.signed_a = sample.signing_a.date = date(2025, 9, 26)
    assert not any(f.code == "signing-status" for f in check(sample))  # one party only: signing under way
    sample.events.signed_b = sample.signing_b.date = date(2025, 9, 29)
    found = [f for f in check(sample) if f.code == "signing-status"]
    assert [(f.where, f.severity) for f in found] == [("signing.a.date", Severity.WARNING)]
    assert "still draft" in found[0].message and "mark it as signed" in found[0].message
    sample.status = Status.SIGNED
    assert not any(f.code == "signing-status" for f in check(sample))


def test_signing_page_date_differing_from_the_signing_event_is_warned(sample):
    from datetime import date

    # One date in two places: the PDF prints the signing page's, the schedule counts from the event.
    sample.events.signed_b = sample.signing_b.date = date(2025, 9, 29)
    assert not any(f.code == "signing-date" for f in check(sample))
    sample.signing_b.date = date(2025, 9, 30)
    found = [f for f in check(sample) if f.code == "signing-date"]
    assert [(f.where, f.severity) for f in found] == [("signing.b.date", Severity.WARNING)]
    assert "2025-09-30" in found[0].message and "2025-09-29" in found[0].message
    # A date recorded in one place only (a file from before they were kept equal) leaves the printed page blank.
    sample.events.signed_a = date(2025, 9, 26)
    assert ("signing-date", "signing.a.date") in codes(sample)


def test_a_contract_started_from_nothing_misses_what_a_clerk_would_call_missing():
    from app.domain import Contract

    found = {(f.code, f.where): f.severity for f in check(Contract(number="NEW-1"))}
    errors = {k for k, sev in found.items() if sev is Severity.ERROR}
    assert errors == {
        ("title", "title"),
        ("party-name", "parties.a.name"), ("party-name", "parties.b.name"),
        ("party-address", "parties.a.address"), ("party-address", "parties.b.address"),
        ("total-zero", "total"), ("no-instalments", "payments"), ("no-clauses", "clauses"),
    }
    assert found[("party-representative", "parties.a.representative")] is Severity.WARNING
    assert found[("party-representative", "parties.b.representative")] is Severity.WARNING


@pytest.mark.parametrize(("change", "expected"), [
    (lambda c: setattr(c, "title", "  "), ("title", "title")),
    (lambda c: setattr(c.party_b, "name", ""), ("party-name", "parties.b.name")),
    (lambda c: setattr(c.party_a, "address", ""), ("party-address", "parties.a.address")),
    (lambda c: setattr(c.party_a, "representative", ""), ("party-representative", "parties.a.representative")),
    (lambda c: setattr(c, "payments", []), ("no-instalments", "payments")),
    (lambda c: setattr(c, "clauses", []), ("no-clauses", "clauses")),
])
def test_each_missing_part_of_the_sample_is_named(sample, change, expected):
    assert expected not in codes(sample)
    change(sample)
    assert expected in codes(sample)


def test_a_zero_total_and_an_empty_cost_table_are_errors(sample):
    sample.annexes[2].table = []
    [empty] = [f for f in check(sample) if f.code.startswith("cost-table")]
    assert (empty.code, empty.where, empty.severity) == ("cost-table-empty", "annex:3", Severity.ERROR)
    sample.total = Decimal("0.00")
    assert ("total-zero", "total") in codes(sample)


def test_the_authorisation_finding_cites_the_contracts_own_clause(sample):
    [finding] = [f for f in check(sample) if f.code == "signatory"]
    assert "5.3" in finding.message  # the sample's own clause on authorised representatives
    for _depth, clause in sample.all_clauses():
        clause.text = clause.text.replace("授权", "许可")
    [finding] = [f for f in check(sample) if f.code == "signatory"]
    assert "5.3" not in finding.message and "授权委托书" in finding.message


@pytest.mark.parametrize("no", ["三", "03", "附件3", " 3 "])
def test_an_annex_numbered_another_way_is_still_the_cited_one(sample, no):
    # The text cites 附件3; an annex numbered 三 (or 附件3) is that annex, not a missing one plus a stray one.
    sample.annexes[2].no = no
    found = {f.code for f in check(sample)}
    assert "annex-missing" not in found and "annex-uncited" not in found


def test_government_template_numbers_are_a_known_style_and_counted_among_siblings(sample):
    """一、 （一） 1. as government templates number their parts: no "not in a known style" per clause (24 on one
    goods contract); a repeat or a gap among siblings is still found."""
    from app.domain import Clause

    sample.clauses = [
        Clause("一、", "总则", "", [Clause("（一）", "", "甲方……"), Clause("（二）", "", "乙方……",
                                                                      [Clause("1.", "", "a"), Clause("2.", "", "b")])]),
        Clause("二、", "付款", "", [Clause("（一）", "", "首付款"), Clause("（三）", "", "尾款")]),
        Clause("二、", "违约", "", []),
    ]
    found = [(f.code, f.message) for f in check(sample) if f.code == "clause-numbering"]
    assert [m for _c, m in found] == ["clause numbering skips 2 (before （三）)", "clause number 二、 is used twice"]
