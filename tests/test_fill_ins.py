"""Clause fill-ins named for a clerk: the template split into text and named fill-ins, and back exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.base.i18n import set_language
from app.codecs.sample import sample_contract
from app.rules.fill_ins import FillIn, display_text, fill_in_name, join_template, split_template


def _texts(clauses):
    for clause in clauses:
        yield clause.text
        yield from _texts(clause.clauses)


def test_every_sample_clause_comes_back_exactly_and_shows_no_template_code():
    set_language("zh_CN")
    texts = [t for t in _texts(sample_contract().clauses) if "{{" in t]
    assert len(texts) >= 8
    for text in texts:
        assert join_template(split_template(text)) == text
        assert "{{" not in display_text(text) and "}}" not in display_text(text)
    assert "共计【合同总价（纯数字）】元（大写：合同总价（大写））" in display_text(texts[0])


def test_a_fill_in_owns_the_brackets_directly_around_it():
    parts = split_template("甲方：【{{ party_a.name }}】，【¥{{ payments[0].amount | yuan }} 元】")
    assert parts[1] == FillIn("【{{ party_a.name }}】", "party_a.name", True)
    assert parts[3] == FillIn("{{ payments[0].amount | yuan }}", "payments[0].amount | yuan", False)
    assert [p for p in parts if isinstance(p, str)] == ["甲方：", "，【¥", " 元】"]
    # two fill-ins inside one pair of brackets: neither owns them
    assert [type(p).__name__ for p in split_template("【{{ a }}和{{ b }}】")] == ["str", "FillIn", "str", "FillIn", "str"]


def test_names_in_both_languages():
    set_language("zh_CN")
    assert fill_in_name("party_a.name") == "甲方名称"
    assert fill_in_name("total|rmb_upper") == "合同总价（大写）"  # written without spaces: the same field
    assert fill_in_name("payments[1].amount | rmb_upper") == "第 2 期款（大写）"
    assert fill_in_name("party_b.address") == "乙方 · 地址"
    assert fill_in_name("bank.account_no") == "账号"
    assert fill_in_name("payee.address") == "收款方 · 地址"
    assert fill_in_name("terms.delivery_days + 5") == "自定义填空"
    assert fill_in_name("party_a.name | replace('局', '')") == "自定义填空"
    assert fill_in_name("party_a.nmae") == "自定义填空"
    set_language("en")
    assert fill_in_name("party_a.name") == "Party A name"
    assert fill_in_name("payments[1].amount | rmb_upper") == "Instalment 2 amount (uppercase)"
    assert fill_in_name("terms.delivery_days + 5") == "Custom fill-in"


@given(st.lists(st.one_of(
    st.text(alphabet="ab【】{}| \n甲", max_size=8),
    st.sampled_from(["{{ total }}", "【{{ party_a.name }}】", "{{", "}}", "【{{ x }}", "{{ y }}】", "{{}}"]),
), max_size=8))
def test_split_and_join_give_back_any_text(pieces):
    text = "".join(pieces)
    assert join_template(split_template(text)) == text
