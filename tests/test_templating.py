"""Clause templates render with 【】 kept, report blanks, and never reach Python internals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.rules.templating import BLANK, TemplateProblem, render, render_contract_text


def test_sample_fill_ins_render_as_in_the_source(sample):
    clause_1_1 = sample.clauses[0].clauses[0]
    assert render_contract_text(clause_1_1.text, sample).text.startswith(
        "本合同项下甲方应当向乙方支付的服务费用共计【4273290】元（大写：肆佰贰拾柒万叁仟贰佰玖拾元整），具体清单见附件3。"
    )
    clause_10_3 = sample.clauses[9].clauses[2]
    assert "本合同一式【肆】份，甲方持【贰】份，乙方持【贰】份" in render_contract_text(clause_10_3.text, sample).text


def test_blank_field_renders_as_empty_brackets():
    result = render("甲方合同编号：【{{ party_a_number }}】", {"party_a_number": ""})
    assert result.text == f"甲方合同编号：【{BLANK}】"
    assert result.blanks == ["party_a_number"]


def test_filters():
    ctx = {"x": Decimal("1424430.00")}
    assert render("{{ x | yuan }}|{{ x | money }}|{{ x | rmb_upper }}", ctx).text == (
        "1424430|1,424,430.00|壹佰肆拾贰万肆仟肆佰叁拾元整"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ x.__init__.__globals__ }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ [1] * 100000000 }}",
        "{{ 10 ** 1000000 }}",
        "{{ lipsum.__globals__ }}",
        "{{ (x|string|list) * 10000 * 10000 }}",  # the repeated result would be far over a clause's size
        "{{ lipsum(1000000) }}",  # no text generators
        "{{ 'ab'|replace('a', 'x' * 50000)|replace('x', 'yy') }}",  # each step doubles: stopped before it is built
        "{{ 'a'|center(1000000000) }}",  # a width that would allocate a gigabyte
    ],
)
def test_hostile_templates_are_refused(source):
    with pytest.raises(TemplateProblem):
        render(source, {"x": 1})


def test_output_size_is_limited():
    with pytest.raises(TemplateProblem, match="longer than"):
        render("{{ ('x' * 10000) }}" * 20, {})


def test_unknown_name_is_a_clear_error():
    with pytest.raises(TemplateProblem, match="nope"):
        render("【{{ nope }}】", {})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("【{{ totl | yuan }}】", '"totl" is not a contract field'),
        ("【{{ party_a.nmae }}】", '"party_a.nmae" is not a contract field'),
        ("【{{ payments[0].amout | yuan }}】", '"payments[0].amout" is not a contract field'),
        ("【{{ total | yaun }}】", '"yaun" is not a filter; use one of: yuan, money, rmb_upper, upper, cn_date'),
    ],
)
def test_a_misspelt_field_or_filter_is_named_as_written(sample, source, message):
    # Jinja2's own wording names Python classes ("'app.domain.contract.Party object' has no attribute");
    # the clerk must read the name as written in the clause.
    with pytest.raises(TemplateProblem) as info:
        render_contract_text(source, sample)
    assert info.value.message == message
    assert "object" not in info.value.message and "app." not in info.value.message
