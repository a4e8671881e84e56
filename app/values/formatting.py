"""Numbers, counts and dates as a person reads them in the active language (Babel, CLDR data).

zh_CN: 2025年5月22日; en: May 22, 2025. Money is not formatted here: every amount goes through
app.values.money.format_amount, and messages write "¥{amount}" (every amount is in renminbi, the contract
prints ¥, so one symbol reads the same in both languages; CLDR's English would say "CN¥").
Contract content (clause texts, the uppercase amount 大写) is never formatted here: app/values/money.py and the
clause templates keep the contract's own style whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal

from app.base.i18n import language, ngettext

# CLDR locale per interface language ("en" means the US English CLDR data: May 22, 2025).
_LOCALES = {"zh_CN": "zh_Hans_CN", "en": "en_US"}


def locale(lang: str | None = None) -> Locale:
    """The Babel locale for `lang` (default: the active interface language)."""
    return Locale.parse(_LOCALES.get(lang or language(), "zh_Hans_CN"))


def format_number(value: Decimal | int | float | str, places: int | None = None, lang: str | None = None) -> str:
    """A grouped number (1,234.5); with `places`, exactly that many decimals (1,234.50)."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if places is None:
        return format_decimal(number, locale=locale(lang), decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(number, format=pattern, locale=locale(lang), decimal_quantization=True)


def format_date(day: dt.date | None, lang: str | None = None, *, length: str = "long") -> str:
    """2025年5月22日 / May 22, 2025 ("long"); "medium"/"short" give the locale's shorter forms; None → ""."""
    if day is None:
        return ""
    return _babel_date(day, format=length, locale=locale(lang))


def format_datetime(moment: dt.datetime | None, lang: str | None = None, *, length: str = "medium") -> str:
    """A date with its time of day, e.g. for "signed at" lines and backups; None → ""."""
    if moment is None:
        return ""
    return _babel_datetime(moment, format=length, locale=locale(lang))


def format_count(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """A translated message with a count: format_count("{n} day", "{n} days", 3) → "3 days" / "3 天".

    The count is grouped for the locale (1,200 rows). Mark the msgids where they are written with
    ngettext() so extraction finds them; this helper only fills them in.
    """
    return ngettext(singular, plural, n).format(n=format_number(n, lang=lang))
