"""Annexes in the store: cost-table cells and rows, text bodies, attached PDFs; reading them in pages.

The writers run in the caller's transaction (app.ops holds it) and return what undo needs to write the
previous state back. Rows keep their database ids across undo/redo (a deleted row is restored with its
id and position), so undo commands can name rows by id.

`position` orders the stored rows and may have gaps: deleting leaves a gap, inserting shifts the
rows after it only when the gap is too small. Sorting in a view never touches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.base.errors import Conflict, NotFound, UserError
from app.base.i18n import _
from app.domain import (
    COST_COLUMNS,
    COST_STRUCTURE_COLUMNS,
    AnnexKind,
    CostRow,
    CostTable,
    RowKind,
    TotalKind,
)
from app.rules.cost_cells import (
    DECIMAL_COLUMNS,
    NUMBER_COLUMNS,
    ROW_COLUMNS,
    STRUCTURE_DEFAULTS,
    RowValues,
    cell_where,
    column_label,
    parse_cell,
    parse_row,
)
from app.store.db import Database
from app.store.schema import AnnexRow, ContractRow, CostRowRow
from app.values.annex_pdf import check_pdf
from app.values.money import MAX_TABLE_ROWS, check_row_amount, row_amount_problem

_TABLE: Table = cast(Table, CostRowRow.__table__)


@dataclass(frozen=True)
class StoredRow:
    """A row as stored: enough to put a deleted row back exactly where it was."""

    id: int
    position: int
    values: RowValues


@dataclass(frozen=True)
class CellChange:
    """A value for one cell of one row (by row id); `column` is one of ROW_COLUMNS."""

    row_id: int
    column: str
    value: str | Decimal | int | None


@dataclass(frozen=True)
class AnnexInfo:
    """An annex as the annex list shows it (the PDF itself is read only when needed)."""

    id: int
    no: str
    title: str
    kind: AnnexKind
    text: str | None
    pdf_size: int | None


@dataclass
class LoadedRows:
    """A cost table in stored order as parallel column lists (cheap for 100,000 rows).

    `columns` holds COST_COLUMNS (a quantity may be None: priced by unit only); `structure` holds
    COST_STRUCTURE_COLUMNS (kind, level, no, discount, vat_rate, stated) in the same order."""

    ids: list[int]
    columns: dict[str, list]
    #: Position of the last row read (where the next page starts); None for an empty table.
    last_position: int | None = None
    structure: dict[str, list] = field(default_factory=lambda: {name: [] for name in COST_STRUCTURE_COLUMNS})

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class TableOptions:
    """A cost table's own options, as stored with its annex (see `CostTable`)."""

    discount: Decimal | None = None
    vat_rate: Decimal | None = None
    total_kind: TotalKind = TotalKind.FIXED


def _check_row_count(s: Session, annex_id: int) -> None:
    """Refuse (inside the writing transaction) rows past MAX_TABLE_ROWS: with each row within MAX_ROW_AMOUNT,
    this is what keeps the table's total within MAX_AMOUNT without ever adding it up."""
    count = s.scalar(select(func.count()).select_from(_TABLE).where(_TABLE.c.annex_id == annex_id)) or 0
    if count > MAX_TABLE_ROWS:
        raise UserError(_("the table has more than {n} rows").format(n=f"{MAX_TABLE_ROWS:,}"), column_label("item"))


# ------------------------------------------------------------------ reading


def list_annexes(db: Database, number: str) -> list[AnnexInfo]:
    with db.read() as s:
        cid = s.scalar(select(ContractRow.id).where(ContractRow.number == number))
        if cid is None:
            raise NotFound(_("no contract with this number"), number)
        result = s.execute(
            select(AnnexRow.id, AnnexRow.no, AnnexRow.title, AnnexRow.kind, AnnexRow.text, func.length(AnnexRow.pdf))
            .where(AnnexRow.contract_id == cid)
            .order_by(AnnexRow.position)
        )
        return [AnnexInfo(r[0], r[1], r[2], AnnexKind(r[3]), r[4], r[5]) for r in result]


