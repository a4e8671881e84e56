"""Start-up paints from a quick read of the file (issue 21): the first paint shows the stored list and 概要 before
SQLAlchemy is imported, the quick read answers exactly what the store does, and an edit made before the store is
open waits for it and is stored."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.base import collector
from app.codecs.sample import sample_contract
from app.domain import Invoice, Party, Payment, Signing, Status
from app.domain.amendment import Amendment
from app.ops.contracts import set_field
from app.ops.first_run import open_store
from app.ops.review import add_amendment, add_comment, set_comment_resolved
from app.store import contracts
from app.store.amendments import list_amendments
from app.store.comments import open_comment_counts
from app.store.contract_list import count_contracts, search_contracts
from app.store.migrations import HEAD_REVISION
from app.store.quick_read import read_start
from app.values.money import format_amount
from tests.conftest import ROOT, SAMPLE_NUMBER

PAGE = 200


def _summary_parts(contract):
    """What the 概要 tab shows of a contract: everything but clauses, annexes and signing blocks."""
    return dataclasses.replace(contract, clauses=[], annexes=[], signing_a=Signing(), signing_b=Signing())


@pytest.fixture
def varied(db, db_path):
    """The sample and contracts that differ where the quick read could go wrong: no parties, no bank, an amount
    left open, invoices, a signed contract, numbers that sort by code point, open and resolved comments."""
    for number, status in (("A-0002", Status.SIGNED), ("a-0001", Status.REVIEW), ("B-0003", Status.DRAFT)):
        c = sample_contract()
        c.number, c.status, c.title, c.total = number, status, f"合同 {number}", Decimal("1234.56")
        c.annexes = []
        if number == "B-0003":
            c.party_a, c.party_b = Party(), Party("只有名称")
            c.payments = [Payment(None), Payment(Decimal("0.10"))]
            c.events.invoices = [Invoice(date(2026, 3, 1), 1, "首期"), Invoice(date(2026, 4, 2), None, "")]
            c.terms.delivery_days = None
        contracts.save(db, c)
    first = add_comment(db, "A-0002", "contract", "", "请核对金额").value
    add_comment(db, "A-0002", "field", "total", "大写是否一致")
    add_comment(db, "B-0003", "contract", "", "已处理")
    set_comment_resolved(db, "A-0002", first.uid, True)
    resolved = add_comment(db, "B-0003", "field", "title", "改标题").value
    set_comment_resolved(db, "B-0003", resolved.uid, True)
    set_field(db, SAMPLE_NUMBER, "project", "雪亮工程四期")  # a version above 1
    add_amendment(db, "A-0002", Amendment("BC-1", "补充协议（一）", date(2026, 5, 1), {"total": "2000.00"}))
    add_amendment(db, "A-0002", Amendment("BC-2", "补充协议（二）", None, {"title": "合同 A-0002（变更）"}))
    return db


def test_the_quick_read_answers_what_the_store_does(varied, db_path):
    for number in ("A-0002", "B-0003", "a-0001", SAMPLE_NUMBER):
        start = read_start(db_path, HEAD_REVISION, limit=PAGE, number=number)
        assert start is not None
        assert start.rows == search_contracts(varied, limit=PAGE)
        assert [r.number for r in start.rows] == ["A-0002", "B-0003", SAMPLE_NUMBER, "a-0001"]
        assert start.count == count_contracts(varied) == 4
        assert start.open_comments == open_comment_counts(varied) == {"A-0002": 1, "B-0003": 1}
        stored, version = contracts.load_versioned(varied, number, rows=False)
        assert start.contract == _summary_parts(stored)
        assert start.version == version
        assert start.amendments == [(a.number, a.changes) for a in list_amendments(varied, number)]
    assert read_start(db_path, HEAD_REVISION, limit=PAGE).contract.number == "A-0002"  # the first one listed


def test_the_first_page_is_cut_where_the_store_cuts_it(varied, db_path):
    start = read_start(db_path, HEAD_REVISION, limit=2)
    assert start is not None and start.rows == search_contracts(varied, limit=2) and start.count == 4


def test_a_file_the_quick_read_cannot_vouch_for_is_left_to_the_ordinary_open(db, db_path, tmp_path):
    db.close()
    assert read_start(tmp_path / "missing.db", HEAD_REVISION, limit=PAGE) is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert read_start(tmp_path / "empty.db", HEAD_REVISION, limit=PAGE) is None
    (tmp_path / "cipher.db").write_bytes(os.urandom(4096))  # what an encrypted (SQLCipher) file looks like
    assert read_start(tmp_path / "cipher.db", HEAD_REVISION, limit=PAGE) is None
    older = tmp_path / "older.db"
    shutil.copy(db_path, older)
    with closing(sqlite3.connect(older)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0005_older'")
    assert read_start(older, HEAD_REVISION, limit=PAGE) is None
    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as conn, conn:
        conn.execute("CREATE TABLE notes (x)")
    assert read_start(foreign, HEAD_REVISION, limit=PAGE) is None
    before = db_path.read_bytes()
    assert read_start(db_path, HEAD_REVISION, limit=PAGE) is not None
    assert db_path.read_bytes() == before  # read-only


PAINT_PROBE = r"""
import gc, json, sys
import ui.first_paint as first_paint

