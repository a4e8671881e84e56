"""The hash-chained audit trail: every change logged, tampering in the database file detected."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

from app.ops import annexes as annex_ops
from app.ops import review as review_ops
from app.ops.contracts import add_contract, delete_contract, set_field
from app.store import annex_rows as ar
from app.store import audit
from app.store.contracts import load_versioned
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import store_edit, table_annex


def make_history(db) -> None:
    contract, version = load_versioned(db, N)
    contract.total = Decimal("4273291.00")
    store_edit(db, contract, version)
    aid = table_annex(db).id
    rid = ar.fetch_rows(db, aid).ids[0]
    annex_ops.update_cells(db, N, aid, [ar.CellChange(rid, "remark", "改")])
    review_ops.add_comment(db, N, "clause", "4.1", "标点")
    review_ops.set_state(db, N, "review")


def test_every_change_is_logged_with_old_and_new(db, monkeypatch):
    monkeypatch.setenv("CONTRACTDESK_USER", "审计员")
    make_history(db)
    log = audit.entries(db, N)
    assert [e.what for e in log] == ["create", "edit", "annex 3: cells", "comment added", "state"]
    edit = log[1]
    assert json.loads(edit.old) == {"total": "4273290.00"}
    assert json.loads(edit.new) == {"total": "4273291.00"}
    cells = log[2]
    assert json.loads(cells.new)[0][1:] == ["remark", "改"]
    assert (log[4].old, log[4].new) == ("draft", "review")
    assert all(e.user == "审计员" for e in log[1:])
    assert all(e.at.endswith("Z") for e in log)
    assert audit.verify(db, N) is None


def test_log_outlives_the_contract(db):
    delete_contract(db, N)
    assert audit.entries(db, N)[-1].what == "delete"
    assert audit.verify(db, N) is None


def tamper(db_path, sql: str, *params) -> None:
    con = sqlite3.connect(db_path)
    con.execute(sql, params)
    con.commit()
    con.close()


def test_row_edited_directly_in_sqlite_is_detected(db, db_path):
    make_history(db)
    target = audit.entries(db, N)[2].seq
    tamper(db_path, "UPDATE audit_log SET new = ? WHERE seq = ?", '[[1,"remark","别的"]]', target)
    assert audit.verify(db, N) == target


def test_deleted_entry_is_detected_at_the_next_one(db, db_path):
    make_history(db)
    log = audit.entries(db, N)
    tamper(db_path, "DELETE FROM audit_log WHERE seq = ?", log[1].seq)
    assert audit.verify(db, N) == log[2].seq


def test_rehashed_entry_still_breaks_the_link_to_the_next(db, db_path):
    """A forger who recomputes the edited entry's own hash still breaks the next entry's prev_hash."""
    make_history(db)
    e = audit.entries(db, N)[1]
    forged = audit.entry_hash(e.prev_hash, e.seq, e.at, "someone else", e.contract, e.what, e.old, e.new)
    tamper(db_path, "UPDATE audit_log SET user = ?, hash = ? WHERE seq = ?", "someone else", forged, e.seq)
    assert audit.verify(db, N) == audit.entries(db, N)[2].seq


def test_cli_audit_prints_and_verifies(cli, db_path):
    assert cli("state", N, "review").code == 0
    listing = cli("audit", N)
    assert listing.code == 0
    assert "state changed\tdraft → under review" in listing.out
    ok = cli("audit", N, "--verify")
    assert ok.code == 0 and "intact" in ok.out
    first = json.loads(cli("audit", N, "--json").out)[0]["seq"]
    tamper(db_path, "UPDATE audit_log SET what = 'nothing' WHERE seq = ?", first)
    broken = cli("audit", N, "--verify")
    assert broken.code == 1
    assert f"entry {first}" in broken.err


def test_chain_is_per_contract(db, sample):
    n = 3
    for i in range(n):
        c = sample
        c.number = f"X-{i}"
        add_contract(db, c)
    assert [audit.entries(db, f"X-{i}")[0].prev_hash for i in range(n)] == [audit.GENESIS] * n
    assert audit.verify(db, N) is None


def test_review_tables_work_on_every_store(store_db):
    """The 0002_review tables on SQLite and PostgreSQL: state, revision, comment, amendment, intact chain."""
    from app.domain.amendment import Amendment
    from app.store import amendments, comments, revisions

    db = store_db
    seq = review_ops.mark_reviewed(db, N, "r1").value
    contract, version = load_versioned(db, N)
    contract.total = Decimal("1.00")
    store_edit(db, contract, version)
    assert [f.path for f in revisions.compare(db, N, seq).fields] == ["total"]
    review_ops.add_comment(db, N, "clause", "4.1", "注意")
    review_ops.set_state(db, N, "review")
    for target in ("approved", "signed"):  # the open comment stands against both: gone ahead with a reason
        review_ops.set_state(db, N, target, despite="会上已说明")
    review_ops.add_amendment(db, N, Amendment("BC-1", changes={"total": "2.00"}))
    assert amendments.load_effective(db, N)[2].total == Decimal("2.00")
    assert comments.open_comment_counts(db) == {N: 1}
    assert len(audit.entries(db, N)) == 12  # … each "despite" is an entry of its own, and each step's note too
    assert audit.verify(db, N) is None


def test_contract_data_changed_directly_in_sqlite_is_detected(cli, db, db_path):
    """Every change ContractDesk makes is on record; a change made in SQL is not, and --verify says where."""
    from app.ops.integrity import integrity_problems

    make_history(db)
    _c, version = load_versioned(db, N)
    set_field(db, N, "title", "改过的标题", expected_version=version)  # a form edit: in the trail
    for state in ("approved", "signed"):
        review_ops.set_state(db, N, state, despite="原件已签")
    assert cli("event", N, "accepted", "2025-09-01").code == 0
    assert integrity_problems(db, N) == []  # ordinary work leaves nothing unexplained
    assert cli("audit", N, "--verify").code == 0

    tamper(db_path, "UPDATE contracts SET total = '9999999.00' WHERE number = ?", N)
    tamper(db_path, "UPDATE contracts SET status = 'draft' WHERE number = ?", N)
    tamper(db_path, "UPDATE contracts SET accepted = '2025-10-01' WHERE number = ?", N)
    problems = integrity_problems(db, N)
    assert any("Total" in p for p in problems)
    assert any("signed" in p for p in problems)
    assert any("2025-09-01" in p for p in problems)
    result = cli("audit", N, "--verify")
    assert result.code == 1 and "Total" in result.err and "Traceback" not in result.err
