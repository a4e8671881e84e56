"""Review exports: the review PDF for a meeting, the Review (审阅) sheet, amendments appended to the packet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl

from app.codecs.pdf import PdfOptions, export_pdf
from app.codecs.xlsx import XlsxOptions, export_xlsx
from app.domain.amendment import Amendment
from app.ops import review as review_ops
from app.store import comments
from app.store.amendments import load_effective
from app.store.contracts import load, load_versioned
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import sign, store_edit
from tests.pdf_tools import pdftotext


def test_review_pdf_prints_changes_since_and_open_comments(cli, db, tmp_path):
    assert cli("review", "mark", N, "--name", "first").code == 0
    contract, version = load_versioned(db, N)
    clause = contract.clauses[3].clauses[0]
    clause.text = clause.text.replace("防火墙", "下一代防火墙")
    contract.party_b.representative = "邵晓"
    store_edit(db, contract, version)
    kept = review_ops.add_comment(db, N, "clause", "4.1", "请确认防火墙型号").value
    done = review_ops.add_comment(db, N, "contract", "", "已经处理的意见").value
    review_ops.set_comment_resolved(db, N, done.uid, True)
    db.close()
    out = tmp_path / "review.pdf"
    r = cli("export", N, "--review-pdf", str(out))  # --since defaults to the last reviewed revision
    assert r.code == 0, r
    text = pdftotext(out).replace("\n", "")
    assert "first" in text
    assert "Party B · Legal representative" in text and "邵瞳" in text and "邵晓" in text
    assert "下一代" in text
    assert "请确认防火墙型号" in text and kept.uid[:8] in text
    assert "已经处理的意见" not in text


def test_review_pdf_without_a_reviewed_revision_says_what_to_do(cli, tmp_path):
    r = cli("export", N, "--review-pdf", str(tmp_path / "r.pdf"))
    assert r.code == 2 and "--since" in r.err
    assert not (tmp_path / "r.pdf").exists()


def test_review_sheet_lists_comments(db, tmp_path):
    review_ops.add_comment(db, N, "clause", "4.1", "标点有误", user="王五")
    out = tmp_path / "c.xlsx"
    export_xlsx(load(db, N), out, XlsxOptions(include_review=True, review_comments=comments.list_comments(db, N)))
    ws = openpyxl.load_workbook(out)["Review"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[1][1] == "Clause 4.1" and rows[1][2] == "标点有误" and rows[1][3] == "王五" and rows[1][5] == "open"
    plain = tmp_path / "p.xlsx"
    export_xlsx(load(db, N), plain)
    assert "Review" not in openpyxl.load_workbook(plain).sheetnames


def test_packet_appends_amendments_and_effective_values(db, tmp_path):
    sign(db)
    review_ops.add_amendment(db, N, Amendment("BC-2025-01", "补充协议（一）", date(2025, 10, 1), {"total": "4300000.00"},
                                              clauses=[]))
    _stored, listed, effective = load_effective(db, N)
    assert effective.total == Decimal("4300000.00")
    out = tmp_path / "packet.pdf"
    export_pdf(load(db, N), out, PdfOptions(annexes=False, amendments=listed))
    text = pdftotext(out)
    assert "补充协议（一）" in text and "BC-2025-01" in text and "Total：4,300,000.00" in text


def test_an_untitled_amendment_is_headed_in_the_packets_language(db, tmp_path):
    """Its heading and a changed bank account's name were marked inside f-strings, which Babel did not extract under
    Python 3.11: the Chinese packet said "Amendment" and "Bank account"."""
    from app.base.i18n import set_language

    sign(db)
    review_ops.add_amendment(db, N, Amendment("BC-7", None, None, {"parties.b.bank.account_no": "6222021001001234567"},
                                              clauses=[]))
    _stored, listed, _effective = load_effective(db, N)
    from app.rules.field_text import field_name

    texts, bank = {}, {}
    for lang in ("zh_CN", "en"):
        set_language(lang)
        try:
            out = tmp_path / f"packet-{lang}.pdf"
            export_pdf(load(db, N), out, PdfOptions(annexes=False, amendments=listed))
            texts[lang] = pdftotext(out)
            bank[lang] = field_name("parties.b.bank")  # a whole account changed, as a revision comparison names it
        finally:
            set_language("en")
    assert "补充协议\n" in texts["zh_CN"] and "Amendment" not in texts["zh_CN"]
    assert "Amendment\n" in texts["en"]
    assert bank == {"zh_CN": "乙方 · 银行账户", "en": "Party B · Bank account"}
