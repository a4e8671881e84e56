"""The cost-table editor with the tables offices really write (issue 18), through the real widgets and keys:
the showcase table's every figure against compute(), sections indented and outdented with undo, rows moved
with their sections, 按实结算 rows, the table's options in the footer, and what the clerk sees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from app.domain import RowKind, TotalKind
from app.domain.cost_table import format_rate
from app.store import annex_rows as ar
from app.store.contracts import load, save
from app.values.money import format_amount, rmb_upper
from tests.cost_tables import CEILING, GROSS, NET, TAX, use_showcase
from tests.test_ui_annex import type_into_cell

NUMBER = "CMHA-AY-202500441"
D = Decimal
ALT, NONE = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.NoModifier


def table(db, no: str = "3"):
    return load(db, NUMBER).annex(no).table


def shape(db) -> list[tuple[str, int, str, str]]:
    return [(r.kind.value, r.level, r.no, r.item) for r in table(db)]


@pytest.fixture
def showcase_db(db):
    contract = load(db, NUMBER)
    use_showcase(contract)
    save(db, contract, replace=True)
    return db


@pytest.fixture
def tab(qtbot, showcase_db):
    from ui.annexes_tab import AnnexesTab

    widget = AnnexesTab(showcase_db)
    qtbot.addWidget(widget)
    widget.resize(1366, 600)
    widget.show()
    widget.messages = []
    widget.status_message.connect(widget.messages.append)
    widget.set_contract(NUMBER)
    widget.select_annex("3")
    return widget


@pytest.fixture
def editor(tab):
    return tab.table_editor


def col(editor, name: str) -> int:
    index = editor.model.column_index(name)
    assert index >= 0, f"{name} is not shown"
    return index


def cell(editor, row: int, name: str, role=Qt.ItemDataRole.DisplayRole):
    return editor.model.index(row, col(editor, name)).data(role)


def select(editor, row: int, name: str = "item") -> None:
    table = editor.table
    index = editor.model.index(row, col(editor, name))
    table.setCurrentIndex(index)
    table.selectionModel().select(index, table.selectionModel().SelectionFlag.ClearAndSelect)
    table.setFocus()


def press(qtbot, editor, key, modifier=NONE) -> None:
    qtbot.keyClick(editor.table, key, modifier)


def assert_shows_the_stored_figures(editor, db, no: str = "3") -> None:
    """Every figure the editor shows — each row's and the footer's — is compute()'s for the stored table."""
    stored = table(db, no)
    f = stored.figures()
    assert editor.model.rowCount() == len(stored)
    for i, (row, x) in enumerate(zip(stored, f.rows, strict=True)):
        settled = row.quantity is None if not row.is_section else (x.net is None and x.end > i + 1)
        expected_amount = format_amount(x.net) if x.net is not None else ("settled on actuals" if settled else "")
        assert cell(editor, i, "amount") == expected_amount, i
        if f.uses_vat:
            assert cell(editor, i, "tax") == (format_amount(x.tax) if x.tax is not None else ""), i
            assert cell(editor, i, "gross") == (format_amount(x.gross) if x.gross is not None else ""), i
            assert cell(editor, i, "vat_rate") == (format_rate(x.vat_rate) if x.vat_rate is not None else ""), i
        if f.uses_discount:
            shown = format_amount(x.unit_price) if x.discount is not None and not row.is_section else ""
            assert cell(editor, i, "discounted") == shown, i
        bold = cell(editor, i, "item", Qt.ItemDataRole.FontRole)
        assert (isinstance(bold, QFont) and bold.bold()) == row.is_section, i
        assert cell(editor, i, "item") == "\u3000" * row.level + row.item
    footer = editor.footer
    if f.uses_vat:
        for figure in (f.net, f.tax, f.gross):
            assert format_amount(figure) in footer.total_label.text()
    else:
        assert format_amount(f.total) in footer.total_label.text()


