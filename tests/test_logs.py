"""The log never holds bank account numbers or amounts in clear."""

from __future__ import annotations

import logging

import pytest

from app.base.logs import MASK, mask_text, setup_logging
from app.base.private import is_private


@pytest.mark.parametrize(
    "text, secret",
    [
        ("account 41050167690800000395 saved", "41050167690800000395"),
        ("账号：4105 0167 6908 0000 0395", "4105 0167 6908 0000 0395"),
        ("total ¥4,273,290.00 changed", "4,273,290.00"),
        ("total 4273290.00", "4273290.00"),
        ("price 1,424,430 yuan", "1,424,430"),
        ("合同金额4273290元", "4273290"),
        ("大写：肆佰贰拾柒万叁仟贰佰玖拾元整", "肆佰贰拾柒万叁仟贰佰玖拾元整"),
        ("RMB 88.50 paid", "88.50"),
        # bare amounts after a label, =, (, : or a quote
        ("total 4273290", "4273290"),
        ("Total=4273290 saved", "4273290"),
        ("Decimal('1424430')", "1424430"),
        ('price "1424430"', "1424430"),
        ("amount: 1424430.5", "1424430"),
        ("amount: 1424430.5.", "1424430"),
        ("amount:1,424,430", "424,430"),
        ("合同金额4273290", "4273290"),
        ("update (1424430, 'x')", "1424430"),
        # account numbers grouped by hyphens or spaces, or right after a Chinese label or before a full stop
        ("card 6222-0210-0100-1234 saved", "6222-0210-0100"),
        ("card 6222 0210 0100 1234 567", "6222 0210 0100"),
        ("4105-0167-6908-0000-0395", "4105-0167-6908"),
        ("账号41050167690800000395", "41050167690800000395"),
        ("account 41050167690800000395.", "41050167690800000395"),
    ],
)
def test_secrets_are_masked(text, secret):
    masked = mask_text(text)
    assert secret not in masked
    assert MASK in masked


@pytest.mark.parametrize("text", ["annex 3 row 12 of 500", "clause 3.9 and 5.5", "revision 0003_contract_search",
                                  "2025-05-22 signed", "CMHA-AY-202500441",
                                  # dates, times, years and short numbers stay readable
                                  "2025-05-22 10:30:00,123 opened", "at 10:30:00.123456", "date='2025-05-22'",
                                  "2025-05-22 2025-05-23", "year: 2025 (2025)", "row=3, version: 7", "total 3 rows",
                                  "revision '0003_contract_search'", "contracts-auto-20250522-103000.db",
                                  "amount of row 12", "clause 3.1415926"])
def test_ordinary_text_is_kept(text):
    assert mask_text(text) == text


def test_account_keeps_its_last_four_digits():
    assert mask_text("41050167690800000395") == MASK + "0395"


def test_log_file_is_private_rotating_and_masked(tmp_path, sample):
    path = setup_logging(tmp_path / "logs")
    assert setup_logging(tmp_path / "logs") == path
    log = logging.getLogger("app.test")
    account = sample.party_b.bank.account_no
    log.warning("saving %s: total %s, account %s", sample.number, f"{sample.total:,.2f}", account)
    try:
        raise ValueError(f"bad account {account}")
    except ValueError:
        log.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert sample.number in content
    assert account not in content and "4,273,290.00" not in content
    assert "ValueError" in content
    assert is_private(path)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_contractdesk", False):
            root.removeHandler(handler)
            handler.close()
