"""Gaps found walking the review flow as a clerk and a reviewer: what they read, what tampering shows, what import refuses."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.base.i18n import set_language
from app.domain.amendment import Amendment
from app.ops import annexes as annex_ops
from app.ops import review as review_ops
from app.ops.integrity import integrity_problems
from app.store import amendments, comments, revisions, states
from app.store import annex_rows as ar
from app.store.contracts import load, load_versioned
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import record_signing, store_edit
from tests.pdf_tools import pdffonts, pdftotext
from tests.test_audit import tamper


def sign(db) -> None:
    """Review, approve and sign; what a test changed before may stand against approving: gone ahead with a reason
    (recorded only when something does stand against it)."""
    review_ops.set_state(db, N, "review")
    review_ops.set_state(db, N, "approved", despite="会上已说明")
    record_signing(db)
    review_ops.set_state(db, N, "signed", despite="会上已说明")


def edit_terms_and_table(db) -> None:
    contract, version = load_versioned(db, N)
    contract.terms.delivery_days = 45
    store_edit(db, contract, version)
    aid = next(a.id for a in ar.list_annexes(db, N) if a.kind.value == "table")
    annex_ops.update_cells(db, N, aid, [ar.CellChange(ar.fetch_rows(db, aid).ids[0], "quantity", Decimal("2"))])


def test_cli_diff_reads_in_chinese_field_labels_and_column_names(cli, db):
    review_ops.mark_reviewed(db, N, "初审")
    edit_terms_and_table(db)
    db.close()
    r = cli("--lang", "zh_CN", "review", "diff", N, "--from", "初审")
    assert r.code == 0, r
    assert "交付（天）：30 → 45" in r.out
    assert "数量：1 → 2" in r.out
    assert "terms.delivery_days" not in r.out and "quantity" not in r.out


def test_a_remark_change_says_the_total_is_unchanged(db):
    from app.review.report import diff_lines

    seq = review_ops.mark_reviewed(db, N, "初审").value
    aid = next(a.id for a in ar.list_annexes(db, N) if a.kind.value == "table")
    annex_ops.update_cells(db, N, aid, [ar.CellChange(ar.fetch_rows(db, aid).ids[0], "remark", "改了备注")])
    set_language("zh_CN")
    lines = diff_lines(revisions.compare(db, N, seq))
    assert "    合计不变：4,273,290.00" in lines  # under its annex
    assert not any("→ 4,273,290.00" in line for line in lines)


def test_a_state_change_in_the_diff_shows_state_labels(db):
    from app.review.report import diff_lines
    from ui.revision_compare import diff_html

    sign(db)
    set_language("zh_CN")
    d = revisions.compare(db, N, 1)
    assert "  状态：草稿 → 已签署" in diff_lines(d)
    assert "草稿" in diff_html(d) and "draft" not in diff_html(d)


def test_review_pdf_embeds_every_font(cli, db, tmp_path):
    review_ops.mark_reviewed(db, N, "first")
    edit_terms_and_table(db)
    db.close()
    out = tmp_path / "review.pdf"
    assert cli("export", N, "--review-pdf", str(out)).code == 0
    fonts = pdffonts(out)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert "Quantity: 1 → 2" in pdftotext(out)


def test_amendment_page_and_tab_show_labels_and_formatted_amounts(qtbot, db, tmp_path):
    from app.codecs.pdf import PdfOptions, export_pdf
    from app.store.contracts import load
    from ui.review_tab import ReviewTab

    sign(db)
    review_ops.add_amendment(db, N, Amendment("BC-1", "补充协议（一）", None, {"total": "4300000.00", "terms.delivery_days": 60}))
    out = tmp_path / "packet.pdf"
    export_pdf(load(db, N), out, PdfOptions(annexes=False, amendments=amendments.list_amendments(db, N)))
    text = pdftotext(out)
    assert "Total：4,300,000.00" in text and "Delivery (days)：60" in text and "terms.delivery_days" not in text
    tab = ReviewTab(db)
    qtbot.addWidget(tab)
    tab.set_contract(N)
    shown = tab.amendments_view.toPlainText()
    assert "Total: 4,273,290.00 → 4,300,000.00" in shown and "Delivery (days): 30 → 60" in shown
    assert "effective total: 4,300,000.00" in shown
    set_language("zh_CN")
    tab.retranslate_ui()
    assert "生效总价：4,300,000.00" in tab.amendments_view.toPlainText()


def test_amendment_removed_or_changed_in_sqlite_is_detected(cli, db, db_path):
    sign(db)
    review_ops.add_amendment(db, N, Amendment("BC-1", "补充协议（一）", None, {"total": "4300000.00"}))
    assert integrity_problems(db, N) == []
    db.close()
    tamper(db_path, "UPDATE amendments SET changes = ? WHERE number = 'BC-1'", json.dumps({"total": "1.00"}))
    r = cli("audit", N, "--verify")
    assert r.code == 1 and "amendment BC-1 was added or changed outside ContractDesk" in r.err
    tamper(db_path, "DELETE FROM amendments")
    r = cli("audit", N, "--verify")
    assert r.code == 1 and "amendment BC-1 was removed outside ContractDesk" in r.err


def test_cost_table_of_a_signed_contract_changed_in_sqlite_is_detected(cli, db, db_path):
    edit_terms_and_table(db)  # cell edits before signing are fine
    sign(db)
    assert integrity_problems(db, N) == []
    db.close()
    assert cli("audit", N, "--verify").code == 0
    tamper(db_path, "UPDATE annex_rows SET unit_price = '1.00' WHERE position = 0")
    r = cli("--lang", "zh_CN", "audit", N, "--verify")
    assert r.code == 1 and "附件3" in r.err


def test_state_changed_in_sqlite_is_reported_with_state_labels(cli, db, db_path):
    sign(db)
    db.close()
    tamper(db_path, "UPDATE contracts SET status = 'draft' WHERE number = ?", N)
    r = cli("--lang", "zh_CN", "audit", N, "--verify")
    assert r.code == 1 and "已签署" in r.err and "signed" not in r.err


def test_import_refuses_an_amendment_that_does_not_apply_and_merges_nothing(cli, db, tmp_path):
    from app.ops.exchange import export_document

    sign(db)
    data = json.loads(export_document(db, N))
    data["comments"] = [{"id": "4f0c3c1e-0000-4000-8000-000000000001", "target": {"kind": "clause", "ref": "4.1"},
                         "text": "审阅意见", "author": "赵", "created": "2025-06-01T08:00:00Z",
                         "updated": "2025-06-01T08:00:00Z", "resolved": None}]
    data["amendments"] = [{"number": "BC-X", "title": "坏的", "changes": {"clause[99.9].text": "x"}}]
    path = tmp_path / "back.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db.close()
    r = cli("comment", "import", str(path))
    assert r.code == 2 and "BC-X" in r.err and "99.9" in r.err and "Traceback" not in r.err
    r = cli("amend", N, "--list")
    assert r.code == 0 and "BC-X" not in r.out  # the contract's view still works
    assert cli("comment", "list", N).out == ""  # one transaction: the comment waits for a corrected file


@pytest.mark.parametrize(("args", "expected"), [
    (("--clause", "99.9"), "合同中没有条款 99.9"),
    (("--row", "3#9"), "附件 3 只有 3 行"),
])
def test_comment_target_errors_carry_no_english_prefix(cli, args, expected):
    r = cli("--lang", "zh_CN", "comment", "add", N, "意见", *args)
    assert r.code == 2 and expected in r.err and "target" not in r.err
    r = cli("--lang", "zh_CN", "comment", "add", N, "  ")
    assert r.code == 2 and "批注为空" in r.err and "text" not in r.err


def test_every_state_step_keeps_the_contract_as_a_revision(db):
    """Signing keeps the snapshot the tamper check compares a signed contract's cost tables with."""
    from app.store.revisions import Reason

    before = len(revisions.list_revisions(db, N))
    sign(db)  # review, approved, signed
    revs = revisions.list_revisions(db, N)
    assert len(revs) == before + 3 and {r.reason for r in revs[-3:]} == {Reason.STATE}
    assert revisions.load_revision(db, N, revs[-1].seq).status.value == "signed"
    assert revisions.load_revision(db, N, revs[-1].seq).annex("3").table == load(db, N).annex("3").table


