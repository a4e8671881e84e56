"""The window and the command line read and write the same files: both go through the same ops."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from app.cli import main
from app.domain import Status
from app.domain.amendment import Amendment
from app.ops import review as review_ops
from app.ops.first_run import open_store
from app.store import contracts
from app.store.amendments import list_amendments
from app.store.comments import list_comments
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import sign
from ui.export_dialog import ExportDialog
from ui.export_worker import ExportKind
from ui.main_window import MainWindow


@pytest.fixture
def reviewed(db):
    """The sample signed, with a review comment and an amendment: everything a JSON document can carry."""
    review_ops.add_comment(db, N, "clause", "4.1", "标点重复，请改")
    sign(db, despite="意见已在会上答复")
    review_ops.add_amendment(db, N, Amendment("BC-1", "补充协议（一）", date(2025, 11, 3), {"total": "4300000.00"}))
    return db


def empty_database(path):
    return open_store(path, load_sample=False)


def window_on(qtbot, db, path, tmp_path) -> MainWindow:
    store = QSettings(str(tmp_path / f"{path.stem}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, str(path), store=store)
    qtbot.addWidget(window)
    return window


def test_a_file_the_cli_exported_imports_in_the_window_with_comments_amendments_and_state(
        qtbot, reviewed, db_path, tmp_path):
    out = tmp_path / "from-cli.json"
    reviewed.close()
    assert main(["--db", str(db_path), "export", N, "--json", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["comments"] and document["amendments"] and document["status"] == "signed"

    other_path = tmp_path / "desk2.db"
    other = empty_database(other_path)
    try:
        window = window_on(qtbot, other, other_path, tmp_path)
        window.import_json(path=str(out))
        assert window.number == N
        assert contracts.load(other, N).status is Status.SIGNED
        assert [c.text for c in list_comments(other, N)] == ["标点重复，请改"]
        assert [a.number for a in list_amendments(other, N)] == ["BC-1"]
        QThreadPool.globalInstance().waitForDone(60_000)
    finally:
        other.close()


def test_a_file_the_window_exported_imports_on_the_command_line(qtbot, reviewed, db_path, tmp_path, capsys):
    out = tmp_path / "from-window.json"
    dialog = ExportDialog(reviewed, N, ExportKind.JSON, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.target.edit.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.export_button.click()
    QThreadPool.globalInstance().waitForDone(60_000)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [c["text"] for c in document["comments"]] == ["标点重复，请改"]
    assert [a["number"] for a in document["amendments"]] == ["BC-1"]

    desk3 = tmp_path / "desk3.db"
    empty_database(desk3).close()
    assert main(["--db", str(desk3), "import", str(out)]) == 0
    assert capsys.readouterr().out.strip() == N
    imported = open_store(desk3)
    try:
        assert contracts.load(imported, N).status is Status.SIGNED
        assert [c.text for c in list_comments(imported, N)] == ["标点重复，请改"]
        assert [a.number for a in list_amendments(imported, N)] == ["BC-1"]
    finally:
        imported.close()


def test_both_write_the_same_bytes(qtbot, reviewed, db_path, tmp_path):
    by_window = tmp_path / "window.json"
    dialog = ExportDialog(reviewed, N, ExportKind.JSON, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.target.edit.setText(str(by_window))
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.export_button.click()
    QThreadPool.globalInstance().waitForDone(60_000)
    by_cli = tmp_path / "cli.json"
    assert main(["--db", str(db_path), "export", N, "--json", str(by_cli)]) == 0
    assert by_window.read_bytes() == by_cli.read_bytes()