def contract_total(db: Database, annex_id: int) -> Decimal:
    """The total of the contract the annex belongs to (the cost table should add up to it)."""
    with db.read() as s:
        total = s.scalar(
            select(ContractRow.total)
            .join(AnnexRow, AnnexRow.contract_id == ContractRow.id)
            .where(AnnexRow.id == annex_id)
        )
    if total is None:
        raise NotFound(_("no such annex"), str(annex_id))
    return total


@dataclass(frozen=True)
class ContractMoney:
    """What a cost table is held against: the contract's total, whether that total includes VAT, and its
    instalments (an amount may be missing)."""

    total: Decimal
    tax_inclusive: bool
    instalments: tuple[Decimal | None, ...]

    @property
    def instalments_total(self) -> Decimal:
        return sum((a for a in self.instalments if a is not None), Decimal("0.00"))


def contract_money(db: Database, annex_id: int) -> ContractMoney:
    """The contract figures a cost-table editor shows beside the table's total (two small queries)."""
    from app.store.schema import PaymentRow

    with db.read() as s:
        r = s.execute(
            select(ContractRow.id, ContractRow.total, ContractRow.tax_inclusive)
            .join(AnnexRow, AnnexRow.contract_id == ContractRow.id)
            .where(AnnexRow.id == annex_id)
        ).first()
        if r is None:
            raise NotFound(_("no such annex"), str(annex_id))
        amounts = s.scalars(select(PaymentRow.amount).where(PaymentRow.contract_id == r[0])
                            .order_by(PaymentRow.position)).all()
    return ContractMoney(r[1], bool(r[2]), tuple(amounts))


def fetch_rows(
    db: Database, annex_id: int, *, after_position: int | None = None, limit: int | None = None
) -> LoadedRows:
    """Rows of a cost table in stored order as column lists, in one query (no ORM objects).

    `after_position` and `limit` read it in pages (keyset paging on position), so an editor can
    show the first screen at once and read the rest afterwards. Raw DB-API rows on SQLite: the
    type processors would cost more than the query.
    """
    table = _TABLE
    names = ["id", "position", *ROW_COLUMNS]
    if db.is_sqlite:
        sql = "SELECT " + ", ".join(names) + " FROM annex_rows WHERE annex_id = ?"
        params: list = [annex_id]
        if after_position is not None:
            sql += " AND position > ?"
            params.append(after_position)
        sql += " ORDER BY position"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        raw = db.engine.raw_connection()
        try:
            rows = raw.cursor().execute(sql, params).fetchall()
        finally:
            raw.close()
    else:
        query = select(*[table.c[n] for n in names]).where(table.c.annex_id == annex_id).order_by(table.c.position)
        if after_position is not None:
            query = query.where(table.c.position > after_position)
        if limit is not None:
            query = query.limit(limit)
        with db.engine.connect() as conn:
            rows = conn.execute(query).fetchall()
    if not rows:
        return LoadedRows([], {name: [] for name in COST_COLUMNS}, after_position)
    loaded = {name: [r[i + 2] for r in rows] for i, name in enumerate(ROW_COLUMNS)}
    for name in DECIMAL_COLUMNS:
        loaded[name] = [None if v is None else Decimal(v) for v in loaded[name]]
    return LoadedRows([r[0] for r in rows], {name: loaded[name] for name in COST_COLUMNS}, rows[-1][1],
                      {name: loaded[name] for name in COST_STRUCTURE_COLUMNS})


def fetch_row(db: Database, row_id: int) -> RowValues | None:
    """A row's stored values in ROW_COLUMNS order."""
    with db.read() as s:
        r = s.execute(select(*[_TABLE.c[n] for n in ROW_COLUMNS]).where(CostRowRow.id == row_id)).first()
    return tuple(r) if r is not None else None


def table_options(db: Database, annex_id: int) -> TableOptions:
    with db.read() as s:
        r = s.execute(select(AnnexRow.discount, AnnexRow.vat_rate, AnnexRow.total_kind)
                      .where(AnnexRow.id == annex_id)).first()
    if r is None:
        raise NotFound(_("no such annex"), str(annex_id))
    return TableOptions(r[0], r[1], TotalKind(r[2] or "fixed"))


