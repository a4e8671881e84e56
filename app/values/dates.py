"""Dates as clerks type them: 2025-05-22, 2025/5/22, 2025.5.22, 2025年5月22日, full-width digits too.

One parser for the form, the CLI and imports, so "what counts as a date" is decided in one place.
Storage and JSON keep ISO dates (YYYY-MM-DD); this module only reads what people type.
"""

from __future__ import annotations

import re
from datetime import date

from app.values.digits import fold_width

_DAY = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)", re.ASCII)
_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月?)", re.ASCII)


#: The years a contract's dates can fall in; outside them a date is a slip of the keyboard (2205 for 2025,
#: 9999), refused where it is typed rather than counted from (a period from 9999-12-20 has no end).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def out_of_range(day: date) -> str | None:
    """Why `day` cannot be a contract's date, in the user's language, or None when it can."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    from app.base.i18n import _

    return _("{date} is outside the years a contract's dates can fall in ({first}–{last})").format(
        date=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR
    )


class DateError(ValueError):
    """Text that is not a date; the message is a short English reason (callers translate and word it)."""


def _normalise(text: str) -> str:
    # Full-width digits and separators (２０２５／５／２２) become ASCII ones; other digit-like characters
    # (¹², ١٢) stay as they are and fail the ASCII-only patterns.
    return fold_width(text).strip()


def parse_date(text: str) -> date:
    """A calendar date from typed text; DateError for anything else (including 2025-02-30)."""
    raw = _normalise(text)
    if not raw:
        raise DateError("empty")
    m = _DAY.fullmatch(raw)
    if m is None:
        raise DateError("not a date")
    year = int(m.group(1))
    month = int(m.group(2) or m.group(4))
    day = int(m.group(3) or m.group(5))
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError("no such day") from exc


def parse_year_month(text: str) -> str:
    """A year and month ("2025-05", "2025年5月", "2025/5") as the stored "YYYY-MM"; DateError otherwise."""
    raw = _normalise(text)
    if not raw:
        raise DateError("empty")
    m = _MONTH.fullmatch(raw)
    if m is None:
        raise DateError("not a year and month")
    year, month = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12 or year < 1:
        raise DateError("no such month")
    return f"{year:04d}-{month:02d}"


def cn_date(day: date) -> str:
    """2025年5月22日, the way the contract writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"
