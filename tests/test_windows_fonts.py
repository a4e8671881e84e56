"""Windows fonts: SimSun (the right face of simsun.ttc), SimHei and FangSong are found in %WINDIR%\\Fonts and
embedded; a per-user font folder is searched too; faces are found by family name in the registry (仿宋_GB2312
under any file name); an unreadable system font falls back to the bundled face; an explicitly chosen font that is
not installed is refused; the CLI's --font and the export dialog's Font choice reach the packet, and the dialog
says which face will print.

The fake fonts are subsets of the bundled face renamed SimSun/NSimSun/SimHei/FangSong/FangSong_GB2312, so ReportLab
really reads a .ttc collection here, as it does with the real simsun.ttc. The registry is a fake list of
(value name, file) pairs; on a real Windows (the CI runner) the tests use it too, so they do not depend on the
runner's fonts. Without poppler (Windows), the PDF's fonts and text are read with pypdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection

from app.base.errors import UserError
from app.codecs.json_codec import dumps
from app.codecs.pdf import PdfOptions, render_pdf
from app.codecs.pdf import fonts as pdf_fonts
from app.codecs.pdf.fonts import (
    FONTS_KEY,
    FontPreference,
    bundled_fonts,
    choose_fonts,
    face_name,
    installed_preferences,
    read_font_registry,
    register,
    registry_families,
    ttc_face_index,
    windows_fonts_folder,
)
from app.codecs.sample import SAMPLE_NUMBER, sample_contract

ROOT = Path(__file__).resolve().parent.parent
# Looked up once, before a test pretends to be on Windows (Python 3.13's shutil.which reads sys.platform).
PDFFONTS, PDFTOTEXT = shutil.which("pdffonts"), shutil.which("pdftotext")


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


@pytest.fixture(scope="module")
def gb2312_font(tmp_path_factory) -> Path:
    """A 仿宋_GB2312 face under a file name no list of names would guess (fonts of official documents come so)."""
    path = tmp_path_factory.mktemp("gb2312") / "FZFSK_GBK 2312.TTF"
    _renamed_subset(bundled_fonts().body.path, "FangSong_GB2312", _printed_characters()).save(str(path))
    return path


@pytest.fixture
def registry(monkeypatch) -> list[tuple[str, str]]:
    """The fonts registry the code reads: empty until a test lists fonts in it."""
    entries: list[tuple[str, str]] = []
    monkeypatch.setattr(pdf_fonts, "read_font_registry", lambda: list(entries))
    return entries


@pytest.fixture
def on_windows(monkeypatch, windows_dir, registry):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(windows_dir))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    return windows_dir


def _pypdf_fonts(target: Path) -> str:
    """pdffonts' table (name, type, encoding, emb, sub, uni, object), read with pypdf where poppler is missing."""
    from pypdf import PdfReader

    rows, seen = ["name type encoding emb sub uni object ID", "-" * 40], set()
    for page in PdfReader(str(target)).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            name = str(font["/BaseFont"]).lstrip("/")
            if name not in seen:
                seen.add(name)
                rows.append(f"{name} TrueType Identity-H {'yes' if embedded else 'no'} yes yes 0 0")
    return "\n".join(rows) + "\n"


def _pdffonts(pdf: bytes, tmp_path: Path) -> str:
    target = tmp_path / "packet.pdf"
    target.write_bytes(pdf)
    if PDFFONTS is None:
        return _pypdf_fonts(target)
    return subprocess.run([PDFFONTS, str(target)], capture_output=True, text=True, check=True).stdout


def _pdftext(pdf: bytes, tmp_path: Path) -> str:
    target = tmp_path / "packet.pdf"
    target.write_bytes(pdf)
    if PDFTOTEXT is None:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(target)).pages)
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(target), "-"], capture_output=True, check=True).stdout.decode()


def test_fonts_folder_is_found_from_windir(on_windows):
    assert windows_fonts_folder() == on_windows / "Fonts"


def test_no_windows_fonts_folder_elsewhere(monkeypatch, windows_dir, registry):
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