# ------------------------------------------------------------------ writing cost rows
# Each writer runs in the caller's transaction and decides nothing: app.ops checks that the contract may
# change, audits the change and advances the contract's version.


def rows_changed(session: Session, annex_id: int) -> None:
    """Forget the digest revisions know the table's rows by: they changed."""
    session.execute(update(AnnexRow).where(AnnexRow.id == annex_id).values(rows_digest=None))


def _check_values(column: str, value: str | Decimal | int | None) -> str | Decimal | int | None:
    """Last line of defence: a value that reaches the store is already parsed; refuse anything else."""
    if column in DECIMAL_COLUMNS:
        nullable = column != "unit_price"
        if not isinstance(value, Decimal) and not (nullable and value is None):
            raise UserError(_("not a number"), column_label(column))
    elif column == "level":
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(_("not a number"), column_label(column))
    elif not isinstance(value, str):
        raise UserError(_("not a text"), column_label(column))
    return parse_cell(column, value, column_label(column))


SHAPE_COLUMNS = frozenset({"kind", "level"})


def _check_shape(s: Session, annex_id: int) -> None:
    """Refuse a write that leaves the table misshapen (a row deeper than the section above it allows, rows
    left under an item): the caller's transaction rolls back. Reads two small columns of every row."""
    from app.domain.cost_table import structure_problem

    table = _TABLE
    rows = s.execute(
        select(table.c.kind, table.c.level).where(table.c.annex_id == annex_id).order_by(table.c.position)
    ).all()
    if not any(r[1] or r[0] != "item" for r in rows):
        return
    shapes = [CostRow(kind=RowKind(r[0]), level=r[1], quantity=None) for r in rows]
    problem = structure_problem(shapes)
    if problem is not None:
        index, column, message = problem
        raise UserError(message, cell_where(index + 1, column))


def _shaped(rows: Sequence[RowValues]) -> bool:
    """Whether any of these rows is a section or sits below the top level (a shape worth checking)."""
    kind_at, level_at = ROW_COLUMNS.index("kind"), ROW_COLUMNS.index("level")
    return any(len(r) > level_at and (r[kind_at] != "item" or r[level_at]) for r in rows)


def _table_shaped(s: Session, annex_id: int) -> bool:
    table = _TABLE
    return s.execute(
        select(table.c.id).where(table.c.annex_id == annex_id, (table.c.level > 0) | (table.c.kind != "item")).limit(1)
    ).first() is not None


def _row_params(annex_id: int, row: StoredRow) -> dict:
    values = tuple(row.values) + STRUCTURE_DEFAULTS[len(row.values) - len(COST_COLUMNS):]
    params = dict(zip(ROW_COLUMNS, values, strict=True))
    params.update(id=row.id, annex_id=annex_id, position=row.position)
    return params


def set_table_options_in(row: AnnexRow, options: TableOptions) -> TableOptions:
    """Set a cost table's discount rate, VAT rate and total kind; returns the previous ones."""
    if row.kind != AnnexKind.TABLE.value:
        raise UserError(_("this annex is a text, not a table"), row.no)
    previous = TableOptions(row.discount, row.vat_rate, TotalKind(row.total_kind or "fixed"))
    for name, value in (("discount", options.discount), ("vat_rate", options.vat_rate)):
        if value is not None:
            _check_values(name, value)
    row.discount, row.vat_rate, row.total_kind = options.discount, options.vat_rate, options.total_kind.value
    return previous


def audit_options(o: TableOptions) -> dict:
    """A table's options as audit details."""
    return {"discount": None if o.discount is None else str(o.discount),
            "vat_rate": None if o.vat_rate is None else str(o.vat_rate), "total": o.total_kind.value}


def audit_cells(changes: Sequence[CellChange]) -> list:
    """Cell changes as audit details: [[row id, column, value], …] (long lists summarised)."""
    from app.store.audit import details

    return details([[c.row_id, c.column, c.value] for c in changes])