seen = {}

def record(window):
    # Widget classes the window never uses: PySide6 makes their Python types (and enums) only when Python is first
    # handed a QWidget it did not create, which the window avoids before its first paint (≈10 ms).
    made = {t.__name__ for t in gc.get_objects() if isinstance(t, type) and t.__module__ == "PySide6.QtWidgets"}
    seen["unused_widget_types"] = sorted(made & {"QLCDNumber", "QDial", "QMdiArea", "QColumnView"})
    # Likewise every QEvent subclass's type, made when the first event reaches a Python override (≈3 ms): the window
    # overrides no event handler that runs before its first paint but paintEvent (language changes come by a call).
    made |= {t.__name__ for t in gc.get_objects() if isinstance(t, type) and t.__module__ == "PySide6.QtGui"}
    seen["unused_event_types"] = sorted(made & {"QNativeGestureEvent", "QTabletEvent", "QGraphicsSceneWheelEvent"})
    from ui.field_widgets import line_edit_of
    model = window.list_view.model
    form = window.pages["summary"]
    seen["sqlalchemy_at_paint"] = "sqlalchemy" in sys.modules
    seen["gc_at_paint"] = [gc.isenabled(), gc.get_freeze_count()]
    seen["store_open_at_paint"] = window.db.is_open
    seen["rows"] = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    seen["count"] = window.list_view.count_label.text()
    seen["number"] = form.number_value.text()
    seen["fields"] = {path: line_edit_of(form.editors[path]).text() for path in ("title", "total", "project",
                      "parties.a.name", "parties.b.bank.account_no", "terms.delivery_days")}
    seen["payments"] = form.payments_table.rowCount()
    seen["read_only"] = line_edit_of(form.editors["title"]).isReadOnly()
    seen["total_tooltip"] = form.editors["total"].toolTip()

original = first_paint.open_after_paint

def spy(window, db, then=None):
    def ready():
        seen["store_open_when_ready"] = window.db.is_open
        seen["gc_when_ready"] = [gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()]
        print("PROBE " + json.dumps(seen, ensure_ascii=False), flush=True)
        if then is not None:
            then()
    original(window, db, ready)
    # Not an event filter: that would hand the window's events to Python before the paint (see record()).
    window.first_painted.connect(lambda: record(window))

