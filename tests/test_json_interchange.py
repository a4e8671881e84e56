"""The contractdesk/1 document: canonical, documented by its JSON Schema, and lossless."""

from __future__ import annotations

import base64
import io
import json
from datetime import date
from decimal import Decimal

import jsonschema
import pytest

from app.base.errors import UserError
from app.base.resources import resource
from app.codecs.json_codec import dumps, loads
from app.codecs.sample import sample_path
from app.domain import Invoice

from .conftest import SAMPLE_NUMBER, database_digest

SCHEMA = json.loads(resource("schema", "contract.schema.json").read_text(encoding="utf-8"))


def test_sample_is_valid_against_the_schema():
    jsonschema.validate(json.loads(sample_path().read_text(encoding="utf-8")), SCHEMA)


def test_every_field_of_the_sample_survives(sample):
    assert sample.number == "CMHA-AY-202500441"
    assert sample.drafted == "2025-05"
    assert sample.total == Decimal("4273290.00")
    assert [p.amount for p in sample.payments] == [Decimal("1424430.00")] * 3
    assert [p.due.years for p in sample.payments] == [0, 1, 2]
    assert all(p.due.invoice_days == 30 for p in sample.payments)
    assert sample.payments[0].wording == "项目完工出具验收报告并出具发票后三十日内"
    t = sample.terms
    assert (t.delivery_days, t.maintenance_months, t.acceptance_request_days, t.acceptance_working_days,
            t.reminder_working_days, t.change_notice_days) == (30, 35, 5, 7, 3, 30)
    assert (t.copies.total, t.copies.a, t.copies.b) == (4, 2, 2)
    assert sample.party_b.bank.account_no == "1706020129048092394"
    assert sample.party_b.credit_code == "91410500721816077T"
    assert sample.signing_b.signatory == "邵晓"
    assert sample.jurisdiction == "汤阴县人民法院"
    numbers = [c.no for _d, c in sample.all_clauses()]
    assert "5.4.1" in numbers and "7.2.3" in numbers and "第十一条" not in numbers and "第十二条" in numbers
    assert [a.no for a in sample.annexes] == ["1", "2", "3"]
    assert sum(r.amount for r in sample.annexes[2].table) == sample.total


def _png(width: int = 24, height: int = 12) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 0, 0, 255)).save(buf, "PNG")
    return buf.getvalue()


def test_images_dates_and_invoices_round_trip(sample):
    sample.signing_a.seal_image = _png()
    sample.signing_b.signature_image = _png(30, 10)
    sample.signing_a.date = date(2025, 5, 20)
    sample.events.accepted = date(2025, 9, 29)
    sample.events.invoices.append(Invoice(date(2025, 10, 9), 1, "首期发票"))
    sample.annexes[0].pdf = b"%PDF-1.4 fake"
    text = dumps(sample)
    jsonschema.validate(json.loads(text), SCHEMA)
    again = loads(text)
    assert again == sample
    assert dumps(again) == text


def test_clause_text_keeps_every_character(sample):
    text = dumps(sample)
    for ch in "【】，。；：“”（）《》¥":
        assert ch in text


@pytest.mark.parametrize("depth", [9])
def test_clause_nesting_is_capped(sample, depth):
    data = json.loads(dumps(sample))
    node = {"no": "1", "title": "", "text": "", "clauses": []}
    root = node
    for _ in range(depth):
        child = {"no": "1", "title": "", "text": "", "clauses": []}
        node["clauses"].append(child)
        node = child
    data["clauses"] = [root]
    with pytest.raises(UserError, match="deeper"):
        loads(json.dumps(data))


def test_not_an_object():
    with pytest.raises(UserError, match="must be an object"):
        loads("[1, 2]")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["events"].__setitem__("acepted", "2025-10-15"), "events.acepted"),  # misspelt: date lost
        (lambda d: d.__setitem__("totl", "4273290.00"), "totl"),
        (lambda d: d["payments"][1].__setitem__("ammount", "1424430.00"), "payments[1].ammount"),
        (lambda d: d["annexes"][2]["table"]["rows"][0].__setitem__("amount", "1.00"), "annexes[2].table.rows[0].amount"),
        (lambda d: d["parties"]["b"]["bank"].__setitem__("swift", "X"), "parties.b.bank.swift"),
    ],
)
def test_a_member_the_format_does_not_have_is_refused_by_name(sample, change, where):
    # Dropping it would import the file "successfully" without the value the clerk typed (a cost row's
    # amount is computed from quantity × unit price, never read).
    with pytest.raises(UserError) as info:
        loads(_document(sample, change))
    assert info.value.where == where
    assert "is not a member of the contractdesk/1 format" in info.value.message


def test_known_members_written_as_null_or_left_out_are_accepted(sample):
    data = json.loads(dumps(sample))
    data["annexes"][2]["text"] = None  # a table annex with an explicit null text
    del data["preamble"], data["events"]["invoices"]
    assert loads(json.dumps(data, ensure_ascii=False)).annexes[2].table