def test_the_showcase_table_shows_every_figure_as_computed(editor, showcase_db):
    model = editor.model
    assert model.columns == ("no", "item", "spec", "unit", "quantity", "unit_price", "discount", "discounted",
                             "amount", "vat_rate", "tax", "gross", "remark")
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(model.columns))]
    assert headers[5] == "Base unit price" and headers[8] == "Amount before VAT" and headers[11] == "Amount with VAT"
    assert_shows_the_stored_figures(editor, showcase_db)
    # The figures the issue worked out by hand
    assert [cell(editor, i, "amount") for i in (0, 1, 2, 5)] == ["254,522.60", "32,522.60", "14,601.00", "17,921.60"]
    assert cell(editor, 5, "tax") == "2,329.81"
    assert [cell(editor, i, "discounted") for i in (8, 9, 10)] == ["255.94", "90.73", "40.59"]
    assert cell(editor, 7, "amount") == "settled on actuals"  # 二: its rows are all 按实结算
    assert cell(editor, 8, "quantity") == "settled on actuals" and cell(editor, 8, "amount") == "settled on actuals"
    assert cell(editor, 8, "discount") == "95.5%"  # inherited from 二, shown grey with where it comes from
    assert cell(editor, 8, "discount", Qt.ItemDataRole.ToolTipRole) == "From section 二 零星维修部分（按实结算）"
    assert cell(editor, 6, "vat_rate") == "6%" and cell(editor, 5, "vat_rate") == "13%"
    assert cell(editor, 5, "vat_rate", Qt.ItemDataRole.ToolTipRole) == "From the table's options"
    assert cell(editor, 0, "no") == "一" and cell(editor, 2, "no") == "1.1"
    # A section's quantity and price are not cells a clerk can type into; computed columns never are
    assert not model.flags(model.index(0, col(editor, "quantity"))) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(3, col(editor, "amount"))) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(3, col(editor, "quantity"))) & Qt.ItemFlag.ItemIsEditable
    footer = editor.footer
    assert footer.total_label.text() == f"Before VAT ¥{format_amount(NET)} + VAT ¥{format_amount(TAX)} = " \
                                        f"¥{format_amount(GROSS)} (11 rows)"
    assert footer.upper_label.text() == f"In words: {rmb_upper(GROSS)}" == "In words: 贰拾柒万贰仟零柒拾元零伍角肆分"
    assert footer.contract_label.text() == f"Contract ceiling: ¥{format_amount(CEILING)}"
    assert footer.difference_label.text() == "¥27,929.46 below the ceiling" and not footer.differs
    assert footer.instalments_label.text() == "Instalments ¥272,070.54: within the ceiling"
    assert (footer.discount_edit.text(), footer.vat_edit.text(), footer.kind_combo.currentText()) == ("", "13%", "ceiling")


def test_the_top_rows_sections_stay_pinned_above_the_table(qtbot, editor):
    editor.table.verticalHeader().setDefaultSectionSize(30)
    editor.resize(editor.width(), 260)  # a few rows on screen: scrolling moves section rows out of sight
    # the new height is laid out, then the scroll lands (both wait for the event loop on a busy machine)
    qtbot.waitUntil(lambda: editor.table.verticalScrollBar().maximum() > 0, timeout=5000)
    editor.table.scrollTo(editor.model.index(4, 0), editor.table.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: editor.table.rowAt(0) == 4, timeout=5000)
    assert editor.section_path.isVisible()
    assert editor.section_path.text() == ("一 绿化、卫生保洁部分  ¥254,522.60  ›  1 绿化维护  ¥32,522.60  ›  "
                                          "1.1 乔木养护  ¥14,601.00")


def test_indent_and_outdent_by_keys_each_one_undoable_step(qtbot, editor, showcase_db):
    db = showcase_db
    before = shape(db)
    stack = editor.undo_stack
    # 1.2 草坪养护 (an item beside section 1.1) indented: it joins 1.1, whose subtotal takes its amount
    select(editor, 5)
    press(qtbot, editor, Qt.Key.Key_Right, ALT)
    assert shape(db)[5] == ("item", 3, "1.2", "草坪养护")
    assert stack.count() == 1 and stack.undoText() == "Indent 1 row"
    assert cell(editor, 2, "amount") == "32,522.60"  # 1.1 = 14,601.00 + 17,921.60
    assert_shows_the_stored_figures(editor, db)
    # 2 卫生保洁, the last row of 一, outdented to the top level: 一 loses its 222,000.00
    select(editor, 6)
    press(qtbot, editor, Qt.Key.Key_Left, ALT)
    assert shape(db)[6] == ("item", 0, "2", "卫生保洁")
    assert cell(editor, 0, "amount") == "32,522.60"
    assert_shows_the_stored_figures(editor, db)
    stack.undo()
    stack.undo()
    assert shape(db) == before
    assert_shows_the_stored_figures(editor, db)
    stack.redo()
    assert shape(db)[5][1] == 3
    assert_shows_the_stored_figures(editor, db)


