"""`contractdesk intake` as scripts and clerks use it: exit codes, --json, the printable report, --apply."""

from __future__ import annotations

import hashlib
import json

from app.cli import main

from .intake_samples import construction_utf8_bom, mof_goods_docx
from .pdf_tools import pdftotext
from .test_intake_seed import SOURCE


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_intake_prints_what_it_read_and_the_review_and_stores_nothing(capsys, db_path):
    code, out, err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(SOURCE))
    assert code == 0, err
    assert "[found] Party B · Unified social credit code: 91410500721816077T (line 63)" in out
    assert "[guessed] Registry number: CMHA-AY-202500441 (line 3)" in out
    assert "clause numbering skips 第十一条 (before 第十二条)" in out
    assert "0 errors, 1 warnings" in out
    assert not db_path.exists()  # without --apply the database is not even opened


def test_intake_in_chinese(capsys, db_path):
    code, out, _err = run(capsys, "--db", str(db_path), "--lang", "zh_CN", "intake", str(SOURCE))
    assert code == 0
    assert "[已识别] 乙方 · 统一社会信用代码：91410500721816077T（第 63 行）" in out
    assert "条款编号缺少第十一条" in out


def test_errors_in_the_arithmetic_exit_1_and_json_names_each_place(tmp_path, capsys, db_path):
    path = construction_utf8_bom(tmp_path / "works.txt")
    code, out, _err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(path), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["contract"]["format"] == "contractdesk/1" and data["contract"]["total"] == "352600.00"
    assert data["encoding"] == "UTF-8 (BOM)"
    checks = {c["code"]: c for c in data["arithmetic"]["checks"] if c["status"] == "error"}
    assert checks["section-subtotal"]["place"] == "line 18"
    assert checks["copies"]["place"] == "line 28"
    assert data["arithmetic"]["errors"] == 7
    fields = {f["path"]: f for f in data["fields"]}
    assert fields["parties.b.name"] == {"path": "parties.b.name", "value": "河南路通建设工程有限公司", "confidence": "found",
                                        "place": "line 7", "span": fields["parties.b.name"]["span"], "note": ""}
    span = fields["parties.b.name"]["span"]
    assert data["text"][span["start"]:span["end"]] == "河南路通建设工程有限公司"
    table = data["tables"][0]
    assert [r["kind"] for r in table["rows"]][:3] == ["section", "item", "item"]


def test_report_pdf_prints_the_checks(tmp_path, capsys, db_path):
    path = construction_utf8_bom(tmp_path / "works.txt")
    report = tmp_path / "report.pdf"
    code, _out, _err = run(capsys, "--db", str(db_path), "--lang", "zh_CN", "intake", str(path), "--report", str(report))
    assert code == 1
    text = pdftotext(report).replace("\n", "")
    assert "合同文本核对报告" in text
    assert "¥300,600.00" in text and "第 18 行" in text
    assert "河南路通建设工程有限公司" in text


def test_apply_stores_the_contract_with_the_source_digest_in_the_audit(tmp_path, capsys, db_path):
    from app.ops.first_run import open_store
    from app.store.audit import entries
    from app.store.contracts import load

    path = mof_goods_docx(tmp_path / "goods.docx")
    code, out, err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(path), "--apply")
    assert code == 0, err
    assert "stored as HNCG-TY-2025-0107-1; guessed, please check:" in out
    assert "Court of jurisdiction" in out.splitlines()[-1]
    db = open_store(db_path)
    try:
        stored = load(db, "HNCG-TY-2025-0107-1")
        assert stored.party_b.name == "河南鼎新电子科技有限公司" and len(stored.payments) == 3
        log = entries(db, "HNCG-TY-2025-0107-1")
        intake = [e for e in log if e.what == "intake"]
        assert len(intake) == 1
        detail = json.loads(intake[0].new or "{}")
        assert detail["file"] == "goods.docx"
        assert detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert "jurisdiction" in detail["guessed"]
        # the source itself is kept with the contract, the file the audit entry names
        from app.domain.kinds import AttachmentKind
        from app.store.attachments import content, list_attachments

        [kept] = list_attachments(db, "HNCG-TY-2025-0107-1")
        assert kept.kind is AttachmentKind.DRAFT_RECEIVED and kept.name == "goods.docx"
        assert kept.sha256 == detail["sha256"]
        assert content(db, "HNCG-TY-2025-0107-1", kept.id)[1] == path.read_bytes()
    finally:
        db.close()
    # the stored contract checks like any other: the contract's own check runs on it
    code, out, _err = run(capsys, "--db", str(db_path), "--lang", "en", "check", "HNCG-TY-2025-0107-1", "--json")
    assert code in (0, 1) and isinstance(json.loads(out), list)


def test_a_text_draft_is_kept_as_a_text_attachment(tmp_path, capsys, db_path):
    from app.ops.first_run import open_store
    from app.store.attachments import list_attachments

    path = construction_utf8_bom(tmp_path / "施工合同.txt")
    code, out, err = run(capsys, "--db", str(db_path), "intake", str(path), "--apply", "--json")
    assert code in (0, 1), err
    number = json.loads(out)["stored"]["number"]
    db = open_store(db_path)
    try:
        [kept] = list_attachments(db, number)
        assert kept.name == "施工合同.txt" and kept.media_type == "text/plain" and kept.size == path.stat().st_size
    finally:
        db.close()


def test_apply_without_a_number_makes_one_from_the_digest(tmp_path, capsys, db_path):
    text = SOURCE.read_text(encoding="utf-8").replace("CMHA-AY-202500441", "")
    path = tmp_path / "unnumbered.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(path), "--apply")
    assert code == 0, err
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"stored as INTAKE-{digest[:12].upper()}" in out


def test_export_docx_then_intake_gives_the_same_contract(tmp_path, capsys, db_path):
    from app.codecs.intake import read_document, recognise
    from app.codecs.json_codec import dumps
    from app.codecs.sample import sample_contract

    out_path = tmp_path / "packet.docx"
    code, _out, err = run(capsys, "--db", str(db_path), "export", "CMHA-AY-202500441", "--docx", str(out_path))
    assert code == 0, err
    assert dumps(recognise(read_document(out_path)).contract) == dumps(sample_contract())


def test_subprocess_entry_point(cli, tmp_path):
    result = cli("--lang", "en", "intake", str(SOURCE), "--json")
    assert result.code == 0, result
    assert json.loads(result.out)["contract"]["number"] == "CMHA-AY-202500441"
