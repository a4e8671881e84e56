"""The 签署页 tab: captions, signatories, dates and images stored as undo steps, and the page preview."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog

from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import sign
from ui.signing_tab import SigningTab


def red_disc_png(path) -> bytes:
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    for x in range(200):
        for y in range(200):
            if (x - 100) ** 2 + (y - 100) ** 2 < 90 ** 2:
                image.putpixel((x, y), (220, 0, 0, 255))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


@pytest.fixture
def tab(qtbot, db):
    stack = QUndoStack()
    widget = SigningTab(db, stack)
    qtbot.addWidget(widget)
    widget.stack = stack
    widget.set_contract(N)
    return widget


def red_pixels(qtbot, tab) -> int:
    """Red pixels on the previewed page, once the preview rendered off the GUI thread has arrived."""
    qtbot.waitUntil(lambda: not tab.preview_busy, timeout=15_000)
    image = tab.preview.pixmap().toImage()
    assert not image.isNull(), tab.preview.text()
    return sum(
        1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
        if image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).green() < 60
    )


def test_the_preview_renders_off_the_gui_thread(qtbot, tab):
    """Opening the tab does not wait for ReportLab: the page arrives a moment later, drawn as printed."""
    assert tab.preview_busy or not tab.preview.pixmap().isNull()
    qtbot.waitUntil(lambda: not tab.preview_busy, timeout=15_000)
    assert tab.preview.pixmap().width() > 500  # an A4 page at the preview resolution


def test_signatory_and_typed_date_are_stored_and_undone(tab, db):
    signatory = tab.editors["signing.b.signatory"]
    signatory.setText("邵瞳")
    signatory.editingFinished.emit()
    assert contracts.load(db, N).signing_b.signatory == "邵瞳"
    day = tab.editors["signing.a.date"].edit
    day.setText("2025年5月22日")
    day.editingFinished.emit()
    assert contracts.load(db, N).signing_a.date.isoformat() == "2025-05-22"
    day.setText("2025年2月30日")
    day.editingFinished.emit()
    assert day.property("invalid") is True and "not a date" in tab.message.text()
    assert contracts.load(db, N).signing_a.date.isoformat() == "2025-05-22"
    tab.stack.undo()
    tab.stack.undo()
    assert contracts.load(db, N).signing_b.signatory == "邵晓"
    assert contracts.load(db, N).signing_a.date is None


def test_seal_image_is_checked_stored_and_previewed(qtbot, tab, db, tmp_path, monkeypatch):
    assert red_pixels(qtbot, tab) == 0
    seal = tmp_path / "seal.png"
    data = red_disc_png(seal)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(seal), ""))
    choose, remove, state = tab.image_buttons["signing.b.seal_image"]
    choose.click()
    assert contracts.load(db, N).signing_b.seal_image == data
    assert "KB" in state.text() and remove.isEnabled()
    assert red_pixels(qtbot, tab) > 50  # the seal is drawn on the previewed page
    bad = tmp_path / "fake.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    tab.image_buttons["signing.a.seal_image"][0].click()
    assert "not a readable image" in tab.message.text()
    assert contracts.load(db, N).signing_a.seal_image is None
    remove.click()
    assert contracts.load(db, N).signing_b.seal_image is None
    tab.stack.undo()
    assert contracts.load(db, N).signing_b.seal_image == data


def test_read_only_when_signed_and_focus(qtbot, db):
    sign(db)
    tab = SigningTab(db, QUndoStack())
    qtbot.addWidget(tab)
    tab.set_contract(N)
    assert tab.read_only_note.isVisibleTo(tab)
    assert tab.editors["signing.a.seal_caption"].isReadOnly()
    assert not tab.image_buttons["signing.a.seal_image"][0].isEnabled()
    assert tab.focus_where("signing.b.signatory")
    assert not tab.focus_where("total")
