"""One signing date per party: the signing page prints the date the schedule counts from (app.rules.signing_dates)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.base.errors import UserError
from app.ops.contracts import edit_contract, import_document, set_event, set_field
from app.ops.exchange import export_document
from app.store.contracts import load
from tests.conftest import SAMPLE_NUMBER as N
from tests.pdf_tools import pdftotext


def dates(db, role: str) -> tuple[date | None, date | None]:
    c = load(db, N, rows=False)
    return c.signing(role).date, getattr(c.events, f"signed_{role}")


def test_a_date_entered_on_the_signing_page_is_the_signing_event(db):
    set_field(db, N, "signing.a.date", "2025年6月3日")
    assert dates(db, "a") == (date(2025, 6, 3), date(2025, 6, 3))
    set_field(db, N, "events.signed_a", "2025-06-05")  # the 概要 → 事件 field
    assert dates(db, "a") == (date(2025, 6, 5), date(2025, 6, 5))
    set_event(db, N, "signed_b", date(2025, 6, 4))  # `contractdesk event`
    assert dates(db, "b") == (date(2025, 6, 4), date(2025, 6, 4))
    set_field(db, N, "signing.b.date", "")
    assert dates(db, "b") == (None, None)


def test_setting_the_two_to_different_days_at_once_is_refused(db):
    def both(contract) -> None:
        contract.signing_a.date = date(2025, 6, 3)
        contract.events.signed_a = date(2025, 6, 4)

    with pytest.raises(UserError) as refused:
        edit_contract(db, N, both)
    assert refused.value.where == "signing.a.date"
    assert dates(db, "a") == (None, None)


def test_a_file_giving_one_date_fills_the_other_and_the_packet_prints_it(db, tmp_path):
    data = json.loads(export_document(db, N))
    data["number"] = "ONE-DATE-1"
    data["events"]["signed_b"] = "2025-09-29"  # an older file: the signing page left blank
    data["signing"]["a"]["date"] = "2025-09-26"  # … or only the signing page
    import_document(db, json.dumps(data, ensure_ascii=False))
    stored = load(db, "ONE-DATE-1", rows=False)
    assert (stored.signing_b.date, stored.events.signed_b) == (date(2025, 9, 29), date(2025, 9, 29))
    assert (stored.signing_a.date, stored.events.signed_a) == (date(2025, 9, 26), date(2025, 9, 26))
    from app.ops.export import ExportOptions, export_packet

    out = tmp_path / "p.pdf"
    export_packet(db, "ONE-DATE-1", ExportOptions(pdf=out))
    text = pdftotext(out)
    assert "日期：2025年9月26日" in text and "日期：2025年9月29日" in text


def test_a_file_whose_two_dates_differ_is_kept_and_reported_by_check(cli, db, tmp_path):
    data = json.loads(export_document(db, N))
    data["events"]["signed_b"] = "2025-09-29"
    data["signing"]["b"]["date"] = "2025-09-30"
    path = tmp_path / "differ.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli("import", str(path), "--replace").code == 0
    found = json.loads(cli("check", N, "--json").out)
    assert {"code": "signing-date", "where": "signing.b.date"}.items() <= next(
        f for f in found if f["code"] == "signing-date").items()
