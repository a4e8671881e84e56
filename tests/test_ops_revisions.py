"""Operations answer with what they changed; revisions are kept at the moments people name, tables once by content."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.base.errors import Conflict, UserError
from app.ops import Part
from app.ops import annexes as annex_ops
from app.ops import review as review_ops
from app.ops.contracts import save_version, set_field
from app.ops.export import ExportOptions, export_packet
from app.ops.first_run import open_store
from app.ops.integrity import integrity_problems
from app.ops.unit import EditSession
from app.store import annex_rows as ar
from app.store import audit, contracts, revisions
from app.store.revisions import Reason
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import table_annex

RELEASE_0004 = Path(__file__).parent / "data" / "release-0004.db"


def reasons(db) -> list[Reason | None]:
    return [r.reason for r in revisions.list_revisions(db, N)]


def table_rows_stored(db_path) -> int:
    with closing(sqlite3.connect(db_path)) as con, con:
        return con.execute("SELECT count(*) FROM revision_tables").fetchone()[0]


def age_revisions(db_path, minutes: int) -> None:
    """Make every revision look `minutes` older (a long pause since the last one)."""
    past = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with closing(sqlite3.connect(db_path)) as con, con:
        con.execute("UPDATE revisions SET at = ?", (past,))


# ------------------------------------------------------------------ what an op says it changed


def test_a_field_edit_says_what_changed_and_advances_the_version_by_one(db):
    version = contracts.version_of(db, N)
    before = contracts.load(db, N).party_b.bank.account_no
    done = set_field(db, N, "parties.b.bank.account_no", "4105 0100 0000 0000 0001", expected_version=version)
    assert done.changes.number == N and done.changes.version == version + 1
    assert done.changes.parts == {Part.PARTIES}
    assert done.value == before  # the previous value, for undo


def test_an_edit_that_changes_nothing_stores_nothing(db):
    version = contracts.version_of(db, N)
    entries = len(audit.entries(db, N))
    done = set_field(db, N, "title", contracts.load(db, N).title, expected_version=version)
    assert done.changes.version == version and not done.changes.parts
    assert len(audit.entries(db, N)) == entries


def test_a_comment_is_a_record_about_the_contract_not_a_change_of_it(db):
    version = contracts.version_of(db, N)
    done = review_ops.add_comment(db, N, "field", "total", "请核对")
    assert done.changes.parts == {Part.COMMENTS} and done.changes.version == version
    set_field(db, N, "title", "新标题", expected_version=version)  # the clerk's next edit is not stale


def test_a_cell_edit_names_its_annex_and_is_checked_against_the_version(db):
    annex = table_annex(db)
    rid = ar.fetch_rows(db, annex.id).ids[0]
    version = contracts.version_of(db, N)
    done = annex_ops.update_cells(db, N, annex.id, [ar.CellChange(rid, "remark", "改")], expected_version=version)
    assert done.changes.parts == {Part.ROWS} and done.changes.annexes == {annex.id}
    assert done.changes.version == version + 1
    with pytest.raises(Conflict):  # an editor that read the old version is refused, not overwritten
        annex_ops.update_cells(db, N, annex.id, [ar.CellChange(rid, "remark", "再改")], expected_version=version)
    assert contracts.load(db, N).annex("3").table[0].remark == "改"


def test_the_state_changes_only_by_its_steps(db):
    from app.ops.contracts import edit_contract

    def skip_to_signed(contract):
        from app.domain import Status

        contract.status = Status.SIGNED

    with pytest.raises(UserError) as err:
        edit_contract(db, N, skip_to_signed)
    assert err.value.where == "status"
    assert contracts.load(db, N).status.value == "draft"


# ------------------------------------------------------------------ revisions at the moments people name


def test_typing_in_one_sitting_keeps_one_revision_before_editing(db):
    session = EditSession()
    for i in range(20):  # twenty fields typed in one sitting
        set_field(db, N, "project", f"项目 {i}", session=session)
    assert reasons(db) == [Reason.IMPORTED]  # the state before the sitting is the imported one: kept once
    session.last_edit[N] -= 45 * 60  # a long pause
    set_field(db, N, "project", "暂停之后", session=session)
    set_field(db, N, "project", "暂停之后又改", session=session)
    assert reasons(db) == [Reason.IMPORTED, Reason.SESSION]
    kept = revisions.load_revision(db, N, 2)
    assert kept.project == "项目 19"  # the state before the edits after the pause
    assert len([e for e in audit.entries(db, N) if e.what == "edit"]) == 22  # every edit in the trail


def test_a_command_keeps_a_revision_before_editing_when_the_last_one_is_old(db, db_path):
    set_field(db, N, "project", "脚本改的")  # the command line: no session
    assert reasons(db) == [Reason.IMPORTED]  # the last revision is minutes old
    age_revisions(db_path, 45)
    set_field(db, N, "project", "又改")
    assert reasons(db) == [Reason.IMPORTED, Reason.SESSION]
    assert revisions.load_revision(db, N, 2).project == "脚本改的"


def test_a_new_editing_session_keeps_a_revision_before_its_first_edit(db):
    set_field(db, N, "project", "第一次", session=EditSession())
    assert reasons(db) == [Reason.IMPORTED]  # unchanged since the import: not kept twice
    set_field(db, N, "project", "第二次", session=EditSession())
    assert reasons(db) == [Reason.IMPORTED, Reason.SESSION]
    assert revisions.load_revision(db, N, 2).project == "第一次"


def test_states_reviews_exports_and_saves_are_kept(db, tmp_path):
    review_ops.set_state(db, N, "review")
    review_ops.mark_reviewed(db, N, "初审")
    export_packet(db, N, ExportOptions(json=tmp_path / "sent.json"))
    assert save_version(db, N).value is None  # unchanged since the export: nothing to keep
    seq = save_version(db, N, "给法制办的版本").value
    assert reasons(db)[1:] == [Reason.STATE, Reason.REVIEWED, Reason.EXPORTED, Reason.SAVED]
    assert revisions.list_revisions(db, N)[-1].name == "给法制办的版本"
    assert revisions.resolve(db, N, "给法制办的版本") == seq
    with pytest.raises(UserError):
        save_version(db, N, "初审")  # names stay unique


def test_an_unchanged_table_is_stored_once_however_many_revisions_cite_it(db, db_path):
    for i in range(5):
        review_ops.mark_reviewed(db, N, f"第{i}次")
    assert table_rows_stored(db_path) == 1
    annex = table_annex(db)
    rid = ar.fetch_rows(db, annex.id).ids[1]
    annex_ops.update_cells(db, N, annex.id, [ar.CellChange(rid, "quantity", Decimal("2"))])
    review_ops.mark_reviewed(db, N, "改后")
    assert table_rows_stored(db_path) == 2
    assert revisions.load_revision(db, N, "第0次").annex("3").table[1].quantity == 1
    assert revisions.load_revision(db, N, "改后").annex("3").table[1].quantity == 2
    table = next(a.table for a in revisions.compare(db, N, "第4次", "改后").annexes if a.table is not None)
    assert len(table.changed) == 1


def test_edits_between_revisions_are_explained_by_the_trail(db, db_path):
    review_ops.mark_reviewed(db, N, "基线")
    set_field(db, N, "terms.delivery_days", "45")
    set_field(db, N, "payments[1].amount", "1424431.00")
    set_field(db, N, "parties.a.bank.phone", "0372-1234567")
    assert integrity_problems(db, N) == []
    with closing(sqlite3.connect(db_path)) as con, con:
        con.execute("UPDATE contracts SET project = '改了' WHERE number = ?", (N,))
    assert any("changed outside ContractDesk" in p for p in integrity_problems(db, N))


# ------------------------------------------------------------------ revisions of an earlier release


def test_a_database_of_the_previous_release_upgrades_and_its_revisions_stay_readable(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(RELEASE_0004, path)
    db = open_store(path)
    try:
        listed = revisions.list_revisions(db, N)
        assert [(r.seq, r.name, r.reason) for r in listed][:2] == [(1, None, None), (2, "初审", None)]
        assert listed[1].reviewed
        assert revisions.load_revision(db, N, "初审").terms.delivery_days == 30
        assert revisions.load_revision(db, N, listed[-1].seq).terms.delivery_days == 45
        diff = revisions.compare(db, N, "初审")
        assert {c.path for c in diff.fields} >= {"terms.delivery_days", "project", "status"}
        assert audit.verify(db, N) is None
        assert integrity_problems(db, N) == []
        review_ops.mark_reviewed(db, N, "升级后")  # a new revision beside the old ones, tables by digest
        assert revisions.load_revision(db, N, "升级后").annex("3").table[0].remark == "旧版改"
        assert table_rows_stored(path) == 1
    finally:
        db.close()
