"""The one translation layer: gettext catalogs under i18n/, Chinese (zh_CN) by default.

Messages are marked with `_()` (English msgids). Catalogs are compiled to .mo when the package is
built; a source checkout without .mo files compiles the .po in memory on first use.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

from app.paths import resource_root

DOMAIN = "messages"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def catalog_dir() -> Path:
    return resource_root() / "i18n"


def _load(lang: str) -> gettext.NullTranslations:
    base = catalog_dir() / lang / "LC_MESSAGES"
    mo, po = base / f"{DOMAIN}.mo", base / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        import io

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    return gettext.NullTranslations()


def normalize_language(lang: str | None) -> str:
    """Map LANG-style values ("zh_CN.UTF-8", "en_US", "zh") to a supported language."""
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.split(".")[0].replace("-", "_")
    if code.lower().startswith("zh"):
        return "zh_CN"
    if code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def set_language(lang: str | None) -> str:
    """Switch every later `_()` to `lang`; returns the language now in force."""
    global _current, _language
    _language = normalize_language(lang)
    _current = _load(_language) if _language != "en" else gettext.NullTranslations()
    return _language


def language() -> str:
    return _language


def language_from_environment() -> str:
    """CONTRACTDESK_LANG, then LANGUAGE/LC_ALL/LANG; Chinese when nothing is set."""
    for var in ("CONTRACTDESK_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize_language(value)
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Translate a user-visible message into the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translated where shown)."""
    return message