def test_a_section_moves_with_its_rows(qtbot, editor, showcase_db):
    db = showcase_db
    select(editor, 1)  # 1 绿化维护 with 1.1, its two rows and 1.2
    press(qtbot, editor, Qt.Key.Key_Down, ALT)
    assert [r[3] for r in shape(db)[:7]] == ["绿化、卫生保洁部分", "卫生保洁", "绿化维护", "乔木养护", "乔木修剪",
                                             "病虫害防治", "草坪养护"]
    assert editor.table.currentIndex().row() == 2  # the moved section stays selected
    assert_shows_the_stored_figures(editor, db)
    press(qtbot, editor, Qt.Key.Key_Up, ALT)
    assert [r[3] for r in shape(db)[:3]] == ["绿化、卫生保洁部分", "绿化维护", "乔木养护"]
    # Down past the heading of 二: 卫生保洁 leaves 一 and becomes 二's first row
    select(editor, 6)
    press(qtbot, editor, Qt.Key.Key_Down, ALT)
    assert shape(db)[7] == ("item", 1, "2", "卫生保洁") and shape(db)[6][3] == "零星维修部分（按实结算）"
    assert_shows_the_stored_figures(editor, db)
    assert editor.undo_stack.count() == 3


@pytest.mark.parametrize(("row", "key", "reason"), [
    (3, Qt.Key.Key_Right, "row 4, Level: the row is deeper than the section above it allows (level 4, at most 3)"),
    (3, Qt.Key.Key_Left, "row 4, Level: the rows below it in its section would be left under an item: move it "
                         "below them first (Alt+Down), or outdent them too"),
    (0, Qt.Key.Key_Left, "row 1, Level: the row is already at the top level"),
    (4, Qt.Key.Key_Right, "row 5, Level: the row above is not a section: make it a section first, or move the row "
                          "under one"),
])
def test_a_shape_the_table_cannot_take_is_refused_with_the_reason(qtbot, tab, editor, showcase_db, row, key, reason):
    before = shape(showcase_db)
    select(editor, row)
    press(qtbot, editor, key, ALT)
    assert shape(showcase_db) == before
    assert editor.undo_stack.count() == 0
    assert tab.messages[-1] == f"Not changed: {reason}"
    assert editor.last_refusal == tab.messages[-1]


def test_make_a_row_a_section_or_an_item_and_renumber(qtbot, editor, showcase_db):
    db = showcase_db
    select(editor, 6)  # 卫生保洁
    editor.section_action.trigger()
    row = table(db)[6]
    assert (row.kind, row.quantity, row.unit_price) == (RowKind.SECTION, None, D("0.00"))
    assert cell(editor, 6, "amount") == ""  # a section with no rows yet: no subtotal
    assert editor.undo_stack.undoText() == "Make 1 row a section"
    editor.item_action.trigger()
    assert (table(db)[6].kind, table(db)[6].quantity) == (RowKind.ITEM, D("0"))
    select(editor, 1)  # 绿化维护 holds rows: refused
    editor.item_action.trigger()
    assert editor.last_refusal == "Not changed: row 2, Row kind: the section holds 4 rows: outdent, move or delete them first"
    assert table(db)[1].kind is RowKind.SECTION
    # Numbers go stale after a move; Renumber puts them right in one step
    select(editor, 6)
    press(qtbot, editor, Qt.Key.Key_Up, ALT)  # 卫生保洁 above section 1
    assert [r[2] for r in shape(db)[:3]] == ["一", "2", "1"]
    editor.renumber_action.trigger()
    assert [r[2] for r in shape(db)] == ["一", "1", "2", "2.1", "", "", "2.2", "二", "1", "2", "3"]
    assert editor.undo_stack.undoText() == "Renumber 4 rows"
    editor.undo_stack.undo()
    assert [r[2] for r in shape(db)[:3]] == ["一", "2", "1"]


def test_a_row_settled_on_actual_quantities_typed_as_such(qtbot, tab, editor, showcase_db):
    db = showcase_db
    type_into_cell(qtbot, editor, 3, col(editor, "quantity"), "按实结算")
    assert table(db)[3].quantity is None
    assert cell(editor, 3, "amount") == "settled on actuals" and cell(editor, 3, "tax") == ""
    assert cell(editor, 2, "amount") == "10,335.00"  # 1.1 is now 病虫害防治 alone
    assert_shows_the_stored_figures(editor, db)
    type_into_cell(qtbot, editor, 3, col(editor, "quantity"), "4")
    assert table(db)[3].quantity == D("4")
    assert_shows_the_stored_figures(editor, db)
    # All of 1.1's rows settled: 1.1 has no subtotal, 1 and 一 add up without it
    type_into_cell(qtbot, editor, 3, col(editor, "quantity"), "按实结算")
    type_into_cell(qtbot, editor, 4, col(editor, "quantity"), "按实结算")
    assert cell(editor, 2, "amount") == "settled on actuals"
    assert_shows_the_stored_figures(editor, db)


