"""Signed Excel packets: a detached CMS signature that openssl accepts and `verify` checks."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

from app.codecs.signing.cms import sign_bytes, verify_bytes
from app.codecs.signing.result import SignatureState

from .conftest import SAMPLE_NUMBER

PASSWORD = "测试-pass"


def _credentials(kind: str = "rsa", name: str = "汤阴县公安局 经办人"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa" else ec.generate_private_key(
        ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture(scope="module")
def p12(tmp_path_factory):
    key, cert = _credentials()
    path = tmp_path_factory.mktemp("cred") / "signer.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"signer", key, cert, None,
                                                           BestAvailableEncryption(PASSWORD.encode())))
    return path


@pytest.fixture
def signed(cli, db, tmp_path, p12):
    out = tmp_path / "packet.xlsx"
    result = cli("export", SAMPLE_NUMBER, "--xlsx", str(out), "--sign-with", str(p12),
                 env={"CONTRACTDESK_P12_PASSWORD": PASSWORD})
    assert result.code == 0, result
    return out


def test_signed_export_verifies(cli, signed):
    assert signed.with_name("packet.xlsx.p7s").is_file()
    result = cli("verify", str(signed))
    assert result.code == 0, result
    assert "intact" in result.out and "汤阴县公安局 经办人" in result.out


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_openssl_accepts_the_signature(signed):
    proc = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-content", str(signed), "-inform", "DER",
         "-in", f"{signed}.p7s", "-noverify", "-out", "/dev/null"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Verification successful" in proc.stderr


def test_changed_workbook_is_reported(cli, signed):
    data = bytearray(signed.read_bytes())
    data[-30] ^= 0x01
    signed.write_bytes(bytes(data))
    result = cli("verify", str(signed))
    assert result.code == 1 and "MODIFIED" in result.out


def test_missing_signature_exits_2(cli, signed):
    signed.with_name("packet.xlsx.p7s").unlink()
    result = cli("verify", str(signed))
    assert result.code == 2 and "no signature found" in result.out


def test_garbage_signature_is_invalid(cli, signed):
    signed.with_name("packet.xlsx.p7s").write_bytes(b"not a signature")
    result = cli("verify", str(signed))
    assert result.code == 1 and "INVALID" in result.out


def test_wrong_password_writes_nothing(cli, db, tmp_path, p12):
    out = tmp_path / "nope.xlsx"
    result = cli("export", SAMPLE_NUMBER, "--xlsx", str(out), "--sign-with", str(p12),
                 env={"CONTRACTDESK_P12_PASSWORD": "wrong"})
    assert result.code == 2 and "wrong password" in result.err
    assert not out.exists() and not out.with_name("nope.xlsx.p7s").exists()


def test_unsigned_export_removes_a_stale_signature(cli, signed):
    result = cli("export", SAMPLE_NUMBER, "--xlsx", str(signed))
    assert result.code == 0, result
    assert not signed.with_name("packet.xlsx.p7s").exists()


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_sign_and_verify_bytes(kind):
    key, cert = _credentials(kind, "Signer")
    sig = sign_bytes(b"workbook bytes", key, cert)
    good = verify_bytes(b"workbook bytes", sig)
    assert good.state is SignatureState.INTACT and good.signer == "Signer" and good.signed_at is not None
    assert verify_bytes(b"workbook bytez", sig).state is SignatureState.MODIFIED


def test_signature_by_a_tampered_signer_is_invalid():
    key, cert = _credentials("ec", "A")
    sig = bytearray(sign_bytes(b"data", key, cert))
    sig[-5] ^= 0xFF  # inside the signature value at the end of the SignerInfo
    assert verify_bytes(b"data", bytes(sig)).state is SignatureState.INVALID


def test_signing_the_pdf_and_the_workbook_of_one_export_asks_the_password_once(db_path, db, tmp_path, p12, monkeypatch):
    import getpass
    import sys

    from app.cli import credentials, main

    monkeypatch.delenv(credentials.PASSWORD_VARIABLE, raising=False)
    asked = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PASSWORD)
    pdf, xlsx = tmp_path / "packet.pdf", tmp_path / "packet.xlsx"
    code = main(["--db", str(db_path), "export", SAMPLE_NUMBER, "--pdf", str(pdf), "--xlsx", str(xlsx),
                 "--sign-with", str(p12)])
    assert code == 0
    assert len(asked) == 1 and "signer.p12" in asked[0]
    assert pdf.exists() and xlsx.exists() and xlsx.with_name("packet.xlsx.p7s").exists()


def test_a_pdf_can_be_signed_after_a_workbook_signature_was_checked_in_the_same_process(tmp_path, p12):
    """The desktop app verifies or signs an Excel packet, then signs the PDF packet: one process, fresh
    imports (a test run in this process would have imported pyHanko already)."""
    import os
    import sys

    script = (
        "import sys; from pathlib import Path\n"
        "from app.codecs.signing.cms import sign_file, verify_bytes\n"
        "from app.codecs.pdf import PdfOptions, export_pdf\n"
        "from app.codecs.sample import sample_contract\n"
        "doc, p12, out = (Path(a) for a in sys.argv[1:4])\n"
        "doc.write_bytes(b'workbook bytes')\n"
        "password = sys.argv[4].encode()\n"
        "result = verify_bytes(doc.read_bytes(), sign_file(doc, p12, password).read_bytes())\n"
        "export_pdf(sample_contract(), out, PdfOptions(annexes=False, sign_with=p12, password=password))\n"
        "print(result.state.name)\n"
    )
    out = tmp_path / "signed.pdf"
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "packet.xlsx"), str(p12), str(out), PASSWORD],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "INTACT" and out.read_bytes().startswith(b"%PDF")