# ------------------------------------------------------------------ files refused at import, not at export


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _document(sample, change) -> str:
    data = json.loads(dumps(sample))
    change(data)
    return json.dumps(data, ensure_ascii=False)


def _set_signing(role: str, key: str, value: str):
    return lambda data: data["signing"][role].__setitem__(key, value)


@pytest.mark.parametrize("role, key", [("b", "seal_image"), ("a", "signature_image")])
@pytest.mark.parametrize(
    "data", [b"not an image", b"\x89PNG\r\n\x1a\nnot really", _png()[:60]], ids=["text", "png-magic", "truncated"]
)
def test_an_unreadable_seal_or_signature_image_is_refused(sample, role, key, data):
    with pytest.raises(UserError) as err:
        loads(_document(sample, _set_signing(role, key, _b64(data))))
    assert err.value.where == f"signing.{role}.{key}"
    assert "not a readable image" in err.value.message


def test_a_readable_image_is_accepted_and_kept_byte_for_byte(sample):
    png = _png()
    text = _document(sample, _set_signing("b", "seal_image", _b64(png)))
    assert loads(text).signing_b.seal_image == png


def _set_pdf(index: int, value: str):
    return lambda data: data["annexes"][index].__setitem__("pdf", value)


@pytest.mark.parametrize("data", [b"hello", b"<html>%PDF-1.4</html>", b"\x89PNG\r\n\x1a\n"])
def test_an_annex_pdf_that_is_not_a_pdf_is_refused(sample, data):
    with pytest.raises(UserError) as err:
        loads(_document(sample, _set_pdf(0, _b64(data))))
    assert err.value.where == "annexes[0].pdf"
    assert "not a PDF" in err.value.message


def test_an_oversized_annex_pdf_is_refused(sample, monkeypatch):
    from app.values import annex_pdf

    monkeypatch.setattr(annex_pdf, "MAX_PDF_BYTES", 64)
    with pytest.raises(UserError) as err:
        loads(_document(sample, _set_pdf(1, _b64(b"%PDF-1.4\n" + b"0" * 100))))
    assert err.value.where == "annexes[1].pdf" and "larger than" in err.value.message


def _rows(n: int) -> list[dict]:
    return [{"item": f"r{i}", "spec": "", "unit": "", "quantity": "1", "unit_price": "1.00", "remark": ""} for i in range(n)]


def test_a_cost_table_is_capped_like_the_excel_import(sample, monkeypatch):
    from app.codecs import json_codec

    monkeypatch.setattr(json_codec, "MAX_TABLE_ROWS", 5)
    assert len(loads(_document(sample, lambda d: d["annexes"][2]["table"].__setitem__("rows", _rows(5)))).annex("3").table) == 5
    with pytest.raises(UserError) as err:
        loads(_document(sample, lambda d: d["annexes"][2]["table"].__setitem__("rows", _rows(6))))
    assert err.value.where == "annexes[2].table.rows"
    assert "annex 3" in err.value.message and "more than 5 rows" in err.value.message


@pytest.mark.slow
def test_a_cost_table_over_the_real_cap_is_refused(sample):
    from app.values.money import MAX_TABLE_ROWS

    with pytest.raises(UserError, match="more than 100,000 rows") as err:
        loads(_document(sample, lambda d: d["annexes"][2]["table"].__setitem__("rows", _rows(MAX_TABLE_ROWS + 1))))
    assert err.value.where == "annexes[2].table.rows"


def test_amendment_annexes_are_checked_too(sample):
    from app.codecs.json_codec import loads_document

    annex = {"no": "9", "title": "x", "text": "", "pdf": _b64(b"hello")}
    text = _document(sample, lambda d: d.__setitem__("amendments", [{"number": "BC-1", "annexes": [annex]}]))
    with pytest.raises(UserError) as err:
        loads_document(text)
    assert err.value.where == "amendments[0].annexes[0].pdf"




@pytest.mark.parametrize(
    "change, where",
    [
        (_set_signing("b", "seal_image", _b64(b"not an image")), "signing.b.seal_image: not a readable image"),
        (_set_pdf(0, _b64(b"hello")), "annexes[0].pdf: not a PDF file"),
    ],
    ids=["seal", "pdf"],
)
def test_cli_import_refuses_a_bad_file_and_stores_nothing(cli, db, db_path, sample, tmp_path, change, where):
    before = database_digest(db_path)
    for number, extra in (("NEW-1", ()), (SAMPLE_NUMBER, ("--replace",))):
        sample.number = number
        path = tmp_path / f"{number}.json"
        path.write_text(_document(sample, change), encoding="utf-8")
        result = cli("import", str(path), *extra)
        assert result.code == 2, result
        assert where in result.err and "Traceback" not in result.err
        assert database_digest(db_path) == before
