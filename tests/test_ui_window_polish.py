"""Small things a clerk meets in the window: 添加附件 that says at once why it cannot be used, a print
preview that fits a 1366×768 screen and draws its pages sharp."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from app.domain import Status
from app.ops import review as review_ops
from tests.conftest import SAMPLE_NUMBER as N
from ui.main_window import ANNEXES, SUMMARY, MainWindow


def _step(window, *targets: Status) -> None:
    """State changes as the guardrail dialog ends them: the sample's signing page is blank, so with a reason."""
    for target in targets:
        window.operations.run(review_ops.set_state, N, target, despite="签署页纸面已签")


def test_add_annex_is_disabled_with_the_reason_once_signed(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail("no dialog may come"))
    annexes = window.pages[ANNEXES]
    window.tabs.setCurrentWidget(annexes)
    assert annexes.add_button.isEnabled()
    _step(window, Status.REVIEW, Status.APPROVED)
    assert annexes.add_button.isEnabled()
    _step(window, Status.SIGNED)  # on screen: follows at once
    assert not annexes.add_button.isEnabled()
    assert "amendment" in annexes.add_button.toolTip()

    window.tabs.setCurrentWidget(window.pages[SUMMARY])
    _step(window, Status.ARCHIVED)  # hidden: follows when shown
    window.tabs.setCurrentWidget(annexes)
    assert not annexes.add_button.isEnabled() and "archived" in annexes.add_button.toolTip()


