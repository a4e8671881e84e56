"""An approved contract changes only by going back to review: every edit op refuses it unless told to reopen, and
reopening is a state step in the edit's own transaction (app.ops.unit.Unit.content_edit)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from app.domain import AnnexKind, Clause, Payment, Status, TotalKind
from app.ops import annexes as annex_ops
from app.ops import contracts as contract_ops
from app.ops import review as review_ops
from app.ops.integrity import integrity_problems
from app.ops.unit import ApprovedEdit
from app.store import annex_rows as ar
from app.store import audit, states
from app.store.annex_rows import CellChange, TableOptions
from app.store.contracts import load, version_of
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import database_digest, table_annex

ROW = ("新增项", "", "项", Decimal("1"), Decimal("1.00"), "")


@pytest.fixture
def approved(db):
    review_ops.set_state(db, N, "review")
    review_ops.set_state(db, N, "approved")
    return db


def first_row(db) -> int:
    return ar.fetch_rows(db, table_annex(db).id).ids[0]


#: Every op that changes what the contract says, as (name, call(db, reopen)).
EDITS = {
    "set_field": lambda db, **k: contract_ops.set_field(db, N, "title", "改过的标题", **k),
    "set_clauses": lambda db, **k: contract_ops.set_clauses(db, N, [Clause("第一条", "总则", "新条款")], **k),
    "edit_clauses": lambda db, **k: contract_ops.edit_clauses(db, N, lambda cl: cl.pop(), **k),
    "set_payments": lambda db, **k: contract_ops.set_payments(db, N, [Payment(Decimal("4273290.00"))], **k),
    "update_cells": lambda db, **k: annex_ops.update_cells(db, N, table_annex(db).id,
                                                           [CellChange(first_row(db), "remark", "改")], **k),
    "insert_rows": lambda db, **k: annex_ops.insert_rows(db, N, table_annex(db).id, None, [ROW], **k),
    "delete_rows": lambda db, **k: annex_ops.delete_rows(db, N, table_annex(db).id, [first_row(db)], **k),
    "reorder_rows": lambda db, **k: annex_ops.reorder_rows(
        db, N, table_annex(db).id, list(reversed(ar.fetch_rows(db, table_annex(db).id).ids)), **k),
    "paste": lambda db, **k: annex_ops.paste(db, N, table_annex(db).id, [CellChange(first_row(db), "unit", "套")], [ROW], **k),
    "set_table_options": lambda db, **k: annex_ops.set_table_options(
        db, N, table_annex(db).id, TableOptions(total_kind=TotalKind.CEILING), **k),
    "set_annex_text": lambda db, **k: annex_ops.set_annex_text(db, N, ar.list_annexes(db, N)[0].id, "技术规范正文", **k),
    "add_annex": lambda db, **k: annex_ops.add_annex(db, N, AnnexKind.TEXT, "补充说明", **k),
    "import_cost_table": lambda db, **k: annex_ops.import_cost_table(db, N, "3", [], **k),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_every_edit_of_an_approved_contract_is_refused_without_reopen(approved, db_path, name):
    before, version = database_digest(db_path), version_of(approved, N)
    with pytest.raises(ApprovedEdit, match="approved"):
        EDITS[name](approved)
    assert database_digest(db_path) == before and version_of(approved, N) == version
    EDITS[name](approved, reopen=True)
    assert states.state_of(approved, N) is Status.REVIEW
    step = states.history(approved, N)[-1]
    assert (step.from_state, step.to_state) == (Status.APPROVED, Status.REVIEW) and "approved" in step.note
    assert integrity_problems(approved, N) == []  # the step and the edit are both on record


def test_reopening_is_one_transaction_with_the_edit_and_is_audited_first(approved):
    done = contract_ops.set_field(approved, N, "project", "雪亮工程四期", reopen=True)
    assert {"state", "fields"} <= {p.value for p in done.changes.parts}
    assert done.changes.version == version_of(approved, N)
    whats = [e.what for e in audit.entries(approved, N)]
    assert whats[-3:] == ["state", "state note", "edit"]  # back to review, why, then the edit
    assert load(approved, N).project == "雪亮工程四期" and load(approved, N).status is Status.REVIEW


def test_a_replacing_import_of_an_approved_contract_asks_for_reopen(approved, tmp_path):
    from app.ops.exchange import export_document

    data = json.loads(export_document(approved, N))
    data["title"] = "换了标题"
    text = json.dumps(data, ensure_ascii=False)
    with pytest.raises(ApprovedEdit):
        contract_ops.import_document(approved, text, replace=True)
    contract_ops.import_document(approved, text, replace=True, reopen=True)
    stored = load(approved, N)
    assert stored.title == "换了标题" and stored.status is Status.REVIEW


def test_recording_what_happened_needs_no_reopening(approved):
    """Events, invoices and the signing itself are records, not changes of the approved text."""
    contract_ops.set_event(approved, N, "acceptance_requested", date(2025, 7, 1))
    contract_ops.add_invoice(approved, N, date(2025, 7, 2), 1, "FP-1")
    contract_ops.set_field(approved, N, "signing.a.date", date(2025, 6, 3))
    contract_ops.set_field(approved, N, "signing.a.signatory", "李锦辉")
    contract_ops.set_field(approved, N, "events.signed_b", "2025-06-04")
    assert states.state_of(approved, N) is Status.APPROVED
    with pytest.raises(ApprovedEdit):
        contract_ops.set_field(approved, N, "signing.a.seal_caption", "甲方（公章）")  # printed wording: an edit


def test_an_unchanged_value_refuses_nothing(approved):
    contract_ops.set_field(approved, N, "title", load(approved, N).title)
    assert states.state_of(approved, N) is Status.APPROVED


def test_cli_set_refuses_naming_reopen_and_reopens_with_it(cli, approved):
    refused = cli("set", N, "terms.delivery_days", "45")
    assert refused.code == 2 and "--reopen" in refused.err and "Traceback" not in refused.err
    assert load(approved, N).terms.delivery_days == 30
    done = cli("set", N, "terms.delivery_days", "45", "--reopen")
    assert done.code == 0, done
    assert load(approved, N).terms.delivery_days == 45 and states.state_of(approved, N) is Status.REVIEW
    zh = cli("--lang", "zh_CN", "state", N)
    assert "已批准的合同被修改，退回审核中" in zh.out


def test_cli_set_in_chinese_names_the_option(cli, approved):
    refused = cli("--lang", "zh_CN", "set", N, "title", "新标题")
    assert refused.code == 2
    assert "合同已批准" in refused.err and "--reopen" in refused.err
