"""The one translation layer: gettext catalogs under i18n/, Chinese (zh_CN) by default.

Messages are marked with `_()` (English msgids). Catalogs are compiled to .mo when the package is
built; a source checkout without .mo files compiles the .po in memory on first use. Until someone calls
set_language(), the first `_()` picks the language from the environment (Chinese when nothing is set).
Numbers, money and dates for the active language: app/values/formatting.py.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

from app.base.resources import resource_root

DOMAIN = "messages"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_current: gettext.NullTranslations | None = None  # None: not chosen yet, see _translations()
_language = DEFAULT_LANGUAGE
_cache: dict[str, gettext.NullTranslations] = {}


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
    """Switch every later `_()` to `lang` (None: the default, Chinese); returns the language now in force.

    Catalogs are loaded once per language, so switching back and forth at runtime is cheap.
    """
    global _current, _language
    _language = normalize_language(lang)
    if _language not in _cache:
        _cache[_language] = _load(_language)
    _current = _cache[_language]
    return _language


def reload_catalogs() -> None:
    """Forget loaded catalogs (after tools/i18n.py rewrote them); the current language is loaded again."""
    _cache.clear()
    if _current is not None:
        set_language(_language)


def language() -> str:
    """The language in force: "zh_CN" or "en"."""
    _translations()
    return _language


def _translations() -> gettext.NullTranslations:
    if _current is None:
        set_language(language_from_environment())
    assert _current is not None
    return _current


def language_from_environment() -> str:
    """CONTRACTDESK_LANG, then LANGUAGE/LC_ALL/LANG; Chinese when nothing is set."""
    for var in ("CONTRACTDESK_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize_language(value)
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Translate a user-visible message into the current language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count: `ngettext("{n} day", "{n} days", n).format(n=n)`."""
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translated where shown)."""
    return message


#: argparse's own texts (the usage line, section titles, its usage errors), so `contractdesk --help`
#: and a mistyped command read in the chosen language too. Python 3.11–3.13 wording.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
)


def _route_argparse_through_the_catalog() -> None:
    # argparse looks its module-level `_`/`ngettext` up at call time; pointing them here translates
    # its texts with our catalog (anything not in it stays as argparse wrote it).
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


_route_argparse_through_the_catalog()
