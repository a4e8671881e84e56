"""A reviewer's or a third party's JSON file against the records it merges into (issue 22, items 9 and 10).

A file proves nothing about who wrote it, so it may add comments, never rewrite one: a changed text arrives as a
new comment beside the untouched original, a resolution is recorded as done by whoever brought the file, and times
must be real and not in the future. Nor can a file skip the review: a new contract's state is recorded in its
history as imported from the file, and a replacing import never changes the state. Both the command line and the
window go through the same operation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from app.domain import Status
from app.ops import review as review_ops
from app.ops.contracts import import_document
from app.ops.exchange import export_document
from app.store import audit, contracts
from app.store.comments import list_comments
from app.store.states import history
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import database_digest

pytestmark = pytest.mark.hostile
ALICE_SAYS = "付款金额有误，不同意签署"
FORGED = "已核对，同意签署"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def alice(db):
    """alice's open comment on the sample; returns it."""
    return review_ops.add_comment(db, N, "clause", "4.1", ALICE_SAYS, user="alice").value


def _reviewer_file(db, tmp_path, change, name: str = "reply.json"):
    data = json.loads(export_document(db, N))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _rewrite_alices(updated: str):
    def change(data):
        comment = data["comments"][0]
        comment.update(text=FORGED, updated=updated, resolved={"at": updated, "by": "alice"})

    return change


# ------------------------------------------------------------------ item 9: comments


def test_a_comment_dated_in_year_9999_is_refused_whole(cli, db, db_path, tmp_path, alice):
    path = _reviewer_file(db, tmp_path, _rewrite_alices("9999-12-31T23:59:59Z"))
    db.close()
    before = database_digest(db_path)
    result = cli("comment", "import", str(path))
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result
    assert "comments[0].updated" in result.err and "in the future" in result.err
    assert database_digest(db_path) == before


@pytest.mark.parametrize("value", ["2025-02-30T08:00:00Z", "2025-06-01T25:00:00Z", "2025-06-01 08:00:00.000000Z",
                                   "+12025-06-01T08:00:00Z"])
def test_times_that_are_not_real_times_are_refused(cli, db, tmp_path, alice, value):
    path = _reviewer_file(db, tmp_path, lambda d: d["comments"][0].update(created=value))
    db.close()
    result = cli("comment", "import", str(path))
    assert result.code == 2 and "comments[0].created" in result.err, result


def test_another_persons_comment_is_never_rewritten_by_a_file(cli, db, tmp_path, alice):
    now = _iso(datetime.now(UTC))
    path = _reviewer_file(db, tmp_path, _rewrite_alices(now))
    db.close()
    first = cli("comment", "import", str(path), env={"CONTRACTDESK_USER": "clerk"})
    assert first.code == 0 and "added as a new comment, ours is unchanged" in first.out, first
    again = cli("comment", "import", str(path), env={"CONTRACTDESK_USER": "clerk"})  # the same file adds nothing more
    assert again.code == 0 and "0 comments added, 0 updated" in again.out, again
    from app.store.db import open_database

    db = open_database(path.with_name("contracts.db"))
    try:
        kept = {c.uid: c for c in list_comments(db, N)}
        original = kept[alice.uid]
        assert (original.text, original.author, original.is_open) == (ALICE_SAYS, "alice", True)
        copies = [c for c in kept.values() if c.uid != alice.uid]
        assert [(c.text, c.author) for c in copies] == [(FORGED, "alice")]  # beside it, the file's claim
        assert copies[0].resolved_by == "clerk"  # a resolution a file brings is recorded as the importer's
        added = [json.loads(e.new) for e in audit.entries(db, N) if e.what == "comment added"]
        assert added[-1]["copy_of"] == alice.uid and added[-1]["from"] == "reply.json"
        assert [e.user for e in audit.entries(db, N) if e.what.startswith("comment")][1:] == ["clerk", "clerk"]
    finally:
        db.close()
    assert cli("audit", N, "--verify").code == 0  # every merged change is on record


