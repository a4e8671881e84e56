"""Export dialog, worker thread and print rendering, driven as a clerk would; results checked in the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtPrintSupport import QPrinter

from app.codecs.json_codec import loads
from app.codecs.signing.result import SignatureState
from tests.conftest import SAMPLE_NUMBER, answering
from tests.pdf_tools import page_count, pdftotext, squash
from ui.export_dialog import ExportDialog
from ui.export_worker import ExportJob, ExportKind, ExportWorker

EXPORT_TIMEOUT_MS = 240_000


@pytest.fixture
def dialog_for(qtbot, db, tmp_path):
    made = []

    def make(kind: ExportKind, name: str) -> ExportDialog:
        dialog = ExportDialog(db, SAMPLE_NUMBER, kind, folder=str(tmp_path))
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.target.edit.setText(str(tmp_path / name))
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:  # never leave a worker running into the next test
        if dialog.worker is not None:
            dialog.worker.cancel()
    QThreadPool.globalInstance().waitForDone(EXPORT_TIMEOUT_MS)


def test_pdf_export_through_the_dialog(qtbot, dialog_for, tmp_path):
    dialog = dialog_for(ExportKind.PDF, "packet.pdf")
    dialog.annexes.setChecked(False)
    progress = []
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS) as blocker:
        dialog.export_button.click()
        assert dialog.worker is not None  # runs off the GUI thread …
        assert not dialog.format_combo.isEnabled() and dialog.progress.isVisible()  # … with a progress bar
        dialog.worker.signals.progress.connect(lambda d, t: progress.append((d, t)))
    out = tmp_path / "packet.pdf"
    assert Path(blocker.args[0]) == out
    text = squash(pdftotext(out))
    assert SAMPLE_NUMBER in text and "汤阴县公安局" in text
    assert "附件1" not in squash(pdftotext(out, first=page_count(out)))  # annexes left out as asked
    assert not dialog.isVisible()  # closes once done


def test_excel_export_through_the_dialog(qtbot, dialog_for, tmp_path):
    from openpyxl import load_workbook

    dialog = dialog_for(ExportKind.PDF, "packet.pdf")
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    assert dialog.target.edit.text().endswith("packet.xlsx")  # the suffix follows the format
    assert not dialog.annexes.isEnabled() and not dialog.seal_check.isEnabled()  # PDF-only options
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    wb = load_workbook(tmp_path / "packet.xlsx")
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert any(SAMPLE_NUMBER in v for v in cells)


def test_json_export_round_trips(qtbot, dialog_for, tmp_path, sample):
    dialog = dialog_for(ExportKind.JSON, "c.json")
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    assert loads((tmp_path / "c.json").read_bytes()) == sample


def test_an_export_is_kept_as_a_revision_and_the_review_tab_shows_it(qtbot, dialog_for, db):
    from app.store.revisions import Reason, list_revisions
    from ui.review_tab import ReviewTab

    review = ReviewTab(db)
    qtbot.addWidget(review)
    review.set_contract(SAMPLE_NUMBER)
    before = review.revision_list.count()
    dialog = dialog_for(ExportKind.JSON, "sent.json")
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    assert list_revisions(db, SAMPLE_NUMBER)[-1].reason is Reason.EXPORTED
    qtbot.waitUntil(lambda: review.revision_list.count() == before + 1, timeout=5000)  # announced on the GUI thread
    assert "packet exported" in review.revision_list.item(0).text()


@pytest.mark.parametrize(
    "setup, field",
    [
        (lambda d, tmp: d.target.edit.setText(""), "Save as"),
        (lambda d, tmp: d.target.edit.setText(str(tmp / "missing-folder" / "x.pdf")), "missing-folder"),
        (lambda d, tmp: d.seal_check.setChecked(True), "Seal image"),
        (lambda d, tmp: (d.sign_check.setChecked(True), d.credential.edit.setText(str(tmp / "none.p12"))), "Credential"),
    ],
)
def test_bad_input_is_refused_naming_the_field(qtbot, dialog_for, tmp_path, setup, field):
    dialog = dialog_for(ExportKind.PDF, "x.pdf")
    setup(dialog, tmp_path)
    dialog.export_button.click()
    assert dialog.worker is None
    assert field in dialog.message.text()
    assert dialog.isVisible()
    assert not (tmp_path / "x.pdf").exists()


def test_cancel_stops_the_export_and_writes_nothing(qtbot, dialog_for, tmp_path):
    dialog = dialog_for(ExportKind.PDF, "cancelled.pdf")
    dialog.export_button.click()
    worker = dialog.worker
    assert worker is not None
    with qtbot.waitSignal(worker.signals.cancelled, timeout=EXPORT_TIMEOUT_MS):
        dialog.cancel_button.click()  # Cancel while running cancels the export, not the dialog
        assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.worker is None)
    assert "cancelled" in dialog.message.text()
    assert not (tmp_path / "cancelled.pdf").exists()
    assert dialog.export_button.isEnabled()


def test_signed_export_with_passphrase_and_a_wrong_one(qtbot, dialog_for, tmp_path, monkeypatch):
    from app.codecs.signing.pdf import verify_pdf
    from tests.pdf_specimens import make_p12

    monkeypatch.delenv("CONTRACTDESK_P12_PASSWORD", raising=False)
    p12 = tmp_path / "signer.p12"
    make_p12(p12, b"s3cret")
    dialog = dialog_for(ExportKind.PDF, "bad.pdf")
    dialog.annexes.setChecked(False)
    dialog.sign_check.setChecked(True)
    dialog.credential.edit.setText(str(p12))
    dialog.password.setText("wrong")
    with qtbot.waitSignal(dialog.export_failed, timeout=EXPORT_TIMEOUT_MS) as failed:
        dialog.export_button.click()
    assert "password" in failed.args[0]
    assert not (tmp_path / "bad.pdf").exists()

    dialog.target.edit.setText(str(tmp_path / "signed.pdf"))
    dialog.password.setText("s3cret")
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    assert verify_pdf(tmp_path / "signed.pdf").state is SignatureState.INTACT
    import os

    assert "CONTRACTDESK_P12_PASSWORD" not in os.environ  # the passphrase did not outlive the export


def test_print_renders_every_page_of_the_real_packet(qtbot, db, tmp_path):
    from app.ops.export import ExportOptions
    from ui.print_preview import page_count as pdf_pages
    from ui.print_preview import paint_pdf, render_pages

    worker = ExportWorker(ExportJob(ExportKind.PREVIEW, db, SAMPLE_NUMBER, ExportOptions(annexes=False)))
    with qtbot.waitSignal(worker.signals.finished, timeout=EXPORT_TIMEOUT_MS) as done:
        QThreadPool.globalInstance().start(worker)
    pdf = done.args[0]
    assert pdf.startswith(b"%PDF")
    first = render_pages(pdf, 50, 0, 0)[0]
    assert first.width() > 100 and first.height() > first.width()  # A4 portrait
    colours = {first.pixel(x, y) for x in range(0, first.width(), 7) for y in range(0, first.height(), 7)}
    assert len(colours) > 2  # text was drawn, not a blank sheet

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint_pdf(printer, pdf) == pdf_pages(pdf)
    assert page_count(tmp_path / "printed.pdf") == pdf_pages(pdf)


def test_print_honours_a_page_range(qtbot, sample, tmp_path):
    from app.codecs.pdf import PdfOptions, render_pdf
    from ui.print_preview import paint_pdf

    pdf = render_pdf(sample, PdfOptions(annexes=False))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert paint_pdf(printer, pdf) == 2
    assert page_count(tmp_path / "range.pdf") == 2


@pytest.fixture
def installed(monkeypatch):
    """Pretend this machine has exactly these fonts (the combo asks ui.export_dialog.installed_font_choices)."""

    def pretend(*choices: str) -> None:
        monkeypatch.setattr("ui.export_dialog.installed_font_choices", lambda: set(choices))

    return pretend


def test_font_choice_reaches_the_exporter_and_is_remembered(qtbot, dialog_for, tmp_path, installed, monkeypatch):
    from PySide6.QtCore import Qt

    import app.codecs.pdf
    from ui import settings as keys

    installed("auto", "bundled", "fangsong")
    seen = []

    def fake_export(contract, out, options):  # what the worker hands the exporter; the real export needs FangSong
        seen.append(options.font_preference)
        out.write_bytes(b"%PDF-1.7\n")

    monkeypatch.setattr(app.codecs.pdf, "export_pdf", fake_export)
    monkeypatch.setattr("app.codecs.pdf.fonts.require_installed", lambda *args: None)  # FangSong "is installed"
    dialog = dialog_for(ExportKind.PDF, "font.pdf")
    combo = dialog.font_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["auto", "bundled", "simsun", "fangsong",
                                                                 "fangsong_gb2312"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["Automatic", "Bundled font", "SimSun", "FangSong",
                                                                 "FangSong_GB2312"]
    assert dialog.font_choice() == "auto" and combo.isEnabled()
    simsun = combo.findData("simsun")
    assert not combo.model().item(simsun).isEnabled()  # not installed: listed, greyed out …
    assert combo.itemData(simsun, Qt.ItemDataRole.ToolTipRole) == "SimSun is not installed on this computer"  # … saying why
    assert combo.model().item(combo.findData("fangsong")).isEnabled()

    combo.setCurrentIndex(combo.findData("fangsong"))
    assert dialog.job().options.font == "fangsong"
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    assert seen == ["fangsong"]  # through ExportJob and ExportWorker into PdfOptions
    assert keys.settings().value(keys.EXPORT_PDF_FONT_KEY) == "fangsong"

    again = dialog_for(ExportKind.PDF, "again.pdf")
    assert again.font_choice() == "fangsong"  # remembered
    installed("auto", "bundled")
    elsewhere = dialog_for(ExportKind.PDF, "elsewhere.pdf")
    assert elsewhere.font_choice() == "auto"  # remembered, but not installed here any more
    assert not elsewhere.font_combo.model().item(elsewhere.font_combo.findData("fangsong")).isEnabled()


def test_font_choice_only_for_pdf_and_refused_when_not_installed(qtbot, dialog_for, tmp_path, installed):
    installed("auto", "bundled")
    dialog = dialog_for(ExportKind.PDF, "x.pdf")
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    assert not dialog.font_combo.isEnabled()  # a PDF option
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("pdf"))
    assert dialog.font_combo.isEnabled()
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData("simsun"))  # only a program can pick a greyed-out item
    dialog.export_button.click()
    assert dialog.worker is None
    assert dialog.message.text() == "Font: SimSun is not installed on this computer"
    assert not (tmp_path / "x.pdf").exists()


def test_bundled_font_from_the_dialog_is_embedded(qtbot, dialog_for, tmp_path):
    from tests.pdf_tools import pdffonts

    dialog = dialog_for(ExportKind.PDF, "bundled.pdf")
    dialog.annexes.setChecked(False)
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData("bundled"))
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    names = {f["name"].split("+", 1)[-1] for f in pdffonts(tmp_path / "bundled.pdf")}
    assert names == {"NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold"}


def test_a_number_with_a_slash_suggests_a_file_not_a_folder(qtbot, db, sample, tmp_path):
    from app.store import contracts

    sample.number = "汤公采/2025-08"
    contracts.save(db, sample)
    dialog = ExportDialog(db, sample.number, ExportKind.PDF, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.target.path() == tmp_path / "汤公采_2025-08.pdf"


def test_an_existing_file_is_replaced_only_when_the_clerk_says_so(qtbot, dialog_for, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    out = tmp_path / "packet.json"
    out.write_text("last week's packet", encoding="utf-8")
    asked: list[str] = []

    dialog = dialog_for(ExportKind.JSON, "packet.json")
    monkeypatch.setattr(QMessageBox, "question", answering(asked, QMessageBox.StandardButton.No))
    dialog.export_button.click()
    assert asked == [f"{out} already exists. Replace it with this export?"]
    assert dialog.worker is None and out.read_text(encoding="utf-8") == "last week's packet"
    monkeypatch.setattr(QMessageBox, "question", answering(asked, QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    assert loads(out.read_text(encoding="utf-8")).number == SAMPLE_NUMBER
