"""The audit trail against someone who edits the database file (issue 22, items 4 and 11).

A chain of plain SHA-256 can be recomputed by anyone holding the file, so each exported packet carries the
contract's digest and the chain head in its document properties (kept under a signature), `audit --anchor`
writes the same to a file kept elsewhere, and `audit --verify --against FILE` proves the database still holds
what went out. Within the file, revisions must follow from each other through the trail, and comments and state
history are covered by it. Ordinary use never reports tampering.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from hashlib import sha256

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.ops import review as review_ops
from app.ops.contracts import set_event, set_field
from app.store import audit
from app.store.revisions import list_revisions
from tests.conftest import SAMPLE_NUMBER as N
from tests.pdf_specimens import make_p12

pytestmark = pytest.mark.hostile
SENT = "41050100000000000001"  # the payee's account the clerk entered and sent out
FORGED = "62170000999988887777"  # the account someone puts in the database file afterwards
PASSWORD = "样章-secret"


@pytest.fixture
def sent(cli, db, tmp_path):
    """The sample with Party B's account entered, a comment by alice, a state step with a note, and the contract
    exported as a PDF and a workbook; returns the folder holding packet.pdf and packet.xlsx."""
    set_field(db, N, "parties.b.bank.account_no", SENT)
    review_ops.add_comment(db, N, "clause", "4.1", "付款金额有误，不同意签署", user="alice")
    review_ops.set_state(db, N, "review", note="送审")
    db.close()
    out = cli("export", N, "--pdf", str(tmp_path / "packet.pdf"), "--xlsx", str(tmp_path / "packet.xlsx"))
    assert out.code == 0, out
    return tmp_path


@pytest.fixture
def anchored(cli, sent):
    """`sent`, with the anchor also written to anchor.json (for the archive)."""
    result = cli("audit", N, "--anchor", str(sent / "anchor.json"))
    assert result.code == 0 and "anchor.json" in result.out, result
    return sent


def _sql(db_path, statement: str, *params) -> None:
    con = sqlite3.connect(db_path)
    con.execute(statement, params)
    con.commit()
    con.close()


def _forge_revisions(con, account: str, only_latest: bool) -> None:
    rows = con.execute("SELECT id, snapshot FROM revisions ORDER BY seq").fetchall()
    for rid, blob in rows[-1:] if only_latest else rows:
        data = json.loads(zlib.decompress(blob))
        if data["parties"]["b"]["bank"] and data["parties"]["b"]["bank"]["account_no"] == SENT:
            data["parties"]["b"]["bank"]["account_no"] = account
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        con.execute("UPDATE revisions SET snapshot = ?, digest = ? WHERE id = ?",
                    (zlib.compress(text), sha256(text).hexdigest(), rid))


def forge_account(db_path, *, everywhere: bool) -> None:
    """Put FORGED in the live row and the latest revision (digest recomputed: plain SHA-256, no key); with
    `everywhere`, in every revision and in the trail's entry that recorded the edit too, and the whole chain
    recomputed — all that a text editor and the published algorithm allow."""
    con = sqlite3.connect(db_path)
    con.execute("UPDATE parties SET account_no = ? WHERE role = 'b'", (FORGED,))
    _forge_revisions(con, FORGED, only_latest=not everywhere)
    if everywhere:
        prev = audit.GENESIS
        for seq, at, user, contract, what, old, new in con.execute(
                "SELECT seq, at, user, contract, what, old, new FROM audit_log WHERE contract = ? ORDER BY seq",
                (N,)).fetchall():
            new = new.replace(SENT, FORGED) if new and what == "edit" else new
            digest = audit.entry_hash(prev, seq, at, user, contract, what, old, new)
            con.execute("UPDATE audit_log SET new = ?, prev_hash = ?, hash = ? WHERE seq = ?", (new, prev, digest, seq))
            prev = digest
    con.commit()
    con.close()


# ------------------------------------------------------------------ what the packets carry


def test_the_packets_carry_the_contracts_digest_and_the_chain_head(anchored, db_path):
    sent = anchored
    from app.store.db import open_database

    db = open_database(db_path)
    try:
        exported = next(r for r in list_revisions(db, N) if r.reason and r.reason.value == "exported")
        last = audit.entries(db, N)[-1]
    finally:
        db.close()
    info = PdfReader(sent / "packet.pdf").metadata
    assert info["/ContractDeskNumber"] == N
    assert info["/ContractDeskDigest"] == exported.digest
    assert info["/ContractDeskChain"] == f"{last.seq}:{last.hash}"
    props = {p.name: p.value for p in load_workbook(sent / "packet.xlsx").custom_doc_props}
    assert props["ContractDesk contract digest"] == exported.digest
    assert props["ContractDesk audit chain"] == f"{last.seq}:{last.hash}"
    assert all(len(value) <= 255 for value in props.values())  # Office fails on longer custom properties
    anchor = json.loads((sent / "anchor.json").read_text(encoding="utf-8"))
    assert (anchor["digest"], anchor["chain"]) == (exported.digest, {"seq": last.seq, "hash": last.hash})


def test_signed_packets_keep_the_anchor_under_the_signature(cli, db, tmp_path):
    import subprocess

    p12 = tmp_path / "signer.p12"
    make_p12(p12, PASSWORD.encode())
    db.close()
    out = cli("export", N, "--pdf", str(tmp_path / "s.pdf"), "--xlsx", str(tmp_path / "s.xlsx"),
              "--sign-with", str(p12), env={"CONTRACTDESK_P12_PASSWORD": PASSWORD})
    assert out.code == 0, out
    for packet in ("s.pdf", "s.xlsx"):
        verified = cli("verify", str(tmp_path / packet))
        assert verified.code == 0 and verified.out.startswith("intact"), verified
        matched = cli("audit", N, "--verify", "--against", str(tmp_path / packet))
        assert matched.code == 0 and "matches" in matched.out, matched
    info = subprocess.run(["pdfinfo", "-custom", str(tmp_path / "s.pdf")], capture_output=True, text=True).stdout
    assert f"ContractDeskNumber:{N}" in info and "ContractDeskDigest:" in info and "ContractDeskChain:" in info


# ------------------------------------------------------------------ the attack and a thorough one


def test_the_account_rewritten_in_the_live_row_and_the_latest_revision_is_reported(cli, sent, db_path):
    """The adversarial pass: live row and latest snapshot changed, digest recomputed; `audit --verify` said intact."""
    forge_account(db_path, everywhere=False)
    plain = cli("audit", N, "--verify")
    assert plain.code == 1 and "Account number" in plain.err, plain
    against = cli("audit", N, "--verify", "--against", str(sent / "packet.pdf"))
    assert against.code == 1 and "Account number" in against.err and "Traceback" not in against.err, against


def test_a_rewrite_with_the_whole_chain_recomputed_is_caught_against_the_packet_and_the_anchor(cli, anchored, db_path):
    sent = anchored
    forge_account(db_path, everywhere=True)
    # The file alone cannot tell: everything in it agrees with everything else.
    assert cli("audit", N, "--verify").code == 0
    for kept in ("packet.pdf", "packet.xlsx", "anchor.json"):
        result = cli("audit", N, "--verify", "--against", str(sent / kept))
        assert result.code == 1, result
        assert "was rewritten" in result.err  # the chain up to the anchored entry differs
        assert "Party B · Account number" in result.err  # and the field that differs is named
        assert "Traceback" not in result.err


def test_entries_cut_from_the_end_of_the_trail_are_caught_against_an_anchor(cli, anchored, db_path):
    sent = anchored
    last = json.loads((sent / "anchor.json").read_text(encoding="utf-8"))["chain"]["seq"]
    _sql(db_path, "DELETE FROM audit_log WHERE contract = ? AND seq >= ?", N, last - 1)
    result = cli("audit", N, "--verify", "--against", str(sent / "anchor.json"))
    assert result.code == 1 and f"no longer has entry {last}" in result.err, result


def test_ordinary_work_after_sending_still_matches_the_packet(cli, anchored):
    sent = anchored
    assert cli("set", N, "title", "改过的标题").code == 0
    assert cli("comment", "add", N, "已改", "--clause", "4.1").code == 0
    assert cli("state", N, "approved", "--despite", "意见已答复").code == 0
    assert cli("state", N, "signed", "--despite", "意见已答复").code == 0
    assert cli("event", N, "accepted", "2025-09-01").code == 0
    for kept in ("packet.pdf", "packet.xlsx", "anchor.json"):
        result = cli("audit", N, "--verify", "--against", str(sent / kept))
        assert result.code == 0 and "matches" in result.out, result
    plain = cli("audit", N, "--verify")
    assert plain.code == 0 and "intact" in plain.out


def test_a_packet_of_another_contract_or_no_packet_is_one_line(cli, sent, tmp_path):
    other = sent / "other.pdf"
    other.write_bytes((sent / "packet.pdf").read_bytes().replace(N.encode(), b"CMHA-AY-202500442"))
    notes = tmp_path / "notes.txt"
    notes.write_text("不是合同", encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 200)
    for path, message in ((notes, "give a PDF or Excel packet"), (broken, "cannot read the file as a PDF"),
                          (other, "is for contract CMHA-AY-202500442")):
        result = cli("audit", N, "--verify", "--against", str(path))
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and message in result.err, result
    assert cli("audit", N, "--against", str(sent / "packet.pdf")).code == 2  # --against needs --verify


# ------------------------------------------------------------------ comments and state history are covered


@pytest.mark.parametrize("statement", [
    "UPDATE comments SET text = '已核对，同意签署'",
    "UPDATE comments SET author = 'bob'",
    "UPDATE comments SET resolved_at = '2025-06-01T00:00:00Z', resolved_by = 'alice'",
    "DELETE FROM comments",
])
def test_comments_rewritten_or_deleted_in_the_file_are_reported(cli, sent, db_path, statement):
    assert cli("audit", N, "--verify").code == 0
    _sql(db_path, statement)
    result = cli("audit", N, "--verify")
    assert result.code == 1 and "comment" in result.err and "alice" in result.err, result


@pytest.mark.parametrize("statement", [
    "DELETE FROM state_changes",
    "UPDATE state_changes SET user = 'director'",
    "UPDATE state_changes SET note = '领导已同意'",
    "INSERT INTO state_changes (contract_id, from_state, to_state, user, at, note) "
    "SELECT contract_id, 'review', 'approved', 'director', at, '' FROM state_changes",
])
def test_state_history_rewritten_or_deleted_in_the_file_is_reported(cli, sent, db_path, statement):
    _sql(db_path, statement)
    result = cli("audit", N, "--verify")
    assert result.code == 1 and "state" in result.err and "Traceback" not in result.err, result


# ------------------------------------------------------------------ item 11: no wolf cries after ordinary use


def test_import_event_and_replacing_import_of_the_same_file_verify_intact(cli, db, tmp_path):
    document = tmp_path / "contract.json"
    assert cli("export", N, "--json", str(document)).code == 0
    db.close()
    assert cli("delete", N).code == 0
    assert cli("import", str(document)).code == 0
    assert cli("event", N, "accepted", "2025-02-18").code == 0
    assert cli("import", str(document), "--replace").code == 0
    result = cli("audit", N, "--verify")
    assert result.code == 0 and "intact" in result.out, result


def test_a_replacing_import_that_changes_events_is_explained_by_the_trail(cli, db, tmp_path):
    set_event(db, N, "accepted", None)
    document = tmp_path / "contract.json"
    assert cli("export", N, "--json", str(document)).code == 0
    data = json.loads(document.read_text(encoding="utf-8"))
    data["events"]["acceptance_requested"] = "2025-02-10"
    data["events"]["accepted"] = "2025-02-18"
    data["title"] = data["title"] + "（修订）"
    document.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli("event", N, "accepted", "2025-03-01").code == 0
    assert cli("import", str(document), "--replace").code == 0
    assert cli("event", N, "reminder_sent", "2025-03-02").code == 0
    assert cli("import", str(document), "--replace").code == 0
    result = cli("audit", N, "--verify")
    assert result.code == 0 and "intact" in result.out, result
