"""Parsed PDF fonts kept across processes (issue 21): the second process reads the cache instead of parsing, a
changed font file is parsed again, and the PDF still embeds the font with the Chinese text readable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from app.base.resources import bundled_font
from app.codecs.pdf.font_cache import cache_folder, load_font
from tests.conftest import ROOT, SAMPLE_NUMBER
from tests.pdf_tools import pdffonts, pdftotext, squash


@pytest.fixture
def font(tmp_path) -> Path:
    copy = tmp_path / "fonts" / "body.ttf"
    copy.parent.mkdir()
    shutil.copy(bundled_font(), copy)
    return copy


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files ReportLab parses from here on."""
    seen: list[str] = []
    original = ttfonts.TTFontFace.__init__

    def counting(self, filename, *args, **kwargs):
        seen.append(str(filename))
        original(self, filename, *args, **kwargs)

    monkeypatch.setattr(ttfonts.TTFontFace, "__init__", counting)
    return seen


def _same_font(cached: TTFont, parsed: TTFont) -> None:
    mine, theirs = dict(vars(cached.face)), dict(vars(parsed.face))
    scale_mine, scale_theirs = mine.pop("_pdfScale"), theirs.pop("_pdfScale")
    # The file is mapped, not read; glyphToChar is made when first asked for (only text shaping reads it).
    assert mine.pop("_ttf_data")[:] == theirs.pop("_ttf_data")
    assert "glyphToChar" not in mine and cached.face.glyphToChar == theirs.pop("glyphToChar")
    assert mine == theirs
    assert [scale_mine(v) for v in (0, 1, 1000, 2048)] == [scale_theirs(v) for v in (0, 1, 1000, 2048)]
    assert set(vars(cached)) == set(vars(parsed))  # what TTFont.__init__ sets (a ReportLab upgrade must keep this)
    assert (cached._asciiReadable, cached.shapable) == (parsed._asciiReadable, parsed.shapable)
    assert cached.stringWidth("甲方：汤阴县公安局（盖章）", 12) == parsed.stringWidth("甲方：汤阴县公安局（盖章）", 12)
    # The embedded subset is cut from the mapped file a glyph at a time: byte for byte what the parsed face cuts.
    text = "甲方：汤阴县公安局（盖章）人民币壹拾贰万元整 ABC-123, 2025年【】《》"
    chars = sorted({ord(c) for c in text} | set(list(parsed.face.charToGlyph)[1000:1400:3]))[:255]
    assert cached.face.makeSubset(chars) == parsed.face.makeSubset(chars)


def test_the_second_load_reads_the_cache_and_gives_the_same_font(font, parses, tmp_path):
    folder = tmp_path / "cache"
    first = load_font("Body1", font, folder=folder)
    assert parses == [str(font)] and len(list(folder.iterdir())) == 1
    second = load_font("Body2", font, folder=folder)
    assert parses == [str(font)]  # not parsed again
    assert second.fontName == "Body2"
    _same_font(second, first)


def test_a_changed_font_file_is_parsed_again(font, parses, tmp_path):
    folder = tmp_path / "cache"
    load_font("Body", font, folder=folder)
    os.utime(font, ns=(font.stat().st_atime_ns, font.stat().st_mtime_ns + 5_000_000_000))  # replaced by a newer copy
    load_font("Body", font, folder=folder)
    assert parses == [str(font), str(font)]
    shutil.copy(bundled_font(bold=True), font)  # another face under the same name
    bold = load_font("Bold", font, folder=folder)
    assert len(parses) == 3 and bold.face.name.ustr == "NotoSerifCJKsc-Bold"
    assert load_font("Bold", font, folder=folder).face.name.ustr == "NotoSerifCJKsc-Bold" and len(parses) == 3


def test_a_damaged_cache_entry_is_parsed_again_and_rewritten(font, parses, tmp_path):
    folder = tmp_path / "cache"
    load_font("Body", font, folder=folder)
    (entry,) = folder.iterdir()
    entry.write_bytes(entry.read_bytes()[:5000])  # cut short (a disk that filled up, a copy that stopped)
    again = load_font("Body", font, folder=folder)
    assert len(parses) == 2 and len(entry.read_bytes()) > 5000
    _same_font(load_font("Body", font, folder=folder), again)
    assert len(parses) == 2


def test_a_cache_that_cannot_be_written_costs_nothing(font, parses, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder would be")
    loaded = load_font("Body", font, folder=blocked / "fonts")
    assert parses == [str(font)] and loaded.face.charToGlyph


def _export(db_path: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db_path), "export", SAMPLE_NUMBER, "--pdf", str(out),
                           "--font", "bundled"], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_a_second_process_uses_the_cache_and_the_pdf_still_embeds_the_font(db, db_path, tmp_path):
    db.close()
    folder = cache_folder()
    assert folder is not None and not folder.exists()
    first = _export(db_path, tmp_path / "first.pdf")
    assert first.returncode == 0, first.stderr
    entries = sorted(folder.iterdir())
    assert len(entries) == 2  # body and heading faces
    written = {e.name: e.stat().st_mtime_ns for e in entries}
    second = _export(db_path, tmp_path / "second.pdf")
    assert second.returncode == 0, second.stderr
    assert {e.name: e.stat().st_mtime_ns for e in folder.iterdir()} == written  # read, not written again
    for pdf in (tmp_path / "first.pdf", tmp_path / "second.pdf"):
        fonts = pdffonts(pdf)
        assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)
        assert any("NotoSerifCJKsc" in f["name"] for f in fonts)
        text = squash(pdftotext(pdf))
        assert "汤阴县公安局" in text and "中国移动通信集团河南有限公司安阳分公司" in text
    assert squash(pdftotext(tmp_path / "first.pdf")) == squash(pdftotext(tmp_path / "second.pdf"))


def test_reportlab_runs_its_c_helpers():
    """reportlab[accel] is a dependency: text widths, number formatting and stream encoding run in C, not in
    ReportLab's Python fallbacks (a third of a packet's layout time)."""
    import _rl_accel
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str is _rl_accel.fp_str
    assert rl_accel.instanceStringWidthTTF is _rl_accel.instanceStringWidthTTF
    assert rl_accel.asciiBase85Encode is _rl_accel.asciiBase85Encode
