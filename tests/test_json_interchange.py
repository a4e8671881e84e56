"""The contractdesk/1 document: canonical, documented by its JSON Schema, and lossless."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import jsonschema
import pytest

from app.domain import Invoice
from app.errors import UserError
from app.interchange.json_codec import dumps, loads
from app.paths import resource
from app.sample import sample_path

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


def test_images_dates_and_invoices_round_trip(sample):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    sample.signing_a.seal_image = png
    sample.signing_b.signature_image = png[::-1]
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