def test_a_comment_being_written_stays_with_its_contract(qtbot, db, sample):
    """Switching contracts half-way through a comment neither loses it nor adds it to the other contract."""
    from app.ops.contracts import add_contract
    from ui.comments_panel import CommentsPanel

    other = sample
    other.number = "OTHER-1"
    add_contract(db, other)
    panel = CommentsPanel(db)
    qtbot.addWidget(panel)
    panel.set_contract(N)
    panel.text_edit.setPlainText("第4.1条的标点要改")
    panel.set_contract("OTHER-1")
    assert panel.text_edit.toPlainText() == ""
    panel.add_button.click()  # nothing typed here: nothing added, and the draft is not taken along
    assert comments.list_comments(db, "OTHER-1") == []
    panel.set_contract(N)
    assert panel.text_edit.toPlainText() == "第4.1条的标点要改"
    panel.add_button.click()
    assert [c.text for c in comments.list_comments(db, N)] == ["第4.1条的标点要改"]


def test_audit_listing_reads_as_words_not_codes(cli, db):
    """The stored entries stay as hashed; the listing names the step and the states as the clerk knows them."""
    from app.ops.annexes import update_cells
    from app.store import annex_rows as rows

    aid = next(a.id for a in rows.list_annexes(db, N) if a.kind.value == "table")
    update_cells(db, N, aid, [rows.CellChange(rows.fetch_rows(db, aid).ids[0], "remark", "改")])
    review_ops.set_state(db, N, "review")
    db.close()
    listing = cli("audit", N).out
    assert "\tAnnex 3: cells edited\t" in listing and "annex 3: cells" not in listing
    assert "\tstate changed\tdraft → under review" in listing
    zh = cli("--lang", "zh_CN", "audit", N).out
    assert "草稿 → 审核中" in zh and "附件3：" in zh
    assert json.loads(cli("audit", N, "--json").out)[-1]["what"] == "state"  # the stored text is unchanged