def test_fonts_installed_for_one_user_are_found(monkeypatch, windows_dir, registry, tmp_path):
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


def test_unreadable_system_font_falls_back_to_the_bundled_face(monkeypatch, registry, tmp_path):
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
    assert installed_preferences(windows_fonts_folder()) == ["auto", "bundled", "simsun", "fangsong"]
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
    enabled = {dialog.font_combo.itemData(i) for i in range(dialog.font_combo.count()) if items.item(i).isEnabled()}
    assert enabled == {"auto", "bundled", "simsun", "fangsong"}  # all but 仿宋_GB2312 are installed here
    tip = dialog.font_combo.itemData(dialog.font_combo.findData("fangsong"), Qt.ItemDataRole.ToolTipRole)
    assert "not installed" not in tip
    dialog.annexes.setChecked(False)
    dialog.target.edit.setText(str(tmp_path / "dialog.pdf"))
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData("fangsong"))
    with qtbot.waitSignal(dialog.exported, timeout=240_000):
        dialog.export_button.click()
    fonts = _pdffonts((tmp_path / "dialog.pdf").read_bytes(), tmp_path)
    assert "+FangSong " in fonts and "SimSun" not in fonts


def test_registry_names_give_their_families():
    assert registry_families("SimSun & NSimSun (TrueType)") == ["SimSun", "NSimSun"]
    assert registry_families("仿宋_GB2312 (TrueType)") == ["仿宋_GB2312"]
    assert registry_families("Microsoft YaHei & Microsoft YaHei UI (TrueType)") == ["Microsoft YaHei", "Microsoft YaHei UI"]
    assert registry_families("FangSong_GB2312") == ["FangSong_GB2312"]


def test_fangsong_gb2312_is_found_by_its_family_name_under_any_file_name(on_windows, registry, gb2312_font, tmp_path):
    fonts = on_windows / "Fonts"
    (fonts / gb2312_font.name).write_bytes(gb2312_font.read_bytes())
    assert "fangsong_gb2312" not in installed_preferences(windows_fonts_folder())  # not by its file name
    registry.append(("仿宋_GB2312 (TrueType)", gb2312_font.name))  # as Chinese Windows registers it
    assert installed_preferences(windows_fonts_folder())[-1] == "fangsong_gb2312"
    chosen = choose_fonts(FontPreference.WINDOWS_FANGSONG_GB2312, windows_fonts_folder())
    assert chosen.body.path == fonts / gb2312_font.name and chosen.heading.path.name == "simhei.ttf"
    pdf = render_pdf(sample_contract(), PdfOptions(font_preference=FontPreference.WINDOWS_FANGSONG_GB2312))
    embedded = _pdffonts(pdf, tmp_path)
    assert "+FangSong_GB2312" in embedded and "+SimHei" in embedded and "SimSun" not in embedded
    assert choose_fonts(FontPreference.AUTO, windows_fonts_folder()).body.path.name.lower() == "simsun.ttc"


def test_simsun_registered_under_another_file_name_is_found_with_its_face(on_windows, registry, tmp_path):
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    renamed = windir / "Fonts" / "SONG2.TTC"
    renamed.write_bytes((on_windows / "Fonts" / "SIMSUN.TTC").read_bytes())
    registry.append(("SimSun & NSimSun (TrueType)", "SONG2.TTC"))
    chosen = choose_fonts(FontPreference.WINDOWS_SONG, windir / "Fonts")
    assert chosen.body.path == renamed and chosen.body.subfont_index == 1  # SimSun, not NSimSun (face 0)


def test_a_font_installed_for_one_user_is_registered_with_its_full_path(on_windows, registry, gb2312_font, tmp_path):
    """HKCU lists the per-user fonts with a full path, wherever the installer put them."""
    registry.append(("FangSong_GB2312 (TrueType)", str(gb2312_font)))
    chosen = choose_fonts(FontPreference.WINDOWS_FANGSONG_GB2312, windows_fonts_folder())
    assert chosen.body.path == gb2312_font


