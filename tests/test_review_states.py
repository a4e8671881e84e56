"""Approval states, read-only after signing (store and CLI), revisions and amendments with effective values."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from app.base.errors import UserError
from app.codecs.amended import effective_contract
from app.domain import Status
from app.domain.amendment import Amendment
from app.ops import annexes as annex_ops
from app.ops import review as review_ops
from app.ops.contracts import set_event, set_field
from app.store import amendments, revisions, states
from app.store import annex_rows as ar
from app.store.contracts import load, load_versioned
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import downgrade_database, record_signing, store_edit


def sign(db) -> None:
    for target in ("review", "approved"):
        review_ops.set_state(db, N, target, user="张三")
    record_signing(db)  # nothing stands against signing then (the guardrail: app.review.obstacles)
    review_ops.set_state(db, N, "signed", user="张三")


def table_id(db) -> int:
    return next(a.id for a in ar.list_annexes(db, N) if a.kind.value == "table")


def test_workflow_records_who_and_when_and_refuses_skipping(db):
    with pytest.raises(UserError, match="cannot become"):
        review_ops.set_state(db, N, "signed")
    sign(db)
    steps = states.history(db, N)
    assert [(s.from_state, s.to_state) for s in steps] == [
        (Status.DRAFT, Status.REVIEW), (Status.REVIEW, Status.APPROVED), (Status.APPROVED, Status.SIGNED)]
    assert all(s.user == "张三" and s.at.endswith("Z") for s in steps)
    assert load(db, N).status == Status.SIGNED
    with pytest.raises(UserError):
        review_ops.set_state(db, N, "draft")


def test_signed_contract_refuses_edits_and_keeps_data(db):
    sign(db)
    contract, version = load_versioned(db, N)
    contract.title = "changed"
    with pytest.raises(UserError, match="amendment"):
        store_edit(db, contract, version)
    assert load(db, N).title != "changed"
    aid = table_id(db)
    before = ar.fetch_rows(db, aid)
    rid = before.ids[0]
    with pytest.raises(UserError, match="read-only"):
        annex_ops.update_cells(db, N, aid, [ar.CellChange(rid, "quantity", Decimal("9"))])
    with pytest.raises(UserError):
        annex_ops.delete_rows(db, N, aid, [rid])
    with pytest.raises(UserError):
        annex_ops.insert_rows(db, N, aid, None, [("x", "", "", Decimal("1"), Decimal("1.00"), "")])
    assert ar.fetch_rows(db, aid).ids == before.ids
    assert load(db, N).annex("3").table[0].quantity == Decimal("1")


def test_signed_contract_still_records_post_signing_events_and_invoices(db):
    set_event(db, N, "signed_a", date(2025, 3, 1))
    for target in ("review", "approved"):
        review_ops.set_state(db, N, target)
    set_field(db, N, "signing.a.signatory", "李锦辉")
    review_ops.set_state(db, N, "signed", despite="乙方签字日期待补")  # B's signing date is still blank
    set_event(db, N, "signed_b", date(2025, 3, 3))  # blank until now: allowed
    set_event(db, N, "accepted", date(2025, 9, 1))
    with pytest.raises(UserError):
        set_event(db, N, "signed_a", date(2025, 3, 2))  # changing a recorded signing date is not
    from app.domain import Invoice

    contract, version = load_versioned(db, N)
    contract.events.invoices.append(Invoice(date(2025, 9, 5), 1, "FP-1"))
    store_edit(db, contract, version)
    stored = load(db, N)
    assert stored.events.accepted == date(2025, 9, 1)
    assert stored.events.signed_a == date(2025, 3, 1)
    assert stored.signing_b.date == date(2025, 3, 3)  # one date: the signing page prints it too
    assert [i.note for i in stored.events.invoices] == ["FP-1"]


def test_archived_contract_accepts_nothing(db):
    sign(db)
    review_ops.set_state(db, N, "archived")
    with pytest.raises(UserError, match="archived"):
        set_event(db, N, "accepted", date(2025, 9, 1))


def test_cli_refuses_edit_of_signed_contract(cli, db_path, tmp_path):
    assert cli("state", N, "review").code == 0
    assert cli("state", N, "approved").code == 0
    assert cli("state", N, "signed", "--despite", "签字页原件已归档").code == 0
    out = tmp_path / "c.json"
    assert cli("export", N, "--json", str(out)).code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["title"] = "changed"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = cli("import", str(out), "--replace")
    assert r.code == 2
    assert "read-only" in r.err and "Traceback" not in r.err
    assert "signed" in cli("state", N).out
    r = cli("delete", N)  # a signed contract is not deleted either
    assert r.code == 2 and "read-only" in r.err and "Traceback" not in r.err
    assert cli("list").out.count(N) == 1


def test_revisions_are_kept_and_named_when_reviewed(db):
    assert len(revisions.list_revisions(db, N)) == 1  # the installed sample
    seq = review_ops.mark_reviewed(db, N, "review 1", user="李四").value
    contract, version = load_versioned(db, N)
    contract.total = Decimal("1.00")
    store_edit(db, contract, version)
    revs = revisions.list_revisions(db, N)
    assert [r.seq for r in revs] == [1, 2]  # an edit keeps no revision of its own: the trail has it
    assert (revs[1].name, revs[1].user, revs[1].reviewed) == ("review 1", "李四", True)
    assert revisions.load_revision(db, N, "review 1").total == Decimal("4273290.00")
    assert revisions.load_revision(db, N, seq).total == Decimal("4273290.00")
    d = revisions.compare(db, N, "review 1")
    assert [(f.path, f.new) for f in d.fields] == [("total", "1.00")]
    with pytest.raises(UserError):
        review_ops.mark_reviewed(db, N, "review 1")


def test_cell_edit_shows_in_compare_against_current(db):
    seq = review_ops.mark_reviewed(db, N, "before cells").value
    aid = table_id(db)
    rid = ar.fetch_rows(db, aid).ids[1]
    annex_ops.update_cells(db, N, aid, [ar.CellChange(rid, "quantity", Decimal("3"))])
    table = next(a.table for a in revisions.compare(db, N, seq).annexes if a.table is not None)
    assert [(c.new_index, [x.column for x in c.cells]) for c in table.changed] == [(1, ["quantity"])]
    assert table.total_change == Decimal("1424430.00") * 2


def test_amendment_gives_effective_values_and_only_on_signed(db):
    am = Amendment("BC-2025-01", "补充协议（一）", date(2025, 10, 1), {"total": "4300000.00", "terms.delivery_days": 120})
    with pytest.raises(UserError, match="signed"):
        review_ops.add_amendment(db, N, am)
    sign(db)
    review_ops.add_amendment(db, N, am)
    stored, listed, effective = amendments.load_effective(db, N)
    assert stored.total == Decimal("4273290.00")
    assert effective.total == Decimal("4300000.00")
    assert effective.terms.delivery_days == 120
    assert [a.number for a in listed] == ["BC-2025-01"]
    assert listed[0].signed == date(2025, 10, 1)


def test_amendment_that_does_not_apply_is_refused(db):
    sign(db)
    with pytest.raises(UserError, match="no such field"):
        review_ops.add_amendment(db, N, Amendment("BC-9", changes={"totl": "1.00"}))
    with pytest.raises(UserError, match="not an amount"):
        review_ops.add_amendment(db, N, Amendment("BC-9", changes={"total": "abc"}))
    assert amendments.list_amendments(db, N) == []


def test_effective_contract_changes_a_clause_by_number(sample):
    am = Amendment("BC-1", changes={"clause[4.1].text": "新条款文字"})
    eff = effective_contract(sample, [am])
    assert next(c.text for _d, c in eff.all_clauses() if c.no == "4.1") == "新条款文字"
    assert next(c.text for _d, c in sample.all_clauses() if c.no == "4.1") != "新条款文字"


def test_cli_amend_and_list(cli):
    for target in ("review", "approved"):
        assert cli("state", N, target).code == 0
    assert cli("state", N, "signed", "--despite", "签字页原件已归档").code == 0
    r = cli("amend", N, "--amendment-number", "BC-1", "--title", "补充协议", "--set", "total=4300000.00")
    assert r.code == 0, r
    listing = cli("amend", N, "--list")
    assert "BC-1" in listing.out and "effective total: 4300000.00" in listing.out


def test_cli_review_mark_and_diff(cli, db):
    assert cli("review", "mark", N, "--name", "base").code == 0
    contract, version = load_versioned(db, N)
    contract.total = Decimal("4273291.00")
    store_edit(db, contract, version)
    db.close()
    text = cli("review", "diff", N, "--from", "base")
    assert text.code == 0
    assert "Total: 4,273,290.00 → 4,273,291.00" in text.out
    assert "427329[-0-]{+1+}" in text.out  # clause 1.1 as rendered
    data = json.loads(cli("review", "diff", N, "--from", "base", "--json").out)
    assert data["fields"] == [{"path": "total", "old": "4273290.00", "new": "4273291.00"}]
    missing = cli("review", "diff", N, "--from", "nope")
    assert missing.code == 2 and "no such revision" in missing.err


def test_an_amendments_own_clauses_keep_their_nesting_in_the_store_and_the_exchange_file(db, tmp_path):
    from app.domain import Clause
    from app.ops.contracts import import_document
    from app.ops.exchange import export_document

    clauses = [Clause("第一条", "变更事项", "双方同意：", [Clause("1.1", "", "交付期限延长至【120】日。",
                                                               [Clause("1.1.1", "", "延长期间不计违约金。")]),
                                                        Clause("1.2", "", "合同总价调整为【4,300,000.00】元。")]),
               Clause("第二条", "其他", "本补充协议一式肆份。")]
    sign(db)
    review_ops.add_amendment(db, N, Amendment("BC-7", "补充协议（七）", date(2025, 11, 3), {}, clauses))
    assert amendments.list_amendments(db, N)[0].clauses == clauses
    text = export_document(db, N)
    other = tmp_path / "other.db"
    from app.ops.first_run import open_store

    copy = open_store(other, load_sample=False)
    try:
        import_document(copy, text)
        assert amendments.list_amendments(copy, N)[0].clauses == clauses
        assert export_document(copy, N) == text
    finally:
        copy.close()


def test_amendments_stored_before_clause_depths_read_as_top_level_clauses(db, db_path):
    """A database of the previous version (0003) upgrades in place; its amendment clauses were stored flat."""

    from app.domain import Clause
    from app.ops.first_run import open_store


    sign(db)
    review_ops.add_amendment(db, N, Amendment("BC-3", "补充协议（三）", None, {}, [Clause("第一条", "", "甲", [Clause("1.1", "", "乙")])]))
    db.close()
    downgrade_database(db_path, "0003_contract_search")
    upgraded = open_store(db_path)
    try:
        assert amendments.list_amendments(upgraded, N)[0].clauses == [Clause("第一条", "", "甲"), Clause("1.1", "", "乙")]
    finally:
        upgraded.close()