def audit_rows(rows: Sequence[StoredRow]) -> list:
    """Rows as audit details: [[row id, position, *values], …] (long lists summarised)."""
    from app.store.audit import details

    return details([[r.id, r.position, *r.values] for r in rows])


def update_cells_in(s: Session, annex_id: int, changes: Sequence[CellChange]) -> list[CellChange]:
    """Write cell values (already parsed); returns the previous values, same order."""
    checked = [CellChange(c.row_id, c.column, _check_values(c.column, c.value)) for c in changes]
    table = _TABLE
    ids = sorted({c.row_id for c in checked})
    before: dict[int, tuple] = {}
    positions: dict[int, int] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for r in s.execute(
            select(table.c.id, table.c.position, *[table.c[n] for n in ROW_COLUMNS]).where(
                table.c.annex_id == annex_id, table.c.id.in_(chunk)
            )
        ):
            positions[r[0]] = r[1]
            before[r[0]] = tuple(r[2:])
    missing = [i for i in ids if i not in before]
    if missing:
        raise Conflict(_("the row was deleted meanwhile; reload the annex"), str(missing[0]))
    old = [CellChange(c.row_id, c.column, before[c.row_id][ROW_COLUMNS.index(c.column)]) for c in checked]
    at = ROW_COLUMNS.index("quantity"), ROW_COLUMNS.index("unit_price")
    numbers = {rid: [before[rid][at[0]], before[rid][at[1]]]
               for rid in {c.row_id for c in checked if c.column in NUMBER_COLUMNS}}
    typed: dict[int, str] = {}  # the number cell of each row that was changed (named if the product is refused)
    for c in checked:
        if c.column in NUMBER_COLUMNS:
            numbers[c.row_id][NUMBER_COLUMNS.index(c.column)] = c.value
            typed[c.row_id] = c.column
    for rid, (quantity, unit_price) in numbers.items():
        if quantity is not None and row_amount_problem(quantity, unit_price):  # 按实结算 rows have no amount
            row = (s.scalar(select(func.count()).where(table.c.annex_id == annex_id,
                                                       table.c.position < positions[rid])) or 0) + 1
            check_row_amount(quantity, unit_price, cell_where(row, typed[rid]))
    by_column: dict[str, list[dict]] = {}
    for c in checked:
        by_column.setdefault(c.column, []).append({"rid": c.row_id, "val": c.value})
    for column, params in by_column.items():
        s.connection().execute(
            update(table)
            .where(table.c.id == bindparam("rid"))
            .values({column: bindparam("val", type_=table.c[column].type)}),
            params,
        )
    if any(c.column in SHAPE_COLUMNS for c in checked):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)
    return old


def insert_rows_in(s: Session, annex_id: int, before_id: int | None, rows: Sequence[RowValues]) -> list[StoredRow]:
    """Insert rows before the row `before_id` (at the end when None); returns them with ids and positions."""
    if not rows:
        return []
    rows = [parse_row(list(r), i + 1) for i, r in enumerate(rows)]
    table = _TABLE
    n = len(rows)
    if before_id is None:
        last = s.scalar(select(func.max(table.c.position)).where(table.c.annex_id == annex_id))
        start = 0 if last is None else last + 1
    else:
        pos = s.scalar(select(table.c.position).where(table.c.id == before_id, table.c.annex_id == annex_id))
        if pos is None:
            raise Conflict(_("the row was deleted meanwhile; reload the annex"), str(before_id))
        prev = s.scalar(select(func.max(table.c.position)).where(table.c.annex_id == annex_id, table.c.position < pos))
        free_from = 0 if prev is None else prev + 1
        if pos - free_from < n:
            s.execute(
                update(table)
                .where(table.c.annex_id == annex_id, table.c.position >= pos)
                .values(position=table.c.position + (n - (pos - free_from)))
            )
        start = free_from
    next_id = (s.scalar(select(func.max(table.c.id))) or 0) + 1
    stored = [StoredRow(next_id + i, start + i, values) for i, values in enumerate(rows)]
    s.execute(insert(table), [_row_params(annex_id, r) for r in stored])
    _check_row_count(s, annex_id)
    if _shaped(rows) or _table_shaped(s, annex_id):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)
    return stored


