"""Operations on the office's settings (its 合同管理办法: approval levels, review and filing periods, archive
items …) and on the reminders a clerk dismisses.

The settings are kept in the database, so every desk on a shared database follows the same rules, and are
exported and imported as one file (`office-settings.json`), so desks with their own database share them too. An
import is read whole and checked first: a bad file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from app.base.clock import current_user
from app.base.fileio import atomic_write_text
from app.codecs.office_settings import OfficeSettings, dumps, read_settings
from app.ops.changes import Changes, Done, Part
from app.store import lifecycle as store
from app.store.db import Database

_OFFICE = Changes(parts=frozenset({Part.OFFICE}))
_REMINDERS = Changes(parts=frozenset({Part.REMINDERS}))


def save_office_settings(db: Database, settings: OfficeSettings, *, user: str | None = None) -> Done[OfficeSettings]:
    """Keep the office's settings; every contract's steps and deadlines follow them from now on."""
    with db.transaction() as s:
        store.save_settings_in(s, settings, user if user is not None else current_user())
    return Done(_OFFICE, settings)


def import_office_settings(db: Database, path: Path, *, user: str | None = None) -> Done[OfficeSettings]:
    """Read a settings file (strictly: any problem is refused naming the field) and keep it."""
    return save_office_settings(db, read_settings(Path(path)), user=user)


def export_office_settings(db: Database, path: Path) -> Done[Path]:
    """Write the office's settings as a file for the other desks (atomically)."""
    from app.store.output_targets import check_output_targets

    path = Path(path)
    check_output_targets({str(path): path}, db.path)
    atomic_write_text(path, dumps(store.load_settings(db)))
    return Done(Changes(), path)


def dismiss_reminder(db: Database, digest: str, number: str, *, user: str | None = None) -> Done[bool]:
    """Hide a reminder from the user's panel until its date moves (app.rules.reminders.Reminder.dismiss_digest);
    the value says whether it was shown until now."""
    with db.transaction() as s:
        added = store.dismiss_in(s, user if user is not None else current_user(), digest, number)
    return Done(_REMINDERS, added)


def restore_reminders(db: Database, *, user: str | None = None) -> Done[int]:
    """Show again every reminder the user dismissed; the value is how many."""
    with db.transaction() as s:
        count = store.forget_dismissals_in(s, user if user is not None else current_user())
    return Done(_REMINDERS, count)


__all__ = ["dismiss_reminder", "export_office_settings", "import_office_settings", "restore_reminders",
           "save_office_settings"]
