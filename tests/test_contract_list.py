"""The contract list query: search across fields and clause text (FTS5 trigram), filter, sort, pages, sync."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from app.domain import Clause, Status
from app.ops.contracts import delete_contract, set_event
from app.ops.first_run import open_store
from app.ops.standings import next_deadlines
from app.rules.schedule import next_deadline
from app.store import contracts
from app.store.contract_list import (
    count_contracts,
    get_summary,
    has_fts,
    search_contracts,
)
from tests.conftest import SAMPLE_NUMBER, downgrade_database


def _add(db, sample, number: str, title: str, party_a: str, total: str, status: Status, clause_text: str) -> None:
    c = sample
    c.number, c.title, c.total, c.status = number, title, Decimal(total), status
    c.party_a.name = party_a
    c.project = ""
    c.clauses = [Clause("第一条", "约定", clause_text)]
    c.annexes = []
    c.payments = []
    contracts.save(db, c)


@pytest.fixture
def listed(db):
    from app.codecs.sample import sample_contract

    _add(db, sample_contract(), "T-0001", "内黄县教育局网络专线合同", "内黄县教育局", "9.00", Status.SIGNED,
         "乙方提供千兆光纤专线服务，月租费按季度结算。")
    _add(db, sample_contract(), "T-0002", "滑县人民医院机房改造", "滑县人民医院", "100.00", Status.DRAFT,
         "机房空调与不间断电源由乙方负责维护保养。")
    _add(db, sample_contract(), "T-0003", "林州市财政局电子政务外网", "林州市财政局", "10.00", Status.REVIEW,
         "政务外网接入带宽不低于一百兆，验收合格后付款。")
    return db


def numbers(rows) -> list[str]:
    return [r.number for r in rows]


def test_the_fts_index_exists_on_sqlite(db):
    assert has_fts(db)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("T-000", ["T-0001", "T-0002", "T-0003"]),  # number
        ("机房改造", ["T-0002"]),  # title
        ("林州市财政局", ["T-0003"]),  # party A
        ("中国移动通信集团河南", [SAMPLE_NUMBER, "T-0001", "T-0002", "T-0003"]),  # party B of every copy
        ("千兆光纤", ["T-0001"]),  # clause text only
        ("机房空调", ["T-0002"]),
        ("云存储", [SAMPLE_NUMBER]),  # the sample's own clauses
        ("t-0002", ["T-0002"]),  # ASCII case does not matter
        ("内黄", ["T-0001"]),  # two characters: the small fields
        ("没有这样的合同", []),
    ],
)
def test_search_finds_by_every_field(listed, query, expected):
    assert numbers(search_contracts(listed, query)) == expected
    assert count_contracts(listed, query) == len(expected)


def test_two_characters_do_not_search_clause_text(listed):
    """Documented limit: a trigram index needs three characters; shorter text searches the small fields."""
    assert numbers(search_contracts(listed, "光纤")) == []
    assert numbers(search_contracts(listed, "千兆光")) == ["T-0001"]


@pytest.mark.parametrize("query", ["50%", "_", "%", '"', "T-0001\" OR \"T", "NEAR(a b)", "a*"])
def test_special_characters_are_plain_text(listed, query):
    assert search_contracts(listed, query) == []
    assert count_contracts(listed, query) == 0


def test_status_filter(listed):
    assert numbers(search_contracts(listed, status=Status.DRAFT)) == [SAMPLE_NUMBER, "T-0002"]
    assert numbers(search_contracts(listed, "T-", Status.SIGNED)) == ["T-0001"]
    assert count_contracts(listed, status=Status.ARCHIVED) == 0


def test_sort_by_total_is_numeric(listed):
    rows = search_contracts(listed, "T-", order_by="total")
    assert [r.total for r in rows] == [Decimal("9.00"), Decimal("10.00"), Decimal("100.00")]
    rows = search_contracts(listed, order_by="total", descending=True)
    assert rows[0].number == SAMPLE_NUMBER  # 4,273,290.00


def test_sort_by_other_columns(listed):
    assert numbers(search_contracts(listed, "T-", order_by="number", descending=True)) == ["T-0003", "T-0002", "T-0001"]
    from app.codecs.sample import sample_contract

    _add(listed, sample_contract(), "T-0004", "安阳市档案馆", "安阳市档案馆", "5.00", Status.APPROVED, "档案数字化。")
    by_status = search_contracts(listed, "T-", order_by="status")  # the order of a contract's life, not A–Z
    assert [r.status for r in by_status] == [Status.DRAFT, Status.REVIEW, Status.APPROVED, Status.SIGNED]
    by_party = search_contracts(listed, "T-", order_by="party_a")
    assert [r.party_a for r in by_party] == sorted(r.party_a for r in by_party)


def test_unknown_sort_key_is_refused(listed):
    from app.base.errors import UserError

    with pytest.raises(UserError):
        search_contracts(listed, order_by="total; DROP TABLE contracts")


def test_pages_cover_everything_once(listed):
    seen = []
    for offset in range(0, 10, 2):
        seen += numbers(search_contracts(listed, offset=offset, limit=2))
    assert seen == numbers(search_contracts(listed))
    assert len(seen) == count_contracts(listed) == 4


def test_index_follows_edits_and_deletes(listed):
    c = contracts.load(listed, "T-0002")
    c.clauses[0].text = "本合同约定卫星电话租赁。"
    c.party_a.name = "汤阴县应急管理局"
    contracts.save(listed, c, replace=True)
    assert numbers(search_contracts(listed, "机房空调")) == []
    assert numbers(search_contracts(listed, "卫星电话")) == ["T-0002"]
    assert numbers(search_contracts(listed, "应急管理局")) == ["T-0002"]
    assert numbers(search_contracts(listed, "机房改造")) == ["T-0002"]  # the title stayed
    delete_contract(listed, "T-0002")
    assert search_contracts(listed, "卫星电话") == []
    assert search_contracts(listed, "应急管理局") == []


def test_list_contracts_and_cli_use_the_same_search(listed, cli, db_path):
    assert numbers(contracts.list_contracts(listed, "机房空调")) == ["T-0002"]
    result = cli("list", "--search", "机房空调")
    assert result.code == 0 and "T-0002" in result.out and "T-0001" not in result.out


def test_get_summary(listed):
    s = get_summary(listed, "T-0002")
    assert (s.title, s.party_a, s.total, s.status) == ("滑县人民医院机房改造", "滑县人民医院", Decimal("100.00"), Status.DRAFT)
    assert get_summary(listed, "nope") is None


def test_upgrading_an_existing_database_indexes_its_rows(db_path, listed):
    """A database made before 0003 gets the index filled from what it already holds."""

    listed.close()
    downgrade_database(db_path, "0002_review")
    db = open_store(db_path)
    try:
        assert has_fts(db)
        assert numbers(search_contracts(db, "机房空调")) == ["T-0002"]
        assert numbers(search_contracts(db, "林州市")) == ["T-0003"]
    finally:
        db.close()


def test_without_fts_the_search_falls_back_to_like(db_path, listed):
    """PostgreSQL, or a SQLite without FTS5: clause text is searched with LIKE, even two characters."""
    listed.close()
    con = sqlite3.connect(db_path)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")
    con.execute("DROP TABLE clause_search")
    con.execute("DROP TABLE contract_search")
    con.commit()
    con.close()
    db = open_store(db_path)
    try:
        assert not has_fts(db)
        assert numbers(search_contracts(db, "光纤")) == ["T-0001"]
        assert numbers(search_contracts(db, "林州市财政局")) == ["T-0003"]
        assert search_contracts(db, "50%") == []
        assert count_contracts(db, "T-", Status.REVIEW) == 1
    finally:
        db.close()


def test_next_deadlines_match_what_the_reminders_show(db):
    """The list's 下一期限 is the standing's next item (the reminders' and 付款与期限's): an instalment paid in full
    is no longer "overdue" there."""
    from decimal import Decimal

    from app.ops.payments import record_payment
    from app.ops.standings import standing
    from app.rules.payments_made import PaymentMade
    from app.store.calendar import load_calendar

    set_event(db, SAMPLE_NUMBER, "signed_a", date(2025, 5, 20))
    set_event(db, SAMPLE_NUMBER, "signed_b", date(2025, 5, 22))
    set_event(db, SAMPLE_NUMBER, "accepted", date(2025, 5, 30))
    today = date(2026, 6, 1)
    before = next_deadlines(db, [SAMPLE_NUMBER], today)[SAMPLE_NUMBER]
    own = next_deadline(contracts.load(db, SAMPLE_NUMBER), load_calendar(db), today)  # the contract's own schedule
    assert before is not None and own is not None
    record_payment(db, SAMPLE_NUMBER, PaymentMade(1, date(2025, 6, 20), Decimal("1424430.00"), "记-1"), today=today)
    found = next_deadlines(db, [SAMPLE_NUMBER], today)[SAMPLE_NUMBER]
    expected = standing(db, SAMPLE_NUMBER, today).schedule.next_item()
    assert found is not None and expected is not None
    assert (found.key, found.date) == (expected.key, expected.date)
    assert found.key != own.key or found.date != own.date  # not the instalment paid


def test_bench_generator_and_measure(db):
    from bench.bench_list import generate_contracts, measure, typing_queries

    generate_contracts(db, 30)
    assert count_contracts(db) == 31
    assert count_contracts(db, "CMHA-AY-20") == 31
    timings = measure(db, typing_queries(["内黄县教育局"]))
    assert len(timings) == 6 and all(t > 0 for t in timings)
