"""Office settings: the shared JSON file, read strictly, and what its rules say for a contract."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from app.base.errors import UserError
from app.base.i18n import set_language
from app.codecs.calendar_package import package_days
from app.codecs.office_settings import dumps, loads, read_settings, write_settings
from app.domain.calendar import WorkCalendar
from app.domain.kinds import AttachmentKind, ContractKind
from app.rules.office import SETTINGS_FORMAT, Approver, OfficeSettings, Period, PeriodUnit, TrustedCertificate


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar(package_days())


def _certificate_pem(name: str = "县政府办公室") -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _doc(**changes) -> dict:
    data = json.loads(dumps(OfficeSettings()))
    data.update(changes)
    return data


def _refused(data: dict | str) -> UserError:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(UserError) as info:
        loads(text)
    return info.value


def test_defaults_match_the_commonest_rules():
    s = OfficeSettings()
    assert s.our_party == "a"
    assert s.review_period == Period(5, PeriodUnit.WORKING_DAYS)
    assert s.filing_period == Period(5, PeriodUnit.WORKING_DAYS)
    assert s.approval_for(Decimal("49999.99")).approver is Approver.DEPARTMENT_HEAD
    assert s.approval_for(Decimal("50000.00")).approver is Approver.LEADER_IN_CHARGE
    assert s.approval_for(Decimal("80000.00")).approver is Approver.LEADER_IN_CHARGE
    assert s.approval_for(Decimal("500000.00")).approver is Approver.EXECUTIVE_MEETING
    # A contract the clerk marks major goes to the executive meeting whatever its amount.
    assert s.approval_for(Decimal("80000.00"), major=True).approver is Approver.EXECUTIVE_MEETING
    assert s.is_major(Decimal("500000.00")) and not s.is_major(Decimal("499999.99"))


def test_the_file_round_trips_byte_for_byte(tmp_path):
    settings = OfficeSettings(
        office="某某县人民政府办公室",
        our_party="b",
        filing_offices=("县司法局", "县档案馆"),
        review_period=Period(7),
        filing_period=Period(15, PeriodUnit.DAYS),
        archive_items={"default": (AttachmentKind.APPROVAL_SHEET,),
                       "construction": (AttachmentKind.APPROVAL_SHEET, AttachmentKind.MINUTES)},
        trusted_certificates=(TrustedCertificate("县政府办公室", _certificate_pem()),),
    )
    path = tmp_path / "office-settings.json"
    write_settings(settings, path)
    text = path.read_text(encoding="utf-8")
    assert "某某县人民政府办公室" in text and "\\u" not in text  # readable Chinese, not escapes
    back = read_settings(path)
    assert back == settings
    assert dumps(back) == text
    assert json.loads(text)["format"] == SETTINGS_FORMAT


def test_thresholds_are_decimals_to_the_fen():
    data = _doc(approval=[{"from": "0.00", "approver": "department_head", "title": ""},
                          {"from": "30000.50", "approver": "principal", "title": "局长"}])
    settings = loads(json.dumps(data))
    level = settings.approval[1]
    assert level.minimum == Decimal("30000.50") and isinstance(level.minimum, Decimal)
    assert level.label == "局长"  # the office's own name for the level
    assert settings.approval_for(Decimal("30000.49")).approver is Approver.DEPARTMENT_HEAD
    assert settings.approval_for(Decimal("30000.50")).approver is Approver.PRINCIPAL


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ({"approval": [{"from": "0.001", "approver": "department_head", "title": ""}]}, "approval[0].from",
         "more than two decimal places"),
        ({"approval": [{"from": "100.00", "approver": "department_head", "title": ""}]}, "approval[0].from", "0.00"),
        ({"approval": [{"from": "0.00", "approver": "leader_in_charge", "title": ""},
                       {"from": "50000.00", "approver": "department_head", "title": ""}]},
         "approval[1].approver", "lower approver"),
        ({"approval": [{"from": "0.00", "approver": "department_head", "title": ""},
                       {"from": "0.00", "approver": "leader_in_charge", "title": ""}]}, "approval[1].from", "more than"),
        ({"approval": [{"from": "0.00", "approver": "mayor", "title": ""}]}, "approval[0].approver", "is not one of"),
        ({"approval": []}, "approval", "at least one"),
        ({"review_period": {"count": 0, "unit": "working_days"}}, "review_period.count", "between 1 and"),
        ({"filing_period": {"count": 5, "unit": "weeks"}}, "filing_period.unit", "is not one of"),
        ({"our_party": "c"}, "our_party", '"a" or "b"'),
        ({"filing_offices": ["司法局", "司法局"]}, "filing_offices[1]", "listed twice"),
        ({"filing_offices": [""]}, "filing_offices[0]", "name of an office"),
        ({"archive_items": {"building": ["minutes"]}}, "archive_items.building", "is not one of"),
        ({"archive_items": {"default": ["minutes", "minutes"]}}, "archive_items.default[1]", "listed twice"),
        ({"trusted_certificates": [{"name": "x", "pem": "not a certificate"}]}, "trusted_certificates[0].pem",
         "PEM"),
        ({"reveiw_period": {"count": 5, "unit": "working_days"}}, "reveiw_period", "is not a member"),
        ({"format": "contractdesk-office/2"}, "format", "newer ContractDesk"),
        ({"format": "contractdesk/1"}, "format", "not a supported format"),
    ],
)
def test_bad_input_names_the_field(change, where, words):
    error = _refused(_doc(**change))
    assert error.where == where
    assert words in error.message


def test_a_missing_member_is_refused_not_defaulted():
    data = _doc()
    del data["filing_offices"]
    assert _refused(data).where == "filing_offices"
    data = _doc()
    del data["major"]["from"]
    assert _refused(data).where == "major.from"


def test_a_member_written_twice_and_broken_json_are_refused():
    text = dumps(OfficeSettings()).replace('"our_party": "a",', '"our_party": "a",\n  "our_party": "b",')
    assert "appears twice" in _refused(text).message
    assert "not valid JSON" in _refused("{").message


def test_the_same_certificate_twice_is_refused():
    pem = _certificate_pem()
    data = _doc(trusted_certificates=[{"name": "a", "pem": pem}, {"name": "b", "pem": pem}])
    error = _refused(data)
    assert error.where == "trusted_certificates[1].pem"


def test_file_problems_name_the_file(tmp_path):
    with pytest.raises(UserError) as info:
        read_settings(tmp_path / "missing.json")
    assert info.value.where.endswith("missing.json") and info.value.message == "no such file"
    with pytest.raises(UserError) as info:
        read_settings(tmp_path)
    assert "folder" in info.value.message


def test_errors_read_in_chinese():
    set_language("zh_CN")
    error = _refused(_doc(our_party="c"))
    assert str(error).startswith("our_party：")
    assert "a" in error.message and error.message != 'must be "a" or "b"'


def test_periods_count_working_days_across_a_holiday_with_a_make_up_day(calendar):
    # Sent Friday 2025-09-26: Sunday 09-28 was worked, 10-01..10-08 were off.
    assert Period(5).end(dt.date(2025, 9, 26), calendar) == dt.date(2025, 10, 10)
    # 15 calendar days from 2026-02-12 end on 02-27 (a Friday, a working day).
    assert Period(15, PeriodUnit.DAYS).end(dt.date(2026, 2, 12), calendar) == dt.date(2026, 2, 27)
    # 10 calendar days from 2026-02-12 would end on 02-22, inside the Spring Festival: moved to 02-24.
    assert Period(10, PeriodUnit.DAYS).end(dt.date(2026, 2, 12), calendar) == dt.date(2026, 2, 24)


def test_major_contracts_may_have_their_own_filing_period_and_archive_items():
    data = _doc()
    data["major"]["filing_period"] = {"count": 15, "unit": "days"}
    settings = loads(json.dumps(data))
    assert settings.filing_period_for(major=True) == Period(15, PeriodUnit.DAYS)
    assert settings.filing_period_for(major=False) == Period(5)
    plain = settings.required_archive_items(ContractKind.PROCUREMENT)
    assert AttachmentKind.APPROVAL_SHEET in plain and AttachmentKind.MINUTES not in plain
    assert AttachmentKind.MINUTES in settings.required_archive_items(ContractKind.PROCUREMENT, major=True)


def test_the_counterparty_is_the_side_that_is_not_us():
    assert OfficeSettings().counterparty_role() == "b"
    assert OfficeSettings(our_party="b").counterparty_role() == "a"
