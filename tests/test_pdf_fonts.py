"""Fonts: the bundled face covers every character the sample prints; Windows faces are found and preferred."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from app.codecs.json_codec import dumps
from app.codecs.pdf.fonts import FontPreference, bundled_fonts, choose_fonts, missing_characters, register
from app.codecs.sample import sample_contract

EXTRA = "【】¥￥“”‘’（）：；，。、《》—…0123456789ABCXYZabcxyz%.-/　"


@pytest.mark.parametrize("face", ["body", "heading"])
def test_bundled_faces_have_a_glyph_for_every_sample_character(face):
    path = getattr(bundled_fonts(), face).path
    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap()
    text = (
        dumps(sample_contract())
        + EXTRA
        + "签字页甲方（盖章）代表签字日期年月日第页共以下无正文附件合计金额大写人民币序号项目规格内容单位数量单价备注"
    )
    missing = sorted({ch for ch in text if not ch.isspace() and ch.isprintable() and ord(ch) not in cmap})
    assert missing == []


def test_bundled_fonts_are_truetype_not_cff():
    for f in (bundled_fonts().body, bundled_fonts().heading):
        with TTFont(str(f.path), lazy=True) as font:
            assert "glyf" in font and "CFF " not in font


def test_missing_characters_reports_what_would_print_blank():
    body, _heading = register(bundled_fonts())
    assert missing_characters("合同【4273290】¥", body) == []
    assert missing_characters("合同\U0001f600\U0001f600𠀀", body) == ["\U0001f600", "𠀀"]


def fake_fonts(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"not a real font")
    return folder


def test_windows_song_and_hei_are_preferred_when_present(tmp_path):
    folder = fake_fonts(tmp_path / "Fonts", "SIMSUN.TTC", "simhei.ttf", "simfang.ttf")
    chosen = choose_fonts(FontPreference.AUTO, folder)
    assert chosen.body.path.name == "SIMSUN.TTC" and chosen.body.subfont_index == 0
    assert chosen.heading.path.name == "simhei.ttf"
    assert chosen.stamp_ttf.name == "simhei.ttf"  # pyHanko needs a single .ttf, never the .ttc


def test_fangsong_preference_and_fallbacks(tmp_path):
    folder = fake_fonts(tmp_path / "Fonts", "simsun.ttc", "simfang.ttf")
    chosen = choose_fonts(FontPreference.WINDOWS_FANGSONG, folder)
    assert chosen.body.path.name == "simfang.ttf"
    assert chosen.heading == bundled_fonts().heading  # no SimHei: bundled bold heading
    assert choose_fonts(FontPreference.BUNDLED, folder) == bundled_fonts()
    assert choose_fonts(FontPreference.AUTO, tmp_path / "empty") == bundled_fonts()
    assert choose_fonts(FontPreference.AUTO, fake_fonts(tmp_path / "other", "arial.ttf")) == bundled_fonts()
    assert choose_fonts(FontPreference.AUTO, None) == bundled_fonts()