def restore_rows_in(s: Session, annex_id: int, rows: Sequence[StoredRow]) -> None:
    """Put rows back with their own ids and positions (undo of a delete, redo of an insert)."""
    if not rows:
        return
    try:
        s.execute(insert(_TABLE), [_row_params(annex_id, r) for r in rows])
    except IntegrityError as exc:
        raise Conflict(_("the table was changed meanwhile; reload the annex"), str(annex_id)) from exc
    _check_row_count(s, annex_id)
    if _shaped([r.values for r in rows]) or _table_shaped(s, annex_id):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)


def delete_rows_in(s: Session, annex_id: int, ids: Sequence[int]) -> list[StoredRow]:
    """Delete rows by id; returns them as they were, for undo."""
    table = _TABLE
    wanted = sorted(set(ids))
    out: list[StoredRow] = []
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        for r in s.execute(
            select(table.c.id, table.c.position, *[table.c[n] for n in ROW_COLUMNS]).where(
                table.c.annex_id == annex_id, table.c.id.in_(chunk)
            )
        ):
            out.append(StoredRow(r[0], r[1], tuple(r[2:])))  # type: ignore[arg-type]
        s.execute(delete(table).where(table.c.annex_id == annex_id, table.c.id.in_(chunk)))
    if len(out) != len(wanted):
        raise Conflict(_("the row was deleted meanwhile; reload the annex"), str(annex_id))
    out.sort(key=lambda r: r.position)
    if _table_shaped(s, annex_id):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)
    return out


def reorder_rows_in(s: Session, annex_id: int, ids_in_order: Sequence[int]) -> list[int]:
    """Give the rows the positions they hold between them, in the order given (moving rows).

    Returns the previous order of the same rows, which undoes the move.
    """
    table = _TABLE
    current = s.execute(
        select(table.c.id, table.c.position)
        .where(table.c.annex_id == annex_id, table.c.id.in_(list(ids_in_order)))
        .order_by(table.c.position)
    ).all()
    if len(current) != len(set(ids_in_order)) or len(current) != len(ids_in_order):
        raise Conflict(_("the row was deleted meanwhile; reload the annex"), str(annex_id))
    positions = [r[1] for r in current]
    s.connection().execute(
        update(table).where(table.c.id == bindparam("rid")).values(position=bindparam("pos")),
        [{"rid": rid, "pos": pos} for rid, pos in zip(ids_in_order, positions, strict=True)],
    )
    if _table_shaped(s, annex_id):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)
    return [r[0] for r in current]


def paste_in(
    s: Session, annex_id: int, changes: Sequence[CellChange], appended: Sequence[RowValues] | Sequence[StoredRow]
) -> tuple[list[CellChange], list[StoredRow]]:
    """A paste: overwrite cells and append rows.

    `appended` are new rows (values) the first time and the StoredRows returned then on redo, so a
    redo recreates the same ids. Returns (previous cell values, appended rows as stored).
    """
    table = _TABLE
    old: list[CellChange] = update_cells_in(s, annex_id, changes) if changes else []
    stored: list[StoredRow] = []
    if appended:
        if isinstance(appended[0], StoredRow):
            stored = [r for r in appended if isinstance(r, StoredRow)]
        else:
            values = [parse_row(cast(RowValues, r), i + 1) for i, r in enumerate(appended) if not isinstance(r, StoredRow)]
            last = s.scalar(select(func.max(table.c.position)).where(table.c.annex_id == annex_id))
            start = 0 if last is None else last + 1
            next_id = (s.scalar(select(func.max(table.c.id))) or 0) + 1
            stored = [StoredRow(next_id + i, start + i, v) for i, v in enumerate(values)]
        try:
            s.execute(insert(table), [_row_params(annex_id, r) for r in stored])
        except IntegrityError as exc:
            raise Conflict(_("the table was changed meanwhile; reload the annex"), str(annex_id)) from exc
        if stored:
            _check_row_count(s, annex_id)
    if any(c.column in SHAPE_COLUMNS for c in changes) or (
            appended and (_shaped([r.values for r in stored]) or _table_shaped(s, annex_id))):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)
    return old, stored


