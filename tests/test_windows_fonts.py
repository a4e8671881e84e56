"""Windows fonts: SimSun (the right face of simsun.ttc), SimHei and FangSong are found in %WINDIR%\\Fonts and
embedded; a per-user font folder is searched too; an unreadable system font falls back to the bundled face;
an explicitly chosen font that is not installed is refused; the CLI's --font and the export dialog's Font choice
reach the packet.

The fake fonts are subsets of the bundled face renamed SimSun/NSimSun/SimHei/FangSong, so ReportLab really
reads a .ttc collection here, as it does with the real simsun.ttc.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection

from app.errors import UserError
from app.export.pdf import PdfOptions, render_pdf
from app.export.pdf.fonts import (
    FontPreference,
    bundled_fonts,
    choose_fonts,
    installed_preferences,
    register,
    ttc_face_index,
    windows_fonts_folder,
)
from app.interchange.json_codec import dumps
from app.sample import sample_contract

ROOT = Path(__file__).resolve().parent.parent


def _printed_characters() -> str:
    """Every character the sample's packet can print: its data plus the exporter's own labels."""
    parts = [dumps(sample_contract())]
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "app").rglob("*.py")]  # labels, uppercase digits
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "i18n").glob("*/LC_MESSAGES/*.po")]
    parts.append("【】¥￥“”‘’（）：；，。、《》—…　0123456789")
    return "".join(sorted(set("".join(parts))))


def _renamed_subset(source: Path, family: str, text: str) -> TTFont:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16, 17, 21, 22):
            record.string = family if record.nameID != 17 and record.nameID != 22 else "Regular"
        elif record.nameID == 6:
            record.string = family.replace(" ", "")
        elif record.nameID == 3:
            record.string = f"Fake:{family}"
    return font


@pytest.fixture(scope="module")
def windows_dir(tmp_path_factory) -> Path:
    """A fake %WINDIR% (with Chinese and a space in its path) whose Fonts folder holds the Chinese system faces.

    simsun.ttc lists NSimSun first, so a program that assumes SimSun is face 0 picks the wrong one.
    """
    windir = tmp_path_factory.mktemp("win") / "Windows 系统"
    fonts = windir / "Fonts"
    fonts.mkdir(parents=True)
    text = _printed_characters()
    bundled = bundled_fonts()
    collection = TTCollection()
    collection.fonts = [_renamed_subset(bundled.body.path, name, text) for name in ("NSimSun", "SimSun")]
    collection.save(str(fonts / "SIMSUN.TTC"))
    _renamed_subset(bundled.heading.path, "SimHei", text).save(str(fonts / "simhei.ttf"))
    _renamed_subset(bundled.body.path, "FangSong", text).save(str(fonts / "simfang.ttf"))
    return windir


@pytest.fixture
def on_windows(monkeypatch, windows_dir):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(windows_dir))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    return windows_dir


def _pdffonts(pdf: bytes, tmp_path: Path) -> str:
    target = tmp_path / "packet.pdf"
    target.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout


def _pdftext(pdf: bytes, tmp_path: Path) -> str:
    target = tmp_path / "packet.pdf"
    target.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"], capture_output=True, check=True).stdout.decode()


def test_fonts_folder_is_found_from_windir(on_windows):
    assert windows_fonts_folder() == on_windows / "Fonts"


def test_no_windows_fonts_folder_elsewhere(monkeypatch, windows_dir):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("WINDIR", str(windows_dir))
    assert windows_fonts_folder() is None
    assert choose_fonts(FontPreference.AUTO, windows_fonts_folder()) == bundled_fonts()


def test_simsun_face_is_read_from_the_collection_not_assumed(windows_dir):
    ttc = windows_dir / "Fonts" / "SIMSUN.TTC"
    assert ttc_face_index(ttc, "SimSun") == 1
    assert ttc_face_index(ttc, "NSimSun") == 0
    chosen = choose_fonts(FontPreference.AUTO, windows_dir / "Fonts")
    assert chosen.body.path == ttc and chosen.body.subfont_index == 1


def test_export_embeds_simsun_and_simhei_from_windir(on_windows, tmp_path):
    pdf = render_pdf(sample_contract())
    fonts = _pdffonts(pdf, tmp_path)
    assert re.search(r"\+SimSun(-1)?\s", fonts) and "+SimHei " in fonts  # ReportLab names a .ttc face "SimSun-<index>"
    assert "NSimSun" not in fonts and "Noto" not in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    text = "".join(_pdftext(pdf, tmp_path).split())
    assert "".join(sample_contract().party_a.name.split()) in text


def test_fangsong_preference(on_windows, tmp_path):
    pdf = render_pdf(sample_contract(), PdfOptions(font_preference=FontPreference.WINDOWS_FANGSONG))
    fonts = _pdffonts(pdf, tmp_path)
    assert "+FangSong " in fonts and "+SimHei " in fonts and "SimSun" not in fonts


def test_fonts_installed_for_one_user_are_found(monkeypatch, windows_dir, tmp_path):
    """Windows 10+ installs a font "for this user" into %LOCALAPPDATA%\\Microsoft\\Windows\\Fonts."""
    empty_windir = tmp_path / "Windows"
    (empty_windir / "Fonts").mkdir(parents=True)
    local = tmp_path / "用户 数据"
    user_fonts = local / "Microsoft" / "Windows" / "Fonts"
    user_fonts.mkdir(parents=True)
    (user_fonts / "simfang.ttf").write_bytes((windows_dir / "Fonts" / "simfang.ttf").read_bytes())
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(empty_windir))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    chosen = choose_fonts(FontPreference.AUTO, windows_fonts_folder())
    assert chosen.body.path == user_fonts / "simfang.ttf"
    assert chosen.heading == bundled_fonts().heading  # no SimHei anywhere: the bundled bold face


def test_unreadable_system_font_falls_back_to_the_bundled_face(monkeypatch, tmp_path):
    windir = tmp_path / "Windows"
    fonts = windir / "Fonts"
    fonts.mkdir(parents=True)
    (fonts / "simsun.ttc").write_bytes(b"ttcf damaged by a disk error")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(windir))
    chosen = choose_fonts(FontPreference.AUTO, windows_fonts_folder())
    assert chosen.body.path.name == "simsun.ttc"
    body, _heading = register(chosen)
    bundled_body, _ = register(bundled_fonts())
    assert body == bundled_body
    pdf = render_pdf(sample_contract())
    assert "Noto" in _pdffonts(pdf, tmp_path)


def test_bundled_preference_ignores_windows_fonts(on_windows):
    assert choose_fonts(FontPreference.BUNDLED, windows_fonts_folder()) == bundled_fonts()


def test_installed_preferences(on_windows, monkeypatch, tmp_path):
    assert installed_preferences(windows_fonts_folder()) == list(FontPreference)
    only_fangsong = tmp_path / "Windows" / "Fonts"
    only_fangsong.mkdir(parents=True)
    (only_fangsong / "SIMFANG.TTF").write_bytes((on_windows / "Fonts" / "simfang.ttf").read_bytes())
    monkeypatch.setenv("WINDIR", str(only_fangsong.parent))
    assert installed_preferences(windows_fonts_folder()) == ["auto", "bundled", "fangsong"]
    assert installed_preferences(None) == ["auto", "bundled"]  # not Windows


def test_an_explicit_font_that_is_not_installed_is_refused_not_replaced(on_windows, monkeypatch, tmp_path):
    """Asked for SimSun where only FangSong is installed, the exporter says so instead of printing in FangSong."""
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    (windir / "Fonts" / "simfang.ttf").write_bytes((on_windows / "Fonts" / "simfang.ttf").read_bytes())
    monkeypatch.setenv("WINDIR", str(windir))
    with pytest.raises(UserError) as err:
        render_pdf(sample_contract(), PdfOptions(font_preference=FontPreference.WINDOWS_SONG))
    assert str(err.value) == "font: the font SimSun is not installed on this computer; available: auto, bundled, fangsong"
    assert choose_fonts(FontPreference.AUTO, windows_fonts_folder()).body.path.name == "simfang.ttf"  # auto adapts
    with pytest.raises(UserError):
        choose_fonts(FontPreference.WINDOWS_FANGSONG, None)  # no Windows fonts folder at all


def test_cli_font_option_embeds_the_chosen_windows_font(on_windows, tmp_path, capsys):
    from app.cli import main

    out = tmp_path / "fangsong.pdf"
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "export", "CMHA-AY-202500441", "--pdf", str(out), "--no-annexes", "--font", "fangsong"]) == 0
    fonts = _pdffonts(out.read_bytes(), tmp_path)
    assert "+FangSong " in fonts and "+SimHei " in fonts and "SimSun" not in fonts and "Noto" not in fonts
    assert main(["--db", str(db), "export", "CMHA-AY-202500441", "--pdf", str(out), "--no-annexes", "--font", "bundled"]) == 0
    fonts = _pdffonts(out.read_bytes(), tmp_path)
    assert "Noto" in fonts and "FangSong" not in fonts and "SimHei" not in fonts


def test_export_dialog_offers_and_embeds_the_installed_windows_fonts(on_windows, qtbot, tmp_path, db):
    from PySide6.QtCore import Qt

    from ui.export_dialog import ExportDialog
    from ui.export_worker import ExportKind

    dialog = ExportDialog(db, "CMHA-AY-202500441", ExportKind.PDF, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    items = dialog.font_combo.model()
    assert all(items.item(i).isEnabled() for i in range(dialog.font_combo.count()))  # all four installed here
    tip = dialog.font_combo.itemData(dialog.font_combo.findData("fangsong"), Qt.ItemDataRole.ToolTipRole)
    assert "not installed" not in tip
    dialog.annexes.setChecked(False)
    dialog.target.edit.setText(str(tmp_path / "dialog.pdf"))
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData("fangsong"))
    with qtbot.waitSignal(dialog.exported, timeout=240_000):
        dialog.export_button.click()
    fonts = _pdffonts((tmp_path / "dialog.pdf").read_bytes(), tmp_path)
    assert "+FangSong " in fonts and "SimSun" not in fonts