def test_a_registry_entry_whose_file_is_gone_is_passed_over(on_windows, registry):
    registry.append(("FangSong (TrueType)", "deleted-fangsong.ttf"))
    registry.append(("仿宋_GB2312 (TrueType)", "also-gone.ttf"))
    chosen = choose_fonts(FontPreference.WINDOWS_FANGSONG, windows_fonts_folder())
    assert chosen.body.path.name == "simfang.ttf"  # the usual file name still finds it
    assert "fangsong_gb2312" not in installed_preferences(windows_fonts_folder())


def test_the_registry_is_read_from_both_hives_and_nothing_off_windows(monkeypatch):
    """read_font_registry itself, against a stand-in for winreg: HKLM first, then HKCU; string values only."""
    hives = {
        "HKLM": [("SimSun & NSimSun (TrueType)", "simsun.ttc", 1), ("Broken", 7, 4)],
        "HKCU": [("仿宋_GB2312 (TrueType)", r"C:\Users\张三\AppData\Local\Microsoft\Windows\Fonts\fs.ttf", 1)],
    }
    opened = []

    class Key:
        def __init__(self, hive):
            self.values = hives[hive]

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def open_key(hive, path):
        opened.append((hive, path))
        return Key(hive)

    def enum_value(key, index):
        if index >= len(key.values):
            raise OSError(259, "No more data is available")
        return key.values[index]

    fake = types.SimpleNamespace(HKEY_LOCAL_MACHINE="HKLM", HKEY_CURRENT_USER="HKCU", OpenKey=open_key,
                                 EnumValue=enum_value)
    monkeypatch.setitem(sys.modules, "winreg", fake)
    assert read_font_registry() == [
        ("SimSun & NSimSun (TrueType)", "simsun.ttc"),
        ("仿宋_GB2312 (TrueType)", r"C:\Users\张三\AppData\Local\Microsoft\Windows\Fonts\fs.ttf"),
    ]
    assert opened == [("HKLM", FONTS_KEY), ("HKCU", FONTS_KEY)]
    monkeypatch.setitem(sys.modules, "winreg", None)  # Linux: no winreg at all
    assert read_font_registry() == []


def test_the_face_name_is_the_fonts_own(on_windows, windows_dir):
    chosen = choose_fonts(FontPreference.AUTO, windows_fonts_folder())
    assert face_name(chosen.body) == "SimSun" and face_name(chosen.heading) == "SimHei"
    assert face_name(bundled_fonts().heading) == "Noto Serif CJK SC Bold"


def test_cli_refuses_fangsong_gb2312_where_it_is_not_installed(on_windows, tmp_path, capsys):
    from app.cli import main

    out = tmp_path / "packet.pdf"
    code = main(["--db", str(tmp_path / "c.db"), "export", "CMHA-AY-202500441", "--pdf", str(out), "--font",
                 "fangsong_gb2312"])
    assert code == 2 and not out.exists()
    assert "the font FangSong_GB2312 is not installed on this computer; available: auto, bundled, simsun, fangsong" in \
        capsys.readouterr().err


def test_export_dialog_says_which_face_will_print(on_windows, registry, gb2312_font, qtbot, tmp_path, db):
    from ui.export_dialog import ExportDialog
    from ui.export_worker import ExportKind

    fonts = on_windows / "Fonts"
    (fonts / gb2312_font.name).write_bytes(gb2312_font.read_bytes())
    registry.append(("仿宋_GB2312 (TrueType)", gb2312_font.name))
    dialog = ExportDialog(db, SAMPLE_NUMBER, ExportKind.PDF, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.font_face.text() == "Prints in SimSun (text) and SimHei (headings)"  # Automatic, on this machine
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData("fangsong_gb2312"))
    assert dialog.font_combo.currentText() == "FangSong_GB2312"
    assert dialog.font_face.text() == "Prints in FangSong_GB2312 (text) and SimHei (headings)"
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData("bundled"))
    assert dialog.font_face.text() == "Prints in Noto Serif CJK SC (text) and Noto Serif CJK SC Bold (headings)"
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    assert dialog.font_face.isHidden()
