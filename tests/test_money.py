"""Money: what clerks type, how amounts print, and the PBOC uppercase amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.values.credit_code import check_character, credit_code_problem
from app.values.money import (
    AmountError,
    format_amount,
    format_plain,
    integer_upper,
    parse_amount,
    parse_decimal,
    rmb_upper,
)

from .rmb_parser import parse_rmb_upper

# Expected strings from the PBOC rules for writing amounts (examples in the rules themselves where
# they exist: 1,409.50 / 6,007.14 / 1,680.32 / 107,000.53 / 16,409.02 / 325.04) and from the sample.
UPPER_CASES = [
    ("4273290", "肆佰贰拾柒万叁仟贰佰玖拾元整"),
    ("1424430", "壹佰肆拾贰万肆仟肆佰叁拾元整"),
    ("16.00", "壹拾陆元整"),
    ("10", "壹拾元整"),
    ("100000.05", "壹拾万元零伍分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("0.50", "伍角"),
    ("0.05", "伍分"),
    ("0", "零元整"),
    ("1010", "壹仟零壹拾元整"),
    ("100500", "壹拾万零伍佰元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("110000", "壹拾壹万元整"),
    ("10015", "壹万零壹拾伍元整"),
]


@pytest.mark.parametrize("amount, expected", UPPER_CASES)
def test_uppercase_follows_the_pboc_rules(amount, expected):
    assert rmb_upper(Decimal(amount)) == expected


@pytest.mark.parametrize("n, expected", [(4, "肆"), (2, "贰"), (12, "壹拾贰"), (20, "贰拾"), (105, "壹佰零伍")])
def test_counts_in_uppercase(n, expected):
    assert integer_upper(n) == expected


amounts = st.decimals(min_value=0, max_value=Decimal("99999999999999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_uppercase_reads_back_to_the_same_amount(amount):
    text = rmb_upper(amount)
    assert parse_rmb_upper(text) == amount
    assert "零零" not in text
    cents = int(amount * 100) % 100
    assert text.endswith("整") == (cents == 0)
    assert not text.endswith("零")
    if 10 <= amount < 20:
        assert text.startswith("壹拾")


@given(st.integers(min_value=0, max_value=10**15))
def test_whole_yuan_read_back(n):
    assert parse_rmb_upper(rmb_upper(Decimal(n))) == n


@pytest.mark.parametrize(
    "typed, value",
    [
        ("1,424,430.00", "1424430.00"),
        ("¥1424430", "1424430.00"),
        ("￥1,424,430", "1424430.00"),
        ("１４２４４３０．５", "1424430.50"),
        (" 12.5 元", "12.50"),
        ("0", "0.00"),
        ("¥ 1,424,430 元", "1424430.00"),
        ("1，424，430", "1424430.00"),
        ("1 424 430.5", "1424430.50"),
        ("-0", "0.00"),
    ],
)
def test_parse_amount_as_clerks_type_it(typed, value):
    assert parse_amount(typed) == Decimal(value)
    assert str(parse_amount(typed)) == value


@pytest.mark.parametrize("typed, reason", [("12,3x", "not a number"), ("-5", "negative"), ("1.234", "more than 2 decimal places"), ("", "empty"), ("1e5", "not a number"), ("--1", "not a number")])
def test_parse_amount_refuses_rather_than_rounds(typed, reason):
    with pytest.raises(AmountError, match=reason):
        parse_amount(typed)


@pytest.mark.parametrize("typed", ["12,3", "1424430,5", "1,0000", "1,2,3", "1,000,00", "12 3", "1,000.5,5", "1.000,50"])
def test_a_separator_outside_thousands_groups_is_refused(typed):
    # Dropping it would read "12,3" (12.3 with a comma for the point) as 123: refuse instead.
    with pytest.raises(AmountError, match="not a number"):
        parse_amount(typed)
    with pytest.raises(AmountError, match="not a number"):
        parse_decimal(typed, places=4)


def test_quantity_allows_more_places():
    assert parse_decimal("2.5000", places=4) == Decimal("2.5000")
    with pytest.raises(AmountError):
        parse_decimal("2.50001", places=4)


def test_formatting_keeps_both_styles():
    assert format_amount(Decimal("1424430")) == "1,424,430.00"
    assert format_plain(Decimal("4273290.00")) == "4273290"
    assert format_plain(Decimal("12.50")) == "12.50"


def test_sample_credit_code_is_valid():
    assert credit_code_problem("91410500721816077T") is None
    assert check_character("91410500721816077") == "T"


@pytest.mark.parametrize(
    "code, problem",
    [("91410500721816077A", "check character"), ("9141050072181607", "18 characters"), ("91410500721816O77T", "not allowed")],
)
def test_bad_credit_codes(code, problem):
    assert problem in credit_code_problem(code)
