"""Plain language: diffs, comments and the schedule speak of the contract in front of the clerk, in the window's
language — no JSON paths, enum values, hex ids or another contract's clause numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.base.i18n import set_language
from app.domain import Contract, DueAfter, Invoice
from app.review.diff import diff_contracts
from app.review.report import diff_lines
from app.rules.schedule import build_schedule
from tests.conftest import SAMPLE_NUMBER as N

INTERNAL = ("effective", "acceptance", "payments", "[]", "events.", "parties.", "due.after", "sha256")


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def test_a_diff_of_instalments_and_what_they_count_from_reads_as_words(sample, zh):
    changed = Contract(**{**sample.__dict__})
    changed.payments = [*sample.payments]
    changed.payments[0] = type(sample.payments[0])(sample.payments[0].amount, type(sample.payments[0].due)(
        DueAfter.EFFECTIVE), sample.payments[0].wording)
    lines = diff_lines(diff_contracts(sample, changed))
    assert "  第 1 期：起算事件：验收 → 生效日期" in lines, lines
    gone = Contract(**{**sample.__dict__, "payments": []})
    text = "\n".join(diff_lines(diff_contracts(sample, gone)))
    assert "  第 3 期：金额：1,424,430.00 → （空白）" in text
    assert "付款期：" not in text  # the emptied list is told by its items, not as "（空白） → （无）"
    for word in INTERNAL:
        assert word not in text, word


def test_invoices_bank_accounts_and_images_are_named_as_the_clerk_knows_them(sample, zh):
    after = Contract(**{**sample.__dict__})
    after.events = type(sample.events)(invoices=[Invoice(date(2025, 9, 5), 1, "FP-1")])
    after.signing_a = type(sample.signing_a)(seal_image=b"\x89PNG-seal")
    after.party_a = type(sample.party_a)(**{**sample.party_a.__dict__, "bank": None})
    text = "\n".join(diff_lines(diff_contracts(sample, after)))
    assert "发票 1：日期" in text and "甲方 · 印章图片" in text and "图片" in text
    for word in INTERNAL:
        assert word not in text, (word, text)


def test_the_effect_rule_cites_the_contracts_own_clause_or_none(sample, zh):
    from app.domain.calendar import WorkCalendar

    item = build_schedule(sample, WorkCalendar(), date(2025, 6, 1)).items[0]
    assert item.rule == "以双方签署日期中较晚者为准（第 10.2 条）"  # the sample's own clause 10.2 says so
    empty = Contract(number="NEW-1", total=Decimal("100.00"))
    item = build_schedule(empty, WorkCalendar(), date(2025, 6, 1)).items[0]
    assert item.rule == "以双方签署日期中较晚者为准"  # a contract with no clauses cites none
    sample.clauses[9].clauses[1].no = "9.9"
    assert "（第 9.9 条）" in build_schedule(sample, WorkCalendar(), date(2025, 6, 1)).items[0].rule


def test_a_finished_step_with_no_date_shows_when_it_was_done_not_an_empty_wait(qtbot, db, zh):
    from app.ops.contracts import set_event
    from ui.schedule_tab import ScheduleTab

    set_event(db, N, "acceptance_requested", date(2025, 7, 1))
    tab = ScheduleTab(db, today=date(2025, 7, 2))
    qtbot.addWidget(tab)
    tab.set_contract(N)
    rows = {tab.tree.topLevelItem(i).text(0): tab.tree.topLevelItem(i).text(1) for i in range(tab.tree.topLevelItemCount())}
    done = next(text for what, text in rows.items() if "验收申请" in what)
    assert done == "已于 2025-07-01 完成"
    assert not any(text.strip() in ("等待：", "waits for:") for text in rows.values())


def test_comments_show_who_when_and_where_and_keep_the_id_in_a_tooltip(qtbot, db, zh):
    from app.ops.review import add_comment
    from ui.comments_panel import CommentsPanel

    c = add_comment(db, N, "clause", "4.1", "标点有误", user="李四").value
    panel = CommentsPanel(db)
    qtbot.addWidget(panel)
    panel.retranslate_ui()
    panel.set_contract(N)
    item = panel.tree.topLevelItem(0)
    headers = [panel.tree.headerItem().text(i) for i in range(panel.tree.columnCount())]
    assert headers == ["批注", "状态"]
    text, meta = item.text(0).split("\n")
    assert text == "标点有误" and meta.startswith("条款 4.1 · 李四 · 20") and item.text(1) == "未解决"
    assert c.uid[:8] not in item.text(0)
    assert f"意见编号：{c.uid[:8]}" in item.toolTip(0)


def test_a_signing_date_is_one_change_in_a_diff(sample, zh):
    after = Contract(**{**sample.__dict__})
    after.events = type(sample.events)(signed_a=date(2025, 6, 3))
    after.signing_a = type(sample.signing_a)(**{**sample.signing_a.__dict__, "date": date(2025, 6, 3)})
    lines = [line for line in diff_lines(diff_contracts(sample, after)) if "2025-06-03" in line]
    assert lines == ["  甲方 · 签署日期：（空白） → 2025-06-03"]
