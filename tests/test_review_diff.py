"""Comparing two versions of a contract: fields, clauses (character spans), cost tables (rows and total)."""

from __future__ import annotations

import copy
from decimal import Decimal

from app.domain import Clause, CostRow
from app.review.diff import Span, diff_contracts, text_spans
from app.review.report import diff_lines, marked


def rebuilt(spans: list[Span], side: str) -> str:
    """The old (or new) text put back together from the spans: what a diff must never lose."""
    skip = "added" if side == "old" else "removed"
    return "".join(s.text for s in spans if s.kind != skip)


def test_text_spans_mark_chinese_changes_by_character():
    old = "乙方为甲方提供必要的网络安全防护，。网络安全防护必须包括：防火墙"
    new = "乙方为甲方提供必要的网络安全防护。网络安全防护必须包括：防火墙、堡垒机"
    spans = text_spans(old, new)
    assert [s for s in spans if s.kind == "removed"] == [Span("removed", "，")]
    assert [s for s in spans if s.kind == "added"] == [Span("added", "、堡垒机")]
    assert rebuilt(spans, "old") == old
    assert rebuilt(spans, "new") == new


def test_text_spans_replace_gives_removed_then_added():
    spans = text_spans("付款期限三十日", "付款期限六十日")
    assert marked(spans) == "付款期限[-三-]{+六+}十日"


def test_field_changes_name_the_path_and_both_values(sample):
    new = copy.deepcopy(sample)
    new.total = Decimal("4300000.00")
    new.party_b.name = "某某公司"
    new.terms.delivery_days = 120
    d = diff_contracts(sample, new)
    changes = {f.path: (f.old, f.new) for f in d.fields}
    assert changes["total"] == ("4273290.00", "4300000.00")
    assert changes["parties.b.name"][1] == "某某公司"
    assert changes["terms.delivery_days"][1] == 120
    assert len(changes) == 3


def test_clauses_added_removed_and_changed_by_number(sample):
    new = copy.deepcopy(sample)
    article = new.clauses[3]
    changed = article.clauses[0]
    changed.text = changed.text.replace("，。", "。")
    removed = article.clauses.pop()
    article.clauses.append(Clause("4.9", "", "新增条款内容"))
    d = diff_contracts(sample, new)
    kinds = {c.no: c.kind for c in d.clauses}
    assert kinds[changed.no] == "changed"
    assert kinds[removed.no] == "removed"
    assert kinds["4.9"] == "added"
    assert len(kinds) == 3
    change = next(c for c in d.clauses if c.no == changed.no)
    assert [s.text for s in change.spans if s.kind == "removed"] == ["，"]


def test_clause_diff_is_on_the_rendered_text(sample):
    """A total change shows in clause 1.1 where the template prints it, in digits and in 大写."""
    new = copy.deepcopy(sample)
    new.total = Decimal("4273291.00")
    d = diff_contracts(sample, new)
    clause = next(c for c in d.clauses if c.no == "1.1")
    assert "{{" not in clause.old_text
    added = "".join(s.text for s in clause.spans if s.kind == "added")
    assert "1" in added and "壹" in added


def _table(c):
    return next(a for a in c.annexes if a.table is not None)


def test_table_rows_inserted_deleted_changed_and_moved_with_total_effect(sample):
    new = copy.deepcopy(sample)
    rows = _table(new).table
    old_rows = list(_table(sample).table)
    first, second, third = rows[0], rows[1], rows[2]
    extra = CostRow("安装调试", "现场", "项", Decimal("1"), Decimal("5000.00"), "")
    third_changed = copy.deepcopy(third)
    third_changed.quantity = Decimal("2")
    _table(new).table = [third_changed, second, extra]  # first deleted, third changed and moved up, extra added
    d = diff_contracts(sample, new)
    table = next(a for a in d.annexes if a.table is not None).table
    assert [r.row.item for r in table.added] == ["安装调试"]
    assert [r.row.item for r in table.removed] == [first.item]
    assert [(c.old_index, c.new_index) for c in table.changed] == [(2, 0)]
    assert [x.column for x in table.changed[0].cells] == ["quantity"]
    expected = Decimal("5000.00") - old_rows[0].amount + third.amount
    assert table.total_change == expected
    assert d.total_effect == expected


def test_pure_move_is_reported_as_moved_not_changed(sample):
    new = copy.deepcopy(sample)
    rows = _table(new).table
    _table(new).table = [rows[2], rows[0], rows[1]]
    table = next(a for a in diff_contracts(sample, new).annexes if a.table is not None).table
    assert not table.added and not table.removed and not table.changed
    assert table.moved
    assert table.total_change == 0


def test_no_changes_is_empty_and_says_so(sample):
    d = diff_contracts(sample, copy.deepcopy(sample))
    assert d.is_empty
    assert diff_lines(d) == ["no changes"]


def test_diff_lines_show_old_and_new(sample):
    new = copy.deepcopy(sample)
    new.total = Decimal("1.00")
    text = "\n".join(diff_lines(diff_contracts(sample, new)))
    assert "Total: 4,273,290.00 → 1.00" in text