def test_a_rate_typed_into_a_row(qtbot, editor, showcase_db):
    type_into_cell(qtbot, editor, 3, col(editor, "vat_rate"), "9%")
    assert table(showcase_db)[3].vat_rate == D("0.09")
    assert cell(editor, 3, "tax") == "383.94"
    assert_shows_the_stored_figures(editor, showcase_db)
    type_into_cell(qtbot, editor, 3, col(editor, "vat_rate"), "")  # back to the table's
    assert table(showcase_db)[3].vat_rate is None
    assert_shows_the_stored_figures(editor, showcase_db)


def test_the_tables_options_in_the_footer(qtbot, tab, editor, showcase_db):
    db = showcase_db
    annex_id = editor.model.annex_id
    footer = editor.footer
    footer.discount_edit.setText("95.5")  # ambiguous: refused, said beside the field and on the status bar
    footer.discount_edit.editingFinished.emit()
    assert ar.table_options(db, annex_id).discount is None
    assert tab.messages[-1] == "Discount rate: write a rate as a percentage (13%) or a fraction (0.13)"
    assert footer.discount_edit.toolTip() == tab.messages[-1]
    assert editor.undo_stack.count() == 0
    footer.discount_edit.setText("90%")
    footer.discount_edit.editingFinished.emit()
    assert ar.table_options(db, annex_id).discount == D("0.9")
    assert cell(editor, 3, "discounted") == "32.00"  # 35.55 × 90 % = 31.995
    assert_shows_the_stored_figures(editor, db)
    footer.kind_combo.setCurrentIndex(footer.kind_combo.findData("estimate"))
    assert ar.table_options(db, annex_id).total_kind is TotalKind.ESTIMATE
    assert footer.contract_label.text() == "Contract total: ¥300,000.00"
    assert footer.difference_label.text().startswith("An estimate: differs from the contract total by −¥")
    footer.vat_edit.setText("")
    footer.vat_edit.editingFinished.emit()
    assert ar.table_options(db, annex_id).vat_rate is None
    assert_shows_the_stored_figures(editor, db)
    stack = editor.undo_stack
    assert stack.count() == 3
    while stack.canUndo():
        stack.undo()
    assert ar.table_options(db, annex_id) == ar.TableOptions(None, D("0.13"), TotalKind.CEILING)
    assert (footer.discount_edit.text(), footer.vat_edit.text(), footer.kind_combo.currentText()) == ("", "13%", "ceiling")
    assert_shows_the_stored_figures(editor, db)


def test_a_ceiling_the_instalments_pass_is_shown_red(qtbot, tab, editor, showcase_db):
    from app.ops.contracts import edit_contract

    def more(c) -> None:
        c.payments[0].amount = D("130000.00")

    tab.operations.run(edit_contract, NUMBER, more)
    footer = editor.footer
    assert footer.instalments_label.text() == "Instalments ¥302,070.54: above the ceiling by ¥2,070.54"
    assert "f8d7da" in footer.instalments_label.styleSheet()


def test_flat_tables_look_as_before(qtbot, db):
    from ui.annexes_tab import AnnexesTab

    widget = AnnexesTab(db)
    qtbot.addWidget(widget)
    widget.set_contract(NUMBER)
    widget.select_annex("3")
    editor = widget.table_editor
    assert editor.model.columns == ("item", "spec", "unit", "quantity", "unit_price", "amount", "remark")
    assert not editor.section_path.isVisibleTo(editor)
    assert editor.footer.total_label.text() == "Total (3 rows): ¥4,273,290.00"


def test_a_row_indented_into_a_section_reads_as_such_in_the_compare_view(qtbot, editor, showcase_db):
    """审阅 → compare: the indent made in the editor is said in words, not as a removed and an added row."""
    from app.store.revisions import list_revisions
    from ui.revision_compare import RevisionCompare

    select(editor, 5)
    press(qtbot, editor, Qt.Key.Key_Right, ALT)  # 1.2 草坪养护 into 1.1 乔木养护
    select(editor, 6)
    press(qtbot, editor, Qt.Key.Key_Left, ALT)  # 2 卫生保洁 out of 一
    compare = RevisionCompare(showcase_db)
    qtbot.addWidget(compare)
    revisions = list_revisions(showcase_db, NUMBER)
    assert revisions, "the edit keeps the table as it was before"
    compare.set_revisions(NUMBER, revisions)
    compare.select(revisions[-1].seq)
    text = compare.browser.toPlainText()
    assert "row 6 → 6: 1.2 草坪养护 moved from section 1 绿化维护 into section 1.1 乔木养护" in text
    assert "row 7 → 7: 2 卫生保洁 moved out of section 一 绿化、卫生保洁部分 to the top level" in text
    assert "+ row" not in text and "- row" not in text


