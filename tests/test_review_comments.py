"""Comments: add, resolve, reopen, open counts, and the JSON round trip between two databases."""

from __future__ import annotations

import json

import jsonschema
import pytest

from app.base.errors import UserError
from app.base.resources import resource
from app.codecs.json_codec import dumps, loads_document
from app.codecs.sample import sample_path
from app.ops import review as review_ops
from app.ops.contracts import import_document
from app.ops.exchange import export_document
from app.ops.first_run import open_store
from app.store import comments
from tests.conftest import SAMPLE_NUMBER as N


def test_add_resolve_reopen_and_counts(db):
    a = review_ops.add_comment(db, N, "clause", "4.1", "“，。”应为“。”", user="王五").value
    b = review_ops.add_comment(db, N, "row", "3#2", "单价核对", user="王五").value
    review_ops.add_comment(db, N, "field", "parties.b.representative", "与签字人不一致")
    assert comments.open_comment_counts(db) == {N: 3}
    review_ops.set_comment_resolved(db, N, a.uid[:8], True, user="赵六")
    resolved = next(c for c in comments.list_comments(db, N) if c.uid == a.uid)
    assert (resolved.is_open, resolved.resolved_by) == (False, "赵六")
    assert b.uid in [c.uid for c in comments.list_comments(db, N, open_only=True)]
    assert a.uid not in [c.uid for c in comments.list_comments(db, N, open_only=True)]
    assert comments.open_comment_counts(db) == {N: 2}
    review_ops.set_comment_resolved(db, N, a.uid, False)
    assert comments.open_comment_counts(db) == {N: 3}


@pytest.mark.parametrize(
    ("kind", "target", "text", "message"),
    [
        ("clause", "99.9", "x", "no clause 99.9"),
        ("row", "3#99", "x", "only"),
        ("row", "1#1", "x", "no cost-table annex"),
        ("field", "parties.c.name", "x", "no such field"),
        ("clause", "4.1", "   ", "empty"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_stored(db, kind, target, text, message):
    with pytest.raises(UserError, match=message):
        review_ops.add_comment(db, N, kind, target, text)
    assert comments.list_comments(db, N) == []


def test_plain_export_stays_byte_identical_to_the_sample(db):
    assert export_document(db, N) == sample_path().read_text(encoding="utf-8")


def test_round_trip_between_two_databases_merges_without_duplicates(db, tmp_path, monkeypatch):
    first = review_ops.add_comment(db, N, "clause", "4.1", "标点", user="clerk").value
    review_ops.add_comment(db, N, "contract", "", "整体意见", user="clerk")
    document = export_document(db, N)
    data = json.loads(document)
    schema = json.loads(resource("schema", "contract.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["comments"][0]["id"] == first.uid

    reviewer = open_store(tmp_path / "reviewer.db", load_sample=False)
    result = import_document(reviewer, document).value
    assert (result.created, result.comments_added) == (True, 2)
    review_ops.set_comment_resolved(reviewer, N, first.uid, True, user="reviewer")
    reply = review_ops.add_comment(reviewer, N, "row", "3#1", "数量?", user="reviewer").value
    back = export_document(reviewer, N)

    monkeypatch.setenv("CONTRACTDESK_USER", "clerk")
    for _round in range(2):  # importing the same reply twice changes nothing the second time
        import_document(db, back, contract_too=False)
    mine = {c.uid: c for c in comments.list_comments(db, N)}
    assert len(mine) == 3
    # A file proves nobody's name: the resolution is recorded as brought by the clerk, the file's claim in the trail.
    assert mine[first.uid].resolved_by == "clerk"
    from app.store import audit

    resolved = [e for e in audit.entries(db, N) if e.what == "comment resolved"]
    assert len(resolved) == 1 and resolved[0].user == "clerk"
    assert json.loads(resolved[0].new)["claimed"]["by"] == "reviewer"
    assert mine[reply.uid].text == "数量?"
    assert comments.open_comment_counts(db) == {N: 2}
    reviewer.close()


def test_older_copy_does_not_undo_a_newer_resolution(db, tmp_path):
    c = review_ops.add_comment(db, N, "clause", "4.1", "x").value
    stale = export_document(db, N)
    review_ops.set_comment_resolved(db, N, c.uid, True)
    import_document(db, stale, contract_too=False)
    assert not comments.list_comments(db, N)[0].is_open


def test_bad_comment_in_json_names_the_field(sample):
    text = dumps(sample, {"comments": [{"id": "not-a-uuid", "target": {"kind": "clause", "ref": "4.1"}, "text": "x",
                                        "created": "2025-06-01T00:00:00.000000Z"}]})
    with pytest.raises(UserError) as err:
        loads_document(text)
    assert err.value.where == "comments[0].id"


def test_cli_comment_commands(cli):
    r = cli("comment", "add", N, "请核对", "--clause", "4.1")
    assert r.code == 0
    uid = r.out.strip()
    assert uid in "".join(cli("comment", "list", N, "--json").out)
    assert cli("comment", "resolve", N, uid[:6]).code == 0
    assert cli("comment", "list", N, "--open").out.strip() == ""
    bad = cli("comment", "add", N, "x", "--clause", "77")
    assert bad.code == 2 and "77" in bad.err


def test_stored_utc_times_are_shown_on_the_local_clock(monkeypatch):
    import time

    from app.base.clock import local_time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert local_time("2025-06-01T08:30:00.000000Z") == "2025-06-01 16:30"
        assert local_time("not a time") == "not a time"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_comment_on_a_cost_table_row_is_named_as_the_clerk_reads_it():
    """The comment's question, the review report and the workbook said "cost-table row 3#2", the stored key."""
    from app.base.i18n import set_language
    from app.rules.field_text import describe_target

    assert describe_target("row", "3#2") == "Annex 3 · row 2"
    assert describe_target("clause", "4.1") == "Clause 4.1"
    set_language("zh_CN")
    try:
        assert describe_target("row", "3#2") == "附件3 · 第 2 行"
    finally:
        set_language("en")
