"""Operations on annexes: cost-table cells and rows, pastes, text bodies, attached PDFs, new annexes, imports.

Each checks the contract's version like every other edit (so an annex edit and a form edit of one window
never look stale to each other, and another window's edit is refused, not overwritten), refuses a signed or
archived contract, returns an approved one to review only when told to (`reopen`, else it is refused), audits
the change and advances the contract's version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import AnnexKind, CostRow, workflow
from app.ops.changes import Done, Part
from app.ops.unit import EditSession, Unit, contract_unit
from app.store import annex_rows as rows_store
from app.store.annex_rows import (
    AnnexInfo,
    CellChange,
    RowValues,
    StoredRow,
    TableOptions,
    audit_cells,
    audit_options,
    audit_rows,
)
from app.store.db import Database
from app.store.revisions import Reason
from app.store.schema import AnnexRow
from app.values.annex_pdf import pdf_note


@contextmanager
def _annex_unit(db: Database, number: str, annex_id: int, expected_version: int | None,
                session: EditSession | None, reopen: bool) -> Iterator[tuple[Unit, AnnexRow]]:
    with contract_unit(db, number, expected_version) as u:
        workflow.ensure_writable(number, u.row.status)
        annex = rows_store.annex_in(u.s, u.row.id, annex_id)
        u.content_edit(reopen)
        u.before_edit(session)
        yield u, annex


def _rows_done(u: Unit, annex: AnnexRow, what: str, old: object, new: object) -> None:
    u.audit(f"annex {annex.no}: {what}", old, new)
    u.changed(Part.ROWS, annex=annex.id)


def update_cells(db: Database, number: str, annex_id: int, changes: Sequence[CellChange], *,
                 expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[list[CellChange]]:
    """Write cell values (already parsed); the value is the previous values, same order (for undo)."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        old = rows_store.update_cells_in(u.s, annex_id, changes) if changes else []
        if changes:
            _rows_done(u, annex, "cells", audit_cells(old), audit_cells(changes))
        return Done(u.result(), old)


