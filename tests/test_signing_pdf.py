"""PAdES: a signed packet verifies, a changed byte or an appended update is reported, unsigned is exit 2."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from app.base.errors import UserError
from app.cli.credentials import PASSWORD_VARIABLE
from app.codecs.pdf import PdfOptions, export_pdf
from app.codecs.sample import SAMPLE_NUMBER, sample_contract
from app.codecs.signing.pdf import FIELD_NAME, verify_pdf
from app.codecs.signing.result import SignatureState
from app.codecs.signing.trust import TrustList
from tests.pdf_specimens import make_p12
from tests.pdf_tools import pages_text, squash

PASSWORD = "样章-secret"


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """(signed packet, certificate DER, p12 path), exported once for the module."""
    folder = tmp_path_factory.mktemp("signed")
    p12 = folder / "signer.p12"
    cert = make_p12(p12, PASSWORD.encode())
    out = folder / "signed.pdf"
    export_pdf(sample_contract(), out, PdfOptions(sign_with=p12, password=PASSWORD.encode()))
    return out, cert, p12


def test_signed_packet_validates_with_a_context_trusting_the_certificate(signed):
    out, cert, _p12 = signed
    with out.open("rb") as fh:
        sig = PdfFileReader(fh).embedded_signatures[0]
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[asn1_x509.Certificate.load(cert)]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"


def test_verify_reports_signer_time_and_trust(signed):
    out, cert, _p12 = signed
    result = verify_pdf(out)
    assert result.state == SignatureState.INTACT and result.exit_code == 0
    assert result.signer == "样章 SPECIMEN Signer"
    assert result.signed_at is not None
    assert "no trust list was given" in result.detail and result.signatures[0].trusted is None
    trusted = verify_pdf(out, TrustList((asn1_x509.Certificate.load(cert),)))
    assert trusted.state == SignatureState.INTACT and trusted.signatures[0].trusted
    assert "chains to a certificate in the trust list" in trusted.detail


def test_visible_signature_box_is_on_the_signing_page(signed):
    out, _cert, _p12 = signed
    reader = PdfReader(out)
    signing = next(i for i, p in enumerate(pages_text(out)) if "签字页" in squash(p)[:40])
    annots = [a.get_object() for a in reader.pages[signing].get("/Annots", [])]
    fields = [a for a in annots if a.get("/FT") == "/Sig"]
    assert [f["/T"] for f in fields] == [FIELD_NAME]
    x1, y1, x2, y2 = (float(v) for v in fields[0]["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 40
    assert squash(SAMPLE_NUMBER) in squash(pages_text(out)[signing])


def flip_byte_in_signed_content(data: bytes) -> bytes:
    """Change one byte of page content inside the signed range (not the signature itself)."""
    pos = data.index(b"stream", len(data) // 3) + 40
    changed = bytearray(data)
    changed[pos] ^= 0x01
    return bytes(changed)


def test_verify_cli_intact_then_a_changed_byte_is_reported(signed, cli, tmp_path):
    out, _cert, _p12 = signed
    result = cli("verify", str(out))
    assert result.code == 0, result
    assert "intact" in result.out and "样章 SPECIMEN Signer" in result.out
    bad = tmp_path / "changed.pdf"
    bad.write_bytes(flip_byte_in_signed_content(out.read_bytes()))
    result = cli("verify", str(bad))
    assert result.code == 1, result
    assert "MODIFIED" in result.out
    assert "Traceback" not in result.err


def test_content_appended_after_signing_is_reported(signed, tmp_path):
    out, _cert, _p12 = signed
    writer = PdfWriter(out, incremental=True)
    writer.add_blank_page()
    appended = tmp_path / "appended.pdf"
    with appended.open("wb") as fh:
        writer.write(fh)
    result = verify_pdf(appended)
    assert result.state == SignatureState.MODIFIED
    assert result.exit_code == 1


def test_verify_unsigned_pdf_exits_2(cli, tmp_path):
    plain = tmp_path / "plain.pdf"
    export_pdf(sample_contract(), plain)
    result = cli("verify", str(plain))
    assert result.code == 2 and "no signature" in result.out


def test_cli_export_signed_with_password_from_environment(cli, db, signed, tmp_path):
    _out, _cert, p12 = signed
    out = tmp_path / "cli-signed.pdf"
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(out), "--sign-with", str(p12), env={PASSWORD_VARIABLE: PASSWORD})
    assert result.code == 0, result
    assert verify_pdf(out).state == SignatureState.INTACT


def test_wrong_password_is_a_user_error_and_writes_nothing(signed, tmp_path, monkeypatch):
    _out, _cert, p12 = signed
    out = tmp_path / "x.pdf"
    with pytest.raises(UserError) as err:
        export_pdf(sample_contract(), out, PdfOptions(sign_with=p12, password=b"wrong"))
    assert err.value.where == str(p12)
    assert not out.exists()


def test_no_password_without_terminal_is_a_user_error(signed, cli, db, tmp_path):
    _out, _cert, p12 = signed
    env = {PASSWORD_VARIABLE: ""}
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(tmp_path / "y.pdf"), "--sign-with", str(p12), env=env)
    assert result.code == 2
    assert not (tmp_path / "y.pdf").exists()


def test_signing_after_merging_an_attached_annex_keeps_the_signature(signed, tmp_path, monkeypatch):
    from tests.test_pdf_export import attached_pdf

    _out, _cert, p12 = signed
    contract = sample_contract()
    contract.annexes[0].pdf = attached_pdf(2)
    out = tmp_path / "merged-signed.pdf"
    export_pdf(contract, out, PdfOptions(sign_with=p12, password=PASSWORD.encode()))
    assert verify_pdf(out).state == SignatureState.INTACT
    assert "ATTACHED PAGE 2" in "".join(pages_text(out))


def test_verify_non_pdf_is_a_user_error(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello")
    with pytest.raises(UserError):
        verify_pdf(junk)
    assert Path(junk).exists()


def change_certificate_serial(data: bytes, cert: bytes) -> bytes:
    """Change one hex digit of the signer certificate's serial number inside the signature's /Contents."""
    start = data.lower().index(cert.hex().encode())
    pos = start + 2 * 15 + 2  # DER: SEQUENCE, SEQUENCE, [0] version, INTEGER tag and length, then the serial
    changed = bytearray(data)
    changed[pos] = ord("1") if data[pos : pos + 1] != b"1" else ord("2")
    return bytes(changed)


def break_last_xref_subsections(data: bytes) -> bytes:
    """Mangle the line ends of the signing update's cross-reference table, as a damaged copy would have."""
    start = data.rindex(b"\nxref\n") + len(b"\nxref\n")
    end = data.index(b"trailer", start)
    table = re.sub(rb"^(\d+ \d+)\n", lambda m: m.group(1) + b"\x0b", data[start:end], flags=re.M)
    return data[:start] + table + data[end:]


@pytest.mark.parametrize("damage", ["certificate", "xref"])
def test_a_damaged_signed_packet_is_reported_invalid_not_unsigned_nor_a_crash(signed, cli, tmp_path, damage):
    out, cert, _p12 = signed
    data = out.read_bytes()
    bad = tmp_path / f"{damage}.pdf"
    bad.write_bytes(
        change_certificate_serial(data, cert) if damage == "certificate" else break_last_xref_subsections(data)
    )
    result = cli("verify", str(bad))
    assert "Traceback" not in result.err, result
    assert result.code == 1, result
    assert "INVALID" in result.out


def test_verify_shows_the_signing_time_in_the_clerks_time_zone(signed, cli):
    out, _cert, _p12 = signed
    signed_at = verify_pdf(out).signed_at
    beijing = signed_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    result = cli("verify", str(out), env={"TZ": "CST-8"})
    assert result.code == 0, result
    assert beijing.isoformat(sep=" ", timespec="seconds") in result.out  # e.g. 2026-11-29 15:49:24+08:00
