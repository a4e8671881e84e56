"""What the user sees when the database cannot be opened: the problem in plain words and, when a good
backup exists, an offer to restore it (the damaged file is kept, never overwritten without asking)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.base.errors import UserError
from app.base.i18n import _
from app.ops import database as database_ops
from app.ops.first_run import open_store
from app.store.backup import BackupInfo, latest_good_backup
from app.store.db import Database, DatabaseProblem

log = logging.getLogger(__name__)


def _advice(problem: DatabaseProblem) -> str:
    if problem.kind == "read-only":
        return _("Check the file's permissions, or ask whoever manages this computer.")
    if problem.kind == "newer":
        return _("Update ContractDesk to open it. Restoring a backup goes back to the data as it was then.")
    if problem.kind == "passphrase":
        return _("If the database is encrypted, start ContractDesk with its passphrase.")
    if problem.kind == "server":
        return _("Check the network connection and that the database server is running; ask whoever manages it.")
    if problem.kind == "driver":
        return _("This copy of ContractDesk cannot reach a database server; install the package named above.")
    if problem.kind == "empty":
        return _("Nothing was written over it. Restore a backup, or move the empty file away to start a new database.")
    if problem.kind == "address":
        return _("Check the address given with --db.")
    return _("Nothing was changed in the file.")


def build_box(parent: QWidget | None, problem: DatabaseProblem,
              backup: BackupInfo | None) -> tuple[QMessageBox, QPushButton | None]:
    """The message box, and its restore button when there is a backup to offer."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("ContractDesk"))
    box.setText(_("The database cannot be opened: {problem}").format(problem=problem.message))
    details = [_("File: {file}").format(file=problem.where) if problem.where else "", _advice(problem)]
    restore = None
    if backup is not None:
        details.append(
            _("The latest good backup is from {when}. Restore it? The current file is kept as a backup.").format(
                when=f"{backup.taken:%Y-%m-%d %H:%M}")
        )
        restore = box.addButton(_("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
    else:
        details.append(_("There is no good backup of this database."))
        box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setInformativeText("\n\n".join(d for d in details if d))
    return box, restore


def offer_restore(parent: QWidget | None, problem: DatabaseProblem) -> Database | None:
    """Explain `problem`; if the user restores the latest good backup, return the reopened store."""
    backup = latest_good_backup(problem.path) if problem.path is not None else None
    box, restore = build_box(parent, problem, backup)
    box.exec()
    if restore is None or box.clickedButton() is not restore or backup is None or problem.path is None:
        return None
    try:
        database_ops.restore(backup.path, problem.path, locked=True)  # the window holds the lock
        return open_store(problem.path)
    except UserError as exc:
        log.warning("restore failed: %s", exc)
        QMessageBox.critical(parent, _("ContractDesk"), _("The backup could not be restored: {error}").format(error=exc))
        return None