def insert_rows(db: Database, number: str, annex_id: int, before_id: int | None, rows: Sequence[RowValues], *,
                expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[list[StoredRow]]:
    """Insert rows before the row `before_id` (at the end when None); the value is the rows as stored."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        stored = rows_store.insert_rows_in(u.s, annex_id, before_id, rows)
        if stored:
            _rows_done(u, annex, "rows inserted", None, audit_rows(stored))
        return Done(u.result(), stored)


def restore_rows(db: Database, number: str, annex_id: int, rows: Sequence[StoredRow], *,
                 expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[None]:
    """Put rows back with their own ids and positions (undo of a delete, redo of an insert)."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        if rows:
            rows_store.restore_rows_in(u.s, annex_id, rows)
            _rows_done(u, annex, "rows restored", None, audit_rows(rows))
        return Done(u.result())


def delete_rows(db: Database, number: str, annex_id: int, ids: Sequence[int], *,
                expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[list[StoredRow]]:
    """Delete rows by id; the value is the rows as they were (for undo)."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        deleted = rows_store.delete_rows_in(u.s, annex_id, ids) if ids else []
        if deleted:
            _rows_done(u, annex, "rows deleted", audit_rows(deleted), None)
        return Done(u.result(), deleted)


def reorder_rows(db: Database, number: str, annex_id: int, ids_in_order: Sequence[int], *,
                 expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[list[int]]:
    """Move rows: they take the positions they hold between them, in the order given; the value is the
    previous order of the same rows (which undoes the move)."""
    from app.store.audit import details

    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        previous = rows_store.reorder_rows_in(u.s, annex_id, ids_in_order)
        _rows_done(u, annex, "rows moved", details(previous), details(list(ids_in_order)))
        return Done(u.result(), previous)


@dataclass(frozen=True)
class Pasted:
    """A paste as stored: the cells' previous values and the rows it appended (for undo and redo)."""

    old: list[CellChange]
    appended: list[StoredRow]


def paste(db: Database, number: str, annex_id: int, changes: Sequence[CellChange],
          appended: Sequence[RowValues] | Sequence[StoredRow], *, expected_version: int | None = None,
          session: EditSession | None = None, reopen: bool = False) -> Done[Pasted]:
    """A paste: overwrite cells and append rows, in one transaction (a redo passes the StoredRows back)."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        old, stored = rows_store.paste_in(u.s, annex_id, changes, appended)
        _rows_done(u, annex, "paste", {"cells": audit_cells(old)}, {"cells": audit_cells(changes), "rows": audit_rows(stored)})
        return Done(u.result(), Pasted(old, stored))


def unpaste(db: Database, number: str, annex_id: int, pasted: Pasted, *, expected_version: int | None = None,
            session: EditSession | None = None, reopen: bool = False) -> Done[None]:
    """Undo of a paste: the previous cell values back, the appended rows gone."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        rows_store.unpaste_in(u.s, annex_id, pasted.old, pasted.appended)
        _rows_done(u, annex, "paste undone", {"rows": audit_rows(pasted.appended)}, {"cells": audit_cells(pasted.old)})
        return Done(u.result())


def set_table_options(db: Database, number: str, annex_id: int, options: TableOptions, *,
                      expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[TableOptions]:
    """Set a cost table's discount rate, VAT rate and whether its total is fixed, a ceiling or an estimate;
    the value is the previous options."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        previous = rows_store.set_table_options_in(annex, options)
        if previous != options:
            u.audit(f"annex {annex.no}: table options", audit_options(previous), audit_options(options))
            u.changed(Part.ROWS, annex=annex.id)
        return Done(u.result(), previous)


def set_annex_text(db: Database, number: str, annex_id: int, text: str | None, *,
                   expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[str | None]:
    """Replace a text annex's body; the value is the previous body."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        previous = rows_store.set_annex_text_in(annex, text)
        if previous != text:
            u.audit(f"annex {annex.no}: text", previous, text)
            u.changed(Part.ANNEXES, annex=annex.id)
        return Done(u.result(), previous)


def set_annex_pdf(db: Database, number: str, annex_id: int, pdf: bytes | None, *,
                  expected_version: int | None = None, session: EditSession | None = None, reopen: bool = False) -> Done[bytes | None]:
    """Attach (or with None remove) a text annex's PDF; the value is the previous file."""
    with _annex_unit(db, number, annex_id, expected_version, session, reopen) as (u, annex):
        previous = rows_store.set_annex_pdf_in(annex, pdf)
        u.audit(f"annex {annex.no}: pdf", pdf_note(previous), pdf_note(pdf))
        u.changed(Part.ANNEXES, annex=annex.id)
        return Done(u.result(), previous)


def add_annex(db: Database, number: str, kind: AnnexKind, title: str, *, expected_version: int | None = None,
              session: EditSession | None = None, reopen: bool = False) -> Done[AnnexInfo]:
    """Add the next annex (附件4 after 附件1–3): an empty text annex or an empty cost table."""
    title = " ".join(title.split())
    if not title:
        raise UserError(_("an annex needs a title"), _("Annex title"))
    with contract_unit(db, number, expected_version) as u:
        workflow.ensure_writable(number, u.row.status)
        u.content_edit(reopen)
        u.before_edit(session)
        info = rows_store.add_annex_in(u.s, u.row.id, kind, title)
        u.audit(f"annex {info.no}: added", None, title)
        u.changed(Part.ANNEXES, annex=info.id)
        return Done(u.result(), info)


def import_cost_table(db: Database, number: str, annex_no: str, rows: Sequence[CostRow], *,
                      expected_version: int | None = None, reopen: bool = False) -> Done[int]:
    """Replace a cost table with rows read from a workbook; the value is how many rows it held before.

    Conflict if the contract changed since the workbook was compared with it; refused on a signed or
    archived contract. The table as it was is kept as a revision, so a review can compare before and after.
    """
    with contract_unit(db, number, expected_version) as u:
        workflow.ensure_writable(number, u.row.status)
        annex = rows_store.table_annex_in(u.s, u.row.id, annex_no)
        u.content_edit(reopen)
        u.keep(Reason.TABLE_IMPORT)
        old_count = rows_store.replace_table_in(u.s, annex.id, rows)
        _rows_done(u, annex, "table replaced from a workbook", f"{old_count} rows", f"{len(rows)} rows")
        return Done(u.result(), old_count)
