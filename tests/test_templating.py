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


# --- compiled once (issue 21) ------------------------------------------------------------------------------------


def _fresh_process_cache(monkeypatch):
    """As in a new process: nothing compiled in memory; compiling counted."""
    from app.rules import templating

    templating._compiled.cache_clear()
    compiles: list[str] = []
    real = templating._compile_env.compile

    def counting(source, *args, **kwargs):
        compiles.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(templating._compile_env, "compile", counting)
    return compiles


def test_a_clause_is_compiled_once_and_a_new_process_reads_it_from_the_cache(monkeypatch):
    from app.base.paths import cache_dir

    source = "共计【{{ total | yuan }}】元（大写：{{ total | rmb_upper }}），乙方【{{ party_b }}】"
    compiles = _fresh_process_cache(monkeypatch)
    first = render(source, {"total": Decimal("4273290"), "party_b": ""})
    again = render(source, {"total": Decimal("12"), "party_b": "乙"})
    assert compiles == [source]  # the second render in the process reuses the code
    assert first.text == f"共计【4273290】元（大写：肆佰贰拾柒万叁仟贰佰玖拾元整），乙方【{BLANK}】"
    assert first.blanks == ["party_b"] and again.blanks == [] and again.text.startswith("共计【12】元（大写：壹拾贰元整）")
    entries = list(cache_dir("clauses").iterdir())
    assert len(entries) == 1

    compiles = _fresh_process_cache(monkeypatch)  # the next process
    assert render(source, {"total": Decimal("4273290"), "party_b": ""}) == first
    assert compiles == []


def test_a_damaged_cache_entry_is_compiled_again(monkeypatch):
    from app.base.paths import cache_dir

    source = "第【{{ n }}】条"
    _fresh_process_cache(monkeypatch)
    render(source, {"n": 3})
    (entry,) = cache_dir("clauses").iterdir()
    entry.write_bytes(entry.read_bytes()[:20])  # cut short
    compiles = _fresh_process_cache(monkeypatch)
    assert render(source, {"n": 4}).text == "第【4】条"
    assert compiles == [source] and len(entry.read_bytes()) > 20  # and written again


def test_a_cache_that_cannot_be_written_costs_nothing(monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setattr("app.rules.templating.cache_dir", lambda name: blocked / name)
    _fresh_process_cache(monkeypatch)
    assert render("【{{ n }}】", {"n": 5}).text == "【5】"


def test_a_rejected_text_is_not_cached(monkeypatch):
    from app.base.paths import cache_dir

    _fresh_process_cache(monkeypatch)
    with pytest.raises(TemplateProblem):
        render("{% for i in x %}{% endfor %}", {"x": []})
    folder = cache_dir("clauses")
    assert not folder.exists() or not any(folder.iterdir())


def test_a_constant_fill_in_is_counted_where_it_is_written():
    result = render("【{{ '' }}】【{{ a }}】【{{ 'x' }}】【{{ b }}】", {"a": "甲", "b": ""})
    assert result.text == f"【{BLANK}】【甲】【x】【{BLANK}】"
    assert result.blanks == ["''", "b"]


def test_the_cache_keeps_only_the_newest_texts(monkeypatch):
    """A stored clause's text changes with each edit over the years: the folder keeps the newest MAX_CACHED_CLAUSES."""
    import os

    from app.base.paths import cache_dir
    from app.rules import templating

    monkeypatch.setattr(templating, "MAX_CACHED_CLAUSES", 10)
    _fresh_process_cache(monkeypatch)
    folder = cache_dir("clauses")
    for i in range(11):
        render("第" + str(i) + "条【{{ n }}】", {"n": i})
        for entry in folder.iterdir():  # file times a step apart, as keystrokes are
            os.utime(entry, ns=(entry.stat().st_atime_ns, entry.stat().st_mtime_ns - 1_000_000_000))
    assert len(list(folder.iterdir())) == 10 - 1  # 11 written: over 10, so the oldest two went
    compiles = _fresh_process_cache(monkeypatch)
    render("第10条【{{ n }}】", {"n": 10})
    render("第0条【{{ n }}】", {"n": 0})
    assert compiles == ["第0条【{{ n }}】"]  # the newest is still there, the oldest is not


def test_a_text_being_typed_is_compiled_in_memory_only(monkeypatch):
    """The clause editor's preview renders every keystroke's text: none of them goes to the data folder."""
    from app.base.paths import cache_dir

    compiles = _fresh_process_cache(monkeypatch)
    for typed in ("第【{{ n", "第【{{ n }", "第【{{ n }}】"):
        try:
            render(typed, {"n": 1}, stored=False)
        except TemplateProblem:
            pass  # half a fill-in
    assert render("第【{{ n }}】", {"n": 2}, stored=False).text == "第【2】"
    folder = cache_dir("clauses")
    assert not folder.exists() or not any(folder.iterdir())
    assert compiles.count("第【{{ n }}】") == 1  # the second render reused the code in memory


def test_every_insertable_field_renders_and_amounts_come_in_both_formats(sample):
    """The insert-field menu offered the total as plain digits or as 1,234.00 but the first instalment only as plain
    digits, so a clause mixed 【386,500.00】 with 【115950】; each amount is now offered both ways."""
    from app.rules.templating import FIELD_CATALOG

    shown = {expression: render_contract_text("{{ " + expression + " }}", sample).text
             for expression, _label in FIELD_CATALOG}
    assert shown["total | money"] == "4,273,290.00" and shown["total | yuan"] == "4273290"
    assert shown["payments[0].amount | money"] == "1,424,430.00"
    assert shown["payments[0].amount | yuan"] == "1424430"
    assert shown["payments[0].amount | rmb_upper"] == "壹佰肆拾贰万肆仟肆佰叁拾元整"  # every one rendered, none refused