first_paint.open_after_paint = spy
seen_default = gc.get_threshold()
from app.startup import main
sys.argv[1:] = ["--db", sys.argv[1], "gui", "--exit-after-paint"]
code = main()
print("DEFAULT " + json.dumps(seen_default), flush=True)
sys.exit(code)
"""


def test_the_first_paint_shows_the_stored_list_and_summary_before_sqlalchemy_is_imported(varied, db_path):
    varied.close()
    proc = subprocess.run([sys.executable, "-c", PAINT_PROBE, str(db_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    probe = json.loads(next(line for line in lines if line.startswith("PROBE "))[len("PROBE "):])
    assert [line.split("=")[0] for line in lines if "_ms=" in line] == ["painted_ms", "ready_ms"]
    assert probe["sqlalchemy_at_paint"] is False
    assert probe["unused_widget_types"] == [] and probe["unused_event_types"] == []
    assert probe["store_open_at_paint"] is False and probe["store_open_when_ready"] is True
    # The cycle collector does not run while the window starts; once it is ready, what the start made is frozen and
    # CPython's default collection is back.
    default = json.loads(next(line for line in lines if line.startswith("DEFAULT "))[len("DEFAULT "):])
    assert probe["gc_at_paint"] == [False, 0]
    enabled, threshold, frozen = probe["gc_when_ready"]
    assert enabled is True and threshold == default and frozen > 50_000  # the modules, the schema, the window

    db = open_store(db_path)
    try:
        listed = search_contracts(db, limit=PAGE)
        assert probe["rows"] == [[s.number, s.title, s.party_b, format_amount(s.total)] for s in listed]  # the other party: the office is 甲方
        assert probe["count"] == "4 contracts"
        first = contracts.load(db, "A-0002")
        assert probe["number"] == "A-0002"
        assert probe["fields"] == {
            "title": first.title, "total": format_amount(first.total), "project": first.project,
            "parties.a.name": first.party_a.name, "parties.b.bank.account_no": first.party_b.bank.account_no,
            "terms.delivery_days": str(first.terms.delivery_days),
        }
        assert probe["payments"] == len(first.payments) > 0
        assert probe["read_only"] is True  # signed: changed only through an amendment
        assert probe["total_tooltip"] == "Effective value: 2,000.00 since BC-1"
    finally:
        db.close()


def test_an_edit_made_before_the_store_is_open_waits_for_it_and_is_stored(db, db_path, qtbot):
    from ui.first_paint import PendingDatabase, pending_database
    from ui.main_window import SUMMARY, MainWindow

    db.close()
    opened: list[str] = []

    def opener():
        opened.append("now")
        return open_store(db_path)

    pending = pending_database(str(db_path), HEAD_REVISION, page_size=PAGE, opener=opener)
    assert isinstance(pending, PendingDatabase)
    window = MainWindow(pending, str(db_path), defer_checks=True)
    qtbot.addWidget(window)
    form = window.pages[SUMMARY]
    assert window.number == SAMPLE_NUMBER and form.number_value.text() == SAMPLE_NUMBER
    assert opened == [] and not pending.is_open  # the window was built from the quick read alone

    form.commit_field("title", "汤阴县雪亮工程云存储服务合作协议")  # what leaving the edited field does

    assert opened == ["now"] and pending.is_open
    assert form.message.isHidden()  # no refusal shown
    check = open_store(db_path)
    try:
        assert contracts.load(check, SAMPLE_NUMBER).title == "汤阴县雪亮工程云存储服务合作协议"
    finally:
        check.close()
    assert window.list_view.model.summary(0).title == "汤阴县雪亮工程云存储服务合作协议"  # the list follows
    window.close()
    pending.close()


def test_postgresql_and_encrypted_stores_take_the_ordinary_path(db_path, monkeypatch):
    from ui.first_paint import pending_database

    def opener():
        raise AssertionError("not opened here")

    assert pending_database("postgresql+psycopg://clerk@server/contracts", HEAD_REVISION, page_size=PAGE,
                            opener=opener) is None
    open_store(db_path).close()
    monkeypatch.setenv("CONTRACTDESK_PASSPHRASE", "secret")
    assert pending_database(str(db_path), HEAD_REVISION, page_size=PAGE, opener=opener) is None


def test_the_list_model_reads_the_store_once_it_is_asked_for_anything_else(db, db_path, qtbot):
    from ui.contract_list_view import ContractListView
    from ui.first_paint import pending_database

    db.close()
    pending = pending_database(str(db_path), HEAD_REVISION, page_size=PAGE, opener=lambda: open_store(db_path))
    view = ContractListView(pending)
    qtbot.addWidget(view)
    assert not pending.is_open and view.model.rowCount() == 1
    view.search.setText("不存在的合同")
    view.apply_filter()
    assert pending.is_open and view.model.rowCount() == 0
    view.search.clear()
    view.apply_filter()
    assert view.model.rowCount() == 1 and view.count_label.text() == "1 contract"
    pending.close()


def test_a_damaged_summary_row_is_not_shown_from_the_quick_read(db, db_path):
    """A value the store would refuse to read (here a status no version of the program writes) makes the quick read
    step aside, so the ordinary open reports the file instead of the window showing something half read."""
    db.close()
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("UPDATE contracts SET status = 'lost'")
    assert read_start(Path(db_path), HEAD_REVISION, limit=PAGE) is None


def test_the_summary_matches_for_a_contract_with_every_event_set(db, db_path):
    from app.ops.contracts import set_event

    for name, day in (("signed_a", date(2026, 1, 5)), ("signed_b", date(2026, 1, 6)),
                      ("acceptance_requested", date(2026, 2, 1)), ("reminder_sent", date(2026, 2, 10)),
                      ("accepted", date(2026, 2, 20))):
        set_event(db, SAMPLE_NUMBER, name, day)
    stored, version = contracts.load_versioned(db, SAMPLE_NUMBER, rows=False)
    start = read_start(db_path, HEAD_REVISION, limit=PAGE)
    assert start.contract == _summary_parts(stored) and start.version == version
    assert start.contract.events.accepted == date(2026, 2, 20)


def test_a_start_up_measurement_whose_reader_stops_reading_still_quits(db, db_path):
    """The bench reads `painted_ms=` and may close the pipe; the window must still quit (it once waited forever)."""
    db.close()
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", str(db_path), "gui", "--exit-after-paint"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"painted_ms=")
    proc.stdout.close()  # before ready_ms= is written
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the window did not quit once its reader had gone") from None


def test_a_start_that_never_becomes_ready_still_turns_the_cycle_collector_back_on(db, db_path, tmp_path, qtbot):
    """The clerk opened another database before the first one was open: no "ready", but the cycle collector, off
    while the window starts (app/base/collector.py), must not stay off for the session."""
    import gc

    from ui.first_paint import open_after_paint, pending_database
    from ui.main_window import MainWindow

    db.close()
    other = tmp_path / "other.db"
    open_store(other).close()
    pending = pending_database(str(db_path), HEAD_REVISION, page_size=PAGE, opener=lambda: open_store(db_path))
    window = MainWindow(pending, str(db_path), defer_checks=True)
    qtbot.addWidget(window)
    readied: list[bool] = []
    before = gc.get_threshold()
    collector._default = None
    collector.starting()
    collector.window_starting()
    try:
        assert not gc.isenabled()
        open_after_paint(window, pending, then=lambda: readied.append(True))
        assert window.open_database(str(other))
        window.show()
        qtbot.waitUntil(gc.isenabled)
        assert readied == [] and gc.get_threshold() == before and gc.get_freeze_count() > 0
        assert not pending.is_open
    finally:
        from ui.background import finish_background_calls

        window.close()
        finish_background_calls()  # the reminders' read of the other store
        window.db.close()
        gc.unfreeze()
        gc.enable()
        gc.set_threshold(*before)
        collector._default = None
        gc.collect()  # what the window let go of while frozen, here rather than in another test