def test_signing_and_archiving_from_the_tab_are_confirmed_first(qtbot, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.domain import Status
    from ui.review_tab import ReviewTab

    asked: list[str] = []
    answer = QMessageBox.StandardButton.No

    def question(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    record_signing(db)  # nothing stands against signing (else the guardrail asks: tests/test_guardrails_window.py)
    tab = ReviewTab(db)
    qtbot.addWidget(tab)
    tab.set_contract(N)
    tab.state_buttons[Status.REVIEW].click()
    tab.state_buttons[Status.APPROVED].click()
    assert asked == []  # steps that can be taken back are not asked about
    tab.state_buttons[Status.SIGNED].click()
    assert states.state_of(db, N) == Status.APPROVED and "read-only" in asked[-1]
    answer = QMessageBox.StandardButton.Yes
    tab.state_buttons[Status.SIGNED].click()
    assert states.state_of(db, N) == Status.SIGNED
    answer = QMessageBox.StandardButton.No
    tab.state_buttons[Status.ARCHIVED].click()
    assert states.state_of(db, N) == Status.SIGNED and "can no longer be changed" in asked[-1]


def test_trail_of_a_deleted_contract_still_verifies(cli, db, db_path):
    """The log outlives the contract: --verify checks it after a deletion, and flags a deletion done in SQL."""
    from app.ops.contracts import delete_contract

    review_ops.add_comment(db, N, "clause", "4.1", "意见")
    delete_contract(db, N)
    db.close()
    r = cli("audit", N, "--verify")
    assert r.code == 0 and "intact" in r.out, r
    assert cli("audit", "NO-SUCH-NUMBER", "--verify").code == 2


def test_contract_deleted_in_sqlite_is_detected(cli, db, db_path):
    review_ops.add_comment(db, N, "clause", "4.1", "意见")
    db.close()
    tamper(db_path, "DELETE FROM contracts WHERE number = ?", N)
    r = cli("audit", N, "--verify")
    assert r.code == 1 and "does not record its deletion" in r.err and "Traceback" not in r.err
