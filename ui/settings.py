"""What the desktop app remembers between runs (QSettings): window layout, databases, language.

One place for the keys; the language key is ui.i18n's. Values are read defensively: a settings file
from another version or another platform may hold anything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "ContractDesk"
APPLICATION = "ContractDesk"

GEOMETRY_KEY = "window/geometry"
WINDOW_STATE_KEY = "window/state"
SPLITTER_KEY = "window/splitter"
LAST_DATABASE_KEY = "database/last"
RECENT_DATABASES_KEY = "database/recent"
EXPORT_FOLDER_KEY = "export/folder"
EXPORT_PDF_FONT_KEY = "export/pdfFont"  # an app.codecs.pdf.fonts.FontPreference value
USER_NAME_KEY = "user/name"  # the name review records carry (app.base.clock)
ANNEX_HEADER_KEY = "annex/header"  # the cost table's column widths
LIST_COLUMNS_KEY = "list/columns"  # the contract list's columns as the clerk left them: JSON [[column, width], …]
LAST_CONTRACT_KEY = "contract/last"  # [database, number] of the contract opened last, reopened at start
OUR_PARTY_KEY = "office/ourParty"  # "a" or "b": which party the office is in its contracts
COMMENT_DRAFTS_KEY = "review/commentDrafts"  # JSON {database: {contract number: a comment written, not yet added}}

#: How many databases File → Recent databases lists.
RECENT_LIMIT = 8


def settings() -> QSettings:
    """The user's settings (registry on Windows); with CONTRACTDESK_HOME set, an INI file in that folder,
    so a portable or test setup never touches the user's own settings."""
    home = os.environ.get("CONTRACTDESK_HOME")
    if home:
        return QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def read_bytes(store: QSettings, key: str) -> QByteArray | None:
    value = store.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def read_text(store: QSettings, key: str) -> str:
    value = store.value(key)
    return value if isinstance(value, str) else ""


def our_party(store: QSettings) -> str:
    """Which party the office is in its contracts: "a" (甲方, the default: a county office is the buyer) or "b".

    The office settings (app.codecs.office_settings, `our_party`) say the same for the whole office; while they are not
    kept with the database, this desk's choice (View → We are) is read here. The one place to read it from the
    office settings once they are stored."""
    value = store.value(OUR_PARTY_KEY)
    return value if value in ("a", "b") else "a"


def recent_databases(store: QSettings) -> list[str]:
    value = store.value(RECENT_DATABASES_KEY)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v][:RECENT_LIMIT]


def remember_contract(store: QSettings, target: str, number: str) -> None:
    store.setValue(LAST_CONTRACT_KEY, [target, number])


def last_contract(store: QSettings, target: str) -> str:
    """The contract opened last in database `target` ("" when none, or when the last one was in another)."""
    value = store.value(LAST_CONTRACT_KEY)
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value) and value[0] == target:
        return value[1]
    return ""


def _all_comment_drafts(store: QSettings) -> dict[str, dict[str, str]]:
    try:
        value = json.loads(read_text(store, COMMENT_DRAFTS_KEY) or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {db: {n: t for n, t in drafts.items() if isinstance(n, str) and isinstance(t, str) and t}
            for db, drafts in value.items() if isinstance(db, str) and isinstance(drafts, dict)}


def comment_drafts(store: QSettings, target: str) -> dict[str, str]:
    """The review comments written in database `target` but not added when the window last closed, by contract."""
    return _all_comment_drafts(store).get(target, {})


def keep_comment_drafts(store: QSettings, target: str, drafts: dict[str, str]) -> None:
    """Remember `target`'s comments written but not added (replacing what was kept for it), for the next start."""
    everything = _all_comment_drafts(store)
    kept = {number: text for number, text in drafts.items() if text.strip()}
    if kept:
        everything[target] = kept
    else:
        everything.pop(target, None)
    store.setValue(COMMENT_DRAFTS_KEY, json.dumps(everything, ensure_ascii=False))


def remember_database(store: QSettings, target: str) -> list[str]:
    """Make `target` the last database and the first of the recent list; returns the new list."""
    recent = [target, *(r for r in recent_databases(store) if r != target)][:RECENT_LIMIT]
    store.setValue(RECENT_DATABASES_KEY, recent)
    store.setValue(LAST_DATABASE_KEY, target)
    return recent
