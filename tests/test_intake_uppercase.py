"""The tolerant reader of uppercase amounts and the list of spellings the PBOC rules allow, against the writer
(app.values.money.rmb_upper) and an independent test-only reader (tests/rmb_parser.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.codecs.intake.textcodec import decode_text
from app.codecs.intake.uppercase import UpperError, allowed_spellings, parse_count, parse_upper_amount, spelling_allowed
from app.values.money import rmb_upper

from .rmb_parser import parse_rmb_upper

amounts = st.integers(min_value=1, max_value=10**15).map(lambda fen: Decimal(fen) / 100)


@settings(max_examples=400, derandomize=True)
@given(amounts)
def test_every_allowed_spelling_reads_back_and_includes_ours(value):
    spellings = allowed_spellings(value)
    assert rmb_upper(value) in spellings
    for spelling in spellings:
        assert parse_upper_amount(spelling) == value
        assert parse_rmb_upper(spelling.replace("圆", "元").replace("正", "整")) == value
        assert spelling_allowed("人民币" + spelling, value)


@pytest.mark.parametrize(("value", "spellings"), [
    # the PBOC examples: a 零 after 万 before a non-zero 千位, and after a zero 元 before a non-zero 角, is optional
    ("107000.53", {"壹拾万柒仟元零伍角叁分", "壹拾万零柒仟元伍角叁分"}),
    ("1680.32", {"壹仟陆佰捌拾元零叁角贰分", "壹仟陆佰捌拾元叁角贰分"}),
    ("1409.50", {"壹仟肆佰零玖元伍角", "壹仟肆佰零玖元伍角整"}),  # 整 after 角 or not
    ("6007.14", {"陆仟零柒元壹角肆分"}),
    ("16409.02", {"壹万陆仟肆佰零玖元零贰分"}),
    ("325.04", {"叁佰贰拾伍元零肆分"}),
    ("16", {"壹拾陆元整", "壹拾陆元正"}),
])
def test_pboc_examples_are_allowed(value, spellings):
    assert spellings <= allowed_spellings(Decimal(value))


@pytest.mark.parametrize(("text", "value"), [
    ("拾陆元整", "16.00"),  # 壹 left out: read, but not an allowed spelling
    ("壹仟零零伍元整", "1005.00"),  # two 零 where one is written
    ("叁佰贰拾伍元肆分", "325.04"),  # the 零 before 分 is required
    ("壹佰元整整", None),
])
def test_irregular_spellings_are_read_but_not_allowed(text, value):
    if value is None:
        with pytest.raises(UpperError):
            parse_upper_amount(text)
        return
    assert parse_upper_amount(text) == Decimal(value)
    assert not spelling_allowed(text, Decimal(value))


def test_cent_amounts_and_round_yuan():
    assert parse_upper_amount("伍角叁分") == Decimal("0.53")
    assert parse_upper_amount("人民币壹佰肆拾贰万肆仟肆佰叁拾圆正") == Decimal("1424430.00")
    assert "零元整" in allowed_spellings(Decimal(0))


def test_counts_in_any_numerals():
    assert [parse_count(t) for t in ("4", "４", "四", "肆", "三十", "十五", "两", "壹拾贰", "x")] == [4, 4, 4, 4, 30, 15, 2, 12, None]


@pytest.mark.parametrize(("data", "encoding"), [
    ("合同".encode(), "UTF-8"),
    (b"\xef\xbb\xbf" + "合同".encode(), "UTF-8 (BOM)"),
    ("甲方：汤阴县公安局".encode("gbk"), "GB18030"),
    ("甲方：汤阴县公安局".encode("utf-16"), "UTF-16"),
    (b"\x84\x31\x95\x33" + "合同".encode("gb18030"), "GB18030 (BOM)"),
])
def test_text_encodings(data, encoding):
    text, found = decode_text(data, "x.txt")
    assert found == encoding and text.lstrip("\ufeff") in ("合同", "甲方：汤阴县公安局")


def test_latin1_bytes_are_not_taken_for_chinese():
    from app.base.errors import UserError

    with pytest.raises(UserError, match="neither UTF-8 nor GB18030"):
        decode_text("Müller & Söhne, Straße 5".encode("latin-1") * 20, "x.txt")