def test_a_section_is_deleted_with_its_rows_and_comes_back_with_them(qtbot, editor, showcase_db):
    db = showcase_db
    before = shape(db)
    select(editor, 2)  # 1.1 乔木养护 with its two rows
    press(qtbot, editor, Qt.Key.Key_Delete)
    assert [r[3] for r in shape(db)[:4]] == ["绿化、卫生保洁部分", "绿化维护", "草坪养护", "卫生保洁"]
    assert cell(editor, 1, "amount") == "17,921.60"
    assert_shows_the_stored_figures(editor, db)
    editor.undo_stack.undo()
    assert shape(db) == before
    assert_shows_the_stored_figures(editor, db)


def test_rows_inserted_in_a_section_take_its_level(qtbot, editor, showcase_db):
    select(editor, 4)  # 病虫害防治, in 1.1
    press(qtbot, editor, Qt.Key.Key_Insert)
    assert shape(showcase_db)[4] == ("item", 3, "", "")
    select(editor, 11)  # the last row, in 二: a row added at the end goes into 二 too
    editor.append_action.trigger()
    assert shape(showcase_db)[-1] == ("item", 1, "", "")
    assert_shows_the_stored_figures(editor, showcase_db)


def test_sorting_and_filtering_a_table_with_settled_rows(editor, showcase_db):
    """按实结算 quantities are empty (None): sorting by quantity or amount and filtering must not trip on them."""
    editor.sort_by(col(editor, "quantity"))
    quantities = [cell(editor, r, "quantity") for r in range(editor.model.rowCount())]
    assert quantities[:4] == ["12", "12", "120", "5,600.5"]  # then the rows without one: sections, 按实结算
    assert set(quantities[4:]) == {"", "settled on actuals"}
    editor.sort_by(col(editor, "amount"), Qt.SortOrder.DescendingOrder)
    assert cell(editor, 0, "amount") == "254,522.60"
    editor.sort_by(-1)
    editor.filter_edit.setText("DN300")
    assert editor.model.rowCount() == 1 and cell(editor, 0, "item") == "\u3000疏通排水管"
    editor.filter_edit.clear()
    assert editor.model.rowCount() == 11


def test_a_table_imported_elsewhere_is_redrawn_with_its_sections(qtbot, db):
    """The crash of the old editor: a table with 按实结算 rows and sections arriving through an import."""
    from app.ops.annexes import import_cost_table
    from tests.cost_tables import showcase_table
    from ui.annexes_tab import AnnexesTab

    tab = AnnexesTab(db)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_contract(NUMBER)
    tab.select_annex("3")
    editor = tab.table_editor
    assert editor.model.columns == ("item", "spec", "unit", "quantity", "unit_price", "amount", "remark")
    tab.operations.run(import_cost_table, NUMBER, "3", showcase_table())
    assert editor.model.rowCount() == 11 and "no" in editor.model.columns
    assert_shows_the_stored_figures(editor, db)


def test_the_annex_bench_runs_on_a_small_table_flat_and_in_sections(qapp, tmp_path):
    """The bench's own steps (open, edit, scroll, sort) on 300 rows, both tables: it runs and the edits land.
    (Its speed targets are measured by `python -m bench.bench_annex`, not here.)"""
    from bench.bench_annex import NUMBER as FLAT_NUMBER
    from bench.bench_annex import SECTIONS_NUMBER, build, session

    db_file = tmp_path / "bench.db"
    build(db_file, 300)
    for number in (FLAT_NUMBER, SECTIONS_NUMBER):
        timings = session(db_file, 300, 1, number)
        assert len(timings["edit to updated total"]) == 3 and len(timings["open to first screen"]) == 1


def test_only_widths_the_clerk_drags_are_remembered(qtbot, editor, showcase_db):
    """Columns coming and going (a first discount rate) are sized by the editor, not saved as the clerk's."""
    import json

    from ui import settings as keys

    editor.footer.discount_edit.setText("90%")
    editor.footer.discount_edit.editingFinished.emit()
    editor.undo_stack.undo()
    editor.filter_edit.setText("养护")
    editor.filter_edit.clear()
    saved = keys.settings().value(keys.ANNEX_HEADER_KEY)
    assert not saved or json.loads(saved) == {}
    editor.table.horizontalHeader().resizeSection(col(editor, "remark"), 222)
    assert json.loads(keys.settings().value(keys.ANNEX_HEADER_KEY)) == {"remark": 222}