def test_add_annex_is_disabled_on_a_signed_contract_when_opened(qtbot, db, db_path, tmp_path):
    from tests.conftest import sign

    sign(db)
    w = MainWindow(db, str(db_path), store=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    annexes = w.pages[ANNEXES]
    w.tabs.setCurrentWidget(annexes)
    assert not annexes.add_button.isEnabled() and "amendment" in annexes.add_button.toolTip()


PREVIEW_ON_AN_OFFICE_SCREEN = r"""
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
import ui.print_preview as pp
from app.codecs.pdf import PdfOptions, render_pdf
from app.codecs.sample import sample_contract

rendered = []
page_image = pp._page_image
pp._page_image = lambda doc, n, dpi: rendered.append(dpi) or page_image(doc, n, dpi)
dialog = pp.show_preview(render_pdf(sample_contract(), PdfOptions(annexes=False)), "CMHA")
dialog.show()
for _ in range(20):
    app.processEvents()
print(json.dumps({"frame": dialog.frameGeometry().getRect(), "area": dialog.screen().availableGeometry().getRect(),
                  "dpi": sorted(set(rendered))}))
"""


def test_the_print_preview_fits_a_1366x768_screen_and_renders_at_its_resolution(tmp_path):
    """A real 1366×768 screen at 125 % (the offscreen platform given that screen): the whole window is on it,
    and the pages are drawn at 96 dpi × 1.25 = 120 pixels per inch, not scaled down from 300."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "dpr": 1.25}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    out = subprocess.run([sys.executable, "-c", PREVIEW_ON_AN_OFFICE_SCREEN], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    x, y, width, height = shown["frame"]
    assert shown["area"] == [0, 0, 1366, 768]
    assert x >= 0 and x + width <= 1366 and y >= 30 and y + height <= 768  # title bar and bottom on the screen
    assert height >= 600  # and still tall enough to read a page
    assert shown["dpi"] == [120]


def test_the_preview_window_leaves_room_for_the_taskbar_and_its_title_bar():
    from PySide6.QtCore import QRect, QSize

    from ui.print_preview import EDGE, TITLE_ALLOWANCE, fit_on_screen

    taskbar_left = QRect(0, 0, 1366, 728)  # a 40 px taskbar at the bottom
    placed = fit_on_screen(QSize(900, 1000), taskbar_left)
    assert placed.top() - TITLE_ALLOWANCE >= 0 and placed.bottom() <= 728 - EDGE
    assert placed.width() == 900 and placed.left() == (1366 - 900) // 2
    roomy = fit_on_screen(QSize(900, 1000), QRect(0, 0, 1920, 1160))
    assert roomy.size() == QSize(900, 1000)


def test_a_year_without_holidays_is_added_from_the_schedule_tab_not_by_a_command(qtbot, window, db, tmp_path,
                                                                                   monkeypatch):
    """The 付款与期限 tab's warning told the clerk to run "contractdesk calendar import", which the window could not
    do; it now offers a button beside the warning, which asks before replacing the days already stored."""
    from datetime import date

    from app.store.calendar import holiday_rows
    from tests.conftest import record_signing
    from tests.test_calendar import _full_year_csv
    from ui.main_window import SCHEDULE

    record_signing(db, day=date.today())  # the schedule runs two years on: beyond what the bundled calendar covers
    window.operations.reload(N)
    tab = window.pages[SCHEDULE]
    window.tabs.setCurrentWidget(tab)
    years = tab.schedule.uncovered_years
    assert years and "contractdesk" not in tab.warnings.text()
    assert tab.warnings.isVisible() and tab.calendar_button.isVisible()
    year = years[0]
    csv = tmp_path / f"{year}.csv"
    csv.write_text(_full_year_csv(year), encoding="utf-8")
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(csv), ""))
    assert tab.import_holiday_schedule() == 15
    assert len(holiday_rows(db, year)) == 15
    assert year not in tab.schedule.uncovered_years and f"for {year}" not in tab.warnings.text()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.No)
    csv.write_text(f"date,kind,name\n{year}-01-01,holiday,元旦\n", encoding="utf-8")
    assert tab.import_holiday_schedule() == 0  # declined: the 15 days stay
    assert asked and "15 days" in asked[0] and len(holiday_rows(db, year)) == 15


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_no_tab_takes_the_contract_lists_width_away(qtbot, qapp, window, language):
    """条款's eight buttons in a row, 材料's, 审阅's state steps and the cost table's tools made those tabs 700–870 px
    wide at least: opening one took the width from the contract list (430 → 196 px at 1024×700) for good. The rows
    now wrap (ui.flow_layout)."""
    from ui.i18n import switch_language
    from ui.main_window import TAB_ORDER

    switch_language(qapp, language)
    try:
        window.resize(1024, 700)
        window.splitter.setSizes([322, 1024 - 322])
        qtbot.wait(20)
        before = window.splitter.sizes()[0]
        for tab in TAB_ORDER:
            window.tabs.setCurrentWidget(window.pages[tab])
            if tab == ANNEXES:
                window.pages[tab].select_annex("3")
            qtbot.wait(20)
            assert window.pages[tab].minimumSizeHint().width() <= 620, tab
        assert window.splitter.sizes()[0] == before
    finally:
        switch_language(qapp, "en")


def test_the_amount_in_words_is_whole_in_a_1024_pixel_window(qtbot, qapp, window):
    """At 1024×700 the 合计's 大写 stood one or two characters a line beside the digits ("肆 / 佰"), the rest cut."""
    from ui.i18n import switch_language

    switch_language(qapp, "zh_CN")
    try:
        window.resize(1024, 700)
        window.splitter.setSizes([322, 1024 - 322])
        window.tabs.setCurrentWidget(window.pages[SUMMARY])
        qtbot.wait(20)
        total = window.pages[SUMMARY].editors["total"]
        upper = total.upper
        assert upper.text() == "肆佰贰拾柒万叁仟贰佰玖拾元整"
        # under the digits, over the field's whole width (this machine's fallback face is narrower than a
        # clerk's Chinese one, so the width itself is compared, not the lines it makes here)
        assert upper.width() >= total.edit.width() and upper.geometry().top() >= total.edit.geometry().bottom()
        assert upper.height() >= 2 * upper.fontMetrics().lineSpacing()
    finally:
        switch_language(qapp, "en")


@contextmanager
def _tab_at(qtbot, qapp, window, language: str, tab: str, width: int, height: int, list_width: int = 280):
    """The window at width×height in `language`, the contract list `list_width` wide, showing `tab`: its page."""
    from ui.i18n import switch_language

    switch_language(qapp, language)
    try:
        window.resize(width, height)
        window.splitter.setSizes([list_width, width - list_width])
        window.tabs.setCurrentWidget(window.pages[tab])
        qtbot.wait(20)
        yield window.pages[tab]
    finally:
        switch_language(qapp, "en")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_review_tabs_changes_keep_the_widest_part_at_1024_pixels(qtbot, qapp, window, language):
    """At 1024×700 the revisions kept their 260 px and the comments their row of buttons, and the changes between
    them were squeezed to ≈100 px, a field name one letter a line. Each part now gives up width, the changes least."""
    from ui.main_window import REVIEW

    with _tab_at(qtbot, qapp, window, language, REVIEW, 1024, 700) as review:
        changes, comments = review.compare_box.width(), review.comments_box.width()
        assert changes >= 300 and changes > comments and changes > review.revisions_box.width()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_instalment_column_is_in_sight_at_1366_pixels(qtbot, qapp, window, language):
    """Each count column (年数, 月数, 天数, 收到发票后天数) took a line edit's ≈125 px, and the contract's wording, the
    last column, needed the table's scrollbar at 1366×768."""
    with _tab_at(qtbot, qapp, window, language, SUMMARY, 1366, 768) as form:
        table = form.payments_table
        assert table.rowCount() == 3
        assert table.horizontalHeader().length() <= table.viewport().width()
        assert table.columnWidth(table.columnCount() - 1) >= 100  # the wording has room of its own
