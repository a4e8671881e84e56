"""The contract list shows a badge with the number of open review comments."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ops.review import add_comment, set_comment_resolved
from app.store.comments import list_comments
from tests.conftest import SAMPLE_NUMBER
from ui.contract_list_model import NUMBER, ContractListModel


def _number_cell(model: ContractListModel):
    row = model.row_of(SAMPLE_NUMBER)
    assert row >= 0
    return model.index(row, NUMBER)


def test_open_comments_show_a_badge_until_resolved(qtbot, db):
    model = ContractListModel(db)
    cell = _number_cell(model)
    assert model.data(cell, Qt.ItemDataRole.DecorationRole) is None

    add_comment(db, SAMPLE_NUMBER, "field", "total", "总价与费用明细表不一致，请核对")
    add_comment(db, SAMPLE_NUMBER, "clause", "4.1", "标点重复")
    model.refresh_contract(SAMPLE_NUMBER)
    cell = _number_cell(model)
    badge = model.data(cell, Qt.ItemDataRole.DecorationRole)
    assert badge is not None and not badge.isNull()
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == "2 open review comments"

    for comment in list_comments(db, SAMPLE_NUMBER):
        set_comment_resolved(db, SAMPLE_NUMBER, comment.uid, True)
    model.refresh_contract(SAMPLE_NUMBER)
    assert model.data(_number_cell(model), Qt.ItemDataRole.DecorationRole) is None


def test_the_badge_leaves_the_number_whole(qtbot, db):
    """With open comments the badge cut CMHA-AY-202500441 to "CMHA-AY-2025…" in a first window's list."""
    from ui.contract_list_view import ContractListView

    add_comment(db, SAMPLE_NUMBER, "clause", "4.1", "标点重复")
    view = ContractListView(db)
    qtbot.addWidget(view)
    view.model.refresh_contract(SAMPLE_NUMBER)
    table = view.table
    badge = view.model.data(_number_cell(view.model), Qt.ItemDataRole.DecorationRole)
    needed = badge.width() + 8 + table.fontMetrics().horizontalAdvance(SAMPLE_NUMBER) + 8
    assert table.horizontalHeader().sectionSize(NUMBER) >= needed