def test_a_resolution_from_a_file_is_recorded_as_brought_by_the_importer(cli, db, tmp_path, alice):
    now = _iso(datetime.now(UTC) + timedelta(seconds=1))  # later than the comment, within the clock skew

    def resolve(data):
        data["comments"][0].update(updated=now, resolved={"at": now, "by": "alice"})

    path = _reviewer_file(db, tmp_path, resolve)
    db.close()
    assert cli("comment", "import", str(path), env={"CONTRACTDESK_USER": "bob"}).code == 0
    listed = json.loads(cli("comment", "list", N, "--json").out)
    assert [(c["text"], c["author"], c["resolved"]["by"]) for c in listed] == [(ALICE_SAYS, "alice", "bob")]
    entries = json.loads(cli("audit", N, "--json").out)
    resolved = [e for e in entries if e["what"] == "comment resolved"]
    assert resolved[0]["user"] == "bob" and json.loads(resolved[0]["new"])["claimed"]["by"] == "alice"


def test_a_comment_longer_than_the_limit_is_refused(cli, db, tmp_path, alice):
    path = _reviewer_file(db, tmp_path, lambda d: d["comments"][0].update(text="长" * 10_001))
    db.close()
    result = cli("comment", "import", str(path))
    assert result.code == 2 and "comments[0].text" in result.err and "10000" in result.err, result


# ------------------------------------------------------------------ item 10: states


def _signed_file(db, tmp_path, name: str = "signed.json"):
    return _reviewer_file(db, tmp_path, lambda d: d.update(status="signed"), name)


def test_a_replacing_import_never_changes_the_state(cli, db, db_path, tmp_path):
    path = _signed_file(db, tmp_path)
    db.close()
    before = database_digest(db_path)
    result = cli("import", str(path), "--replace")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result
    assert "error: status:" in result.err and "signed" in result.err and "draft" in result.err
    assert database_digest(db_path) == before
    assert cli("set", N, "title", "仍可修改").code == 0  # not frozen


def test_a_new_contract_in_a_later_state_gets_an_imported_history(cli, db, tmp_path):
    path = _signed_file(db, tmp_path)
    db.close()
    assert cli("delete", N).code == 0
    result = cli("import", str(path), env={"CONTRACTDESK_USER": "clerk"})
    assert result.code == 0 and "imported from signed.json" in result.err, result
    shown = cli("state", N).out.splitlines()
    assert shown[0] == "signed"
    assert shown[1].split("\t")[1:] == ["clerk", "draft → signed", "imported from signed.json"]
    assert cli("audit", N, "--verify").code == 0
    assert cli("set", N, "title", "x").code == 2  # signed, so read-only, as the file said


def _window(qtbot, db, db_path, tmp_path):
    from ui.main_window import MainWindow

    window = MainWindow(db, str(db_path), store=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window


def test_the_window_refuses_a_replacing_import_that_would_change_the_state(qtbot, db, db_path, tmp_path, monkeypatch):
    path = _signed_file(db, tmp_path)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))
    window = _window(qtbot, db, db_path, tmp_path)
    window.import_json(path=str(path))
    assert len(warnings) == 1 and warnings[0].startswith("status:"), warnings
    assert contracts.load(db, N).status is Status.DRAFT
    assert history(db, N) == []


def test_the_window_records_a_new_contracts_state_as_imported(qtbot, db, db_path, tmp_path, monkeypatch):
    path = _signed_file(db, tmp_path, "from-office-b.json")
    from app.ops.contracts import delete_contract

    delete_contract(db, N)
    monkeypatch.setenv("CONTRACTDESK_USER", "clerk")
    window = _window(qtbot, db, db_path, tmp_path)
    window.import_json(path=str(path))
    assert contracts.load(db, N).status is Status.SIGNED
    [step] = history(db, N)
    assert (step.from_state, step.to_state, step.user, step.note) == (
        Status.DRAFT, Status.SIGNED, "clerk", "imported from from-office-b.json")
    assert "from-office-b.json" in window.statusBar().currentMessage()


def test_the_core_records_the_source_for_any_caller(db, tmp_path):
    text = json.loads(export_document(db, N))
    text["status"] = "approved"
    from app.ops.contracts import delete_contract

    delete_contract(db, N)
    result = import_document(db, json.dumps(text, ensure_ascii=False), source="reply.json").value
    assert result.imported_state is Status.APPROVED
    assert [(s.from_state, s.to_state) for s in history(db, N)] == [(Status.DRAFT, Status.APPROVED)]