def unpaste_in(s: Session, annex_id: int, old: Sequence[CellChange], appended: Sequence[StoredRow]) -> None:
    """Undo of a paste: the previous cell values back, the appended rows gone."""
    table = _TABLE
    if old:
        update_cells_in(s, annex_id, old)
    ids = [r.id for r in appended]
    for chunk_start in range(0, len(ids), 500):
        s.execute(delete(table).where(table.c.annex_id == annex_id, table.c.id.in_(ids[chunk_start : chunk_start + 500])))
    if _table_shaped(s, annex_id):
        _check_shape(s, annex_id)
    rows_changed(s, annex_id)


# ------------------------------------------------------------------ whole tables and annexes


def table_annex_in(s: Session, contract_id: int, annex_no: str) -> AnnexRow:
    """The contract's cost-table annex `annex_no` (NotFound when it has none by that number)."""
    annex = s.scalar(select(AnnexRow).where(AnnexRow.contract_id == contract_id, AnnexRow.no == annex_no))
    if annex is None or annex.kind != AnnexKind.TABLE.value:
        raise NotFound(_("this contract has no cost-table annex with this number"), annex_no)
    return annex


def replace_table_in(s: Session, annex_id: int, rows: Sequence[CostRow]) -> int:
    """Replace a cost table's rows; returns how many rows it held before."""
    from app.store.contracts import insert_cost_rows

    old_count = s.scalar(select(func.count()).select_from(CostRowRow).where(CostRowRow.annex_id == annex_id)) or 0
    s.execute(delete(CostRowRow).where(CostRowRow.annex_id == annex_id))
    insert_cost_rows(s, annex_id, rows if isinstance(rows, CostTable) else list(rows))
    rows_changed(s, annex_id)
    return old_count


def add_annex_in(s: Session, contract_id: int, kind: AnnexKind, title: str) -> AnnexInfo:
    """Add the next annex (附件4 after 附件1–3): an empty text annex or an empty cost table."""
    from app.values.numbering import next_annex_no

    existing = s.execute(select(AnnexRow.no, AnnexRow.position).where(AnnexRow.contract_id == contract_id)).all()
    annex = AnnexRow(contract_id=contract_id, position=max((r.position for r in existing), default=-1) + 1,
                     no=next_annex_no([r.no for r in existing]), title=title, kind=kind.value,
                     text="" if kind is AnnexKind.TEXT else None)
    s.add(annex)
    s.flush()
    return AnnexInfo(annex.id, annex.no, title, kind, annex.text, None)


def annex_in(s: Session, contract_id: int, annex_id: int) -> AnnexRow:
    """The annex `annex_id` of the contract (NotFound when the contract has no such annex)."""
    row = s.get(AnnexRow, annex_id)
    if row is None or row.contract_id != contract_id:
        raise NotFound(_("no such annex"), str(annex_id))
    return row


def set_annex_text_in(row: AnnexRow, text: str | None) -> str | None:
    """Replace a text annex's body; returns the previous body."""
    if row.kind != AnnexKind.TEXT.value:
        raise UserError(_("this annex is a table, not a text"), row.no)
    previous, row.text = row.text, text
    return previous


def annex_pdf(db: Database, annex_id: int) -> bytes | None:
    with db.read() as s:
        return s.scalar(select(AnnexRow.pdf).where(AnnexRow.id == annex_id))


def set_annex_pdf_in(row: AnnexRow, pdf: bytes | None) -> bytes | None:
    """Attach (or with None remove) a text annex's PDF; returns the previous file."""
    if pdf is not None:
        check_pdf(pdf, row.no)
    if row.kind != AnnexKind.TEXT.value:
        raise UserError(_("a PDF can only be attached to a text annex"), row.no)
    previous, row.pdf = row.pdf, pdf
    return previous
