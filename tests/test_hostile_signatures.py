"""Signatures that lie (issue 22, items 1, 13 and part of 6 and 16): every signature of a packet is checked,
each signer is named with the fingerprint of their certificate and, given a trust list, whether it chains to
one the office trusts; pyHanko's deprecation warning never reaches the clerk's terminal."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from app.cli.credentials import PASSWORD_VARIABLE
from app.codecs.pdf import PdfOptions, export_pdf
from app.codecs.sample import sample_contract
from app.codecs.signing.cms import sign_bytes, sign_file, verify_bytes
from app.codecs.signing.pdf import verify_pdf
from app.codecs.signing.result import SignatureState
from app.codecs.signing.trust import TrustList, fingerprint, parse_trust_list
from tests.pdf_specimens import make_p12

from .conftest import SAMPLE_NUMBER

pytestmark = pytest.mark.hostile
PASSWORD = "pw-样章"
NAME = "Test Clerk"


@pytest.fixture(scope="module")
def credentials(tmp_path_factory):
    """Two self-made certificates with the same signer name: the office's (a) and a forger's (b)."""
    folder = tmp_path_factory.mktemp("creds")
    certs = {}
    for who in ("a", "b"):
        certs[who] = make_p12(folder / f"{who}.p12", PASSWORD.encode(), NAME)
        (folder / f"{who}.pem").write_text(x509.load_der_x509_certificate(certs[who]).public_bytes(
            serialization.Encoding.PEM).decode("ascii"))
    return folder, certs


def _sign(data: bytes, p12, field: str) -> bytes:
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSWORD.encode())
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name=field), signer=signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data), strict=False), output=out)
    return out.getvalue()


def _replace_page_one(data: bytes) -> bytes:
    """An incremental update that swaps page 1's content for other text (the forger's edit)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (FORGED) Tj ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def packets(credentials, tmp_path_factory):
    """The signed packet, the packet changed on page 1 and re-signed by b, and the packet countersigned by b."""
    folder, _certs = credentials
    out = tmp_path_factory.mktemp("packets")
    export_pdf(sample_contract(), out / "signed.pdf", PdfOptions(sign_with=folder / "a.p12", password=PASSWORD.encode()))
    signed = (out / "signed.pdf").read_bytes()
    (out / "resigned.pdf").write_bytes(_sign(_replace_page_one(signed), folder / "b.p12", "Sig2"))
    (out / "countersigned.pdf").write_bytes(_sign(signed, folder / "b.p12", "PartyB"))
    return out


def test_a_packet_changed_then_resigned_under_the_same_name_is_modified(packets, credentials, cli):
    _folder, certs = credentials
    result = cli("verify", str(packets / "resigned.pdf"))
    assert result.code == 1, result
    assert "MODIFIED" in result.out.splitlines()[0] and "Traceback" not in result.err
    # both signatures are listed, each with its own certificate: the same name, two fingerprints
    assert "signature 1 of 2" in result.out and "signature 2 of 2" in result.out
    assert fingerprint(certs["a"]) in result.out and fingerprint(certs["b"]) in result.out
    assert "covers: revisions 1–2 of 4" in result.out
    assert "changed after the first signature, and not by a signature: revision 3 of 4" in result.out


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler's pdfsig")
def test_pdfsig_agrees_that_the_first_signature_no_longer_covers_the_file(packets):
    out = subprocess.run(["pdfsig", str(packets / "resigned.pdf")], capture_output=True, text=True).stdout
    first, second = out.split("Signature #2")
    assert "Not total document signed" in first and "Total document signed" in second
    report = verify_pdf(packets / "resigned.pdf")
    assert [s.state for s in report.signatures] == [SignatureState.MODIFIED, SignatureState.INTACT]
    assert [s.covers_whole_file for s in report.signatures] == [False, True]


def test_a_countersignature_alone_keeps_the_packet_intact(packets, credentials):
    _folder, certs = credentials
    report = verify_pdf(packets / "countersigned.pdf")
    assert report.state is SignatureState.INTACT and report.exit_code == 0
    assert [s.fingerprint for s in report.signatures] == [fingerprint(certs["a"]), fingerprint(certs["b"])]
    assert report.changes == ()
    assert "only signatures were added after it" in report.signatures[0].detail


def test_the_trust_list_tells_the_office_certificate_from_a_forged_one(packets, credentials, cli):
    folder, _certs = credentials
    trusted = cli("verify", str(packets / "signed.pdf"), "--trust", str(folder / "a.pem"))
    assert trusted.code == 0, trusted
    assert "trust: the certificate chains to the trust list" in trusted.out
    forged = cli("verify", str(packets / "signed.pdf"), "--trust", str(folder / "b.pem"))
    assert forged.code == 1, forged
    assert "NOT TRUSTED" in forged.out and "trust: NOT in the trust list" in forged.out
    # the countersigned packet is intact, but only a is in the trust list: b's signature is not trusted
    mixed = verify_pdf(packets / "countersigned.pdf", TrustList((asn1_x509.Certificate.load(_certs["a"]),)))
    assert mixed.state is SignatureState.UNTRUSTED and [s.trusted for s in mixed.signatures] == [True, False]


def test_verify_json_lists_every_signature(packets, credentials, cli):
    import json

    _folder, certs = credentials
    result = cli("verify", str(packets / "resigned.pdf"), "--json")
    doc = json.loads(result.out)
    assert result.code == 1 and doc["state"] == "modified"
    assert [(s["state"], s["fingerprint_sha256"], s["revision"], s["revisions"]) for s in doc["signatures"]] == [
        ("modified", fingerprint(certs["a"]), 2, 4), ("intact", fingerprint(certs["b"]), 4, 4)]
    assert doc["changes"] == ["revision 3 of 4"]


@pytest.mark.parametrize("content", [b"not a certificate", b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----"])
def test_a_trust_file_that_holds_no_certificate_is_one_line(packets, cli, tmp_path, content):
    bad = tmp_path / "trust.pem"
    bad.write_bytes(content)
    result = cli("verify", str(packets / "signed.pdf"), "--trust", str(bad))
    assert result.code == 2 and "Traceback" not in result.err, result
    assert str(bad) in result.err and len(result.err.strip().splitlines()) == 1


def test_a_trust_file_may_hold_several_pem_certificates(credentials):
    folder, certs = credentials
    both = (folder / "a.pem").read_bytes() + (folder / "b.pem").read_bytes()
    assert parse_trust_list(both, "both.pem").fingerprints == {fingerprint(certs["a"]), fingerprint(certs["b"])}
    assert parse_trust_list(certs["a"], "a.der").fingerprints == {fingerprint(certs["a"])}


# ------------------------------------------------------------------ Excel packets (detached CMS)


@pytest.fixture
def workbook(cli, db, tmp_path, credentials):
    folder, _certs = credentials
    out = tmp_path / "packet.xlsx"
    result = cli("export", SAMPLE_NUMBER, "--xlsx", str(out), "--sign-with", str(folder / "a.p12"),
                 env={PASSWORD_VARIABLE: PASSWORD})
    assert result.code == 0, result
    return out


def test_a_workbook_changed_and_resigned_under_the_same_name_is_told_apart(workbook, credentials, cli, monkeypatch):
    folder, certs = credentials
    data = bytearray(workbook.read_bytes())
    data[-30] ^= 0x01
    workbook.write_bytes(bytes(data))
    sign_file(workbook, folder / "b.p12", PASSWORD.encode())  # the forger signs the changed workbook with a certificate named alike
    plain = cli("verify", str(workbook))
    assert plain.code == 0 and f"signer: {NAME}" in plain.out, plain
    assert fingerprint(certs["b"]) in plain.out and fingerprint(certs["a"]) not in plain.out
    assert "no trust list was given" in plain.out
    checked = cli("verify", str(workbook), "--trust", str(folder / "a.pem"))
    assert checked.code == 1 and "NOT TRUSTED" in checked.out, checked
    assert cli("verify", str(workbook), "--trust", str(folder / "b.pem")).code == 0


def _key_and_cert(name: str):
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.test_signing_cms import _credentials

    key, cert = _credentials("ec", name)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key, cert


def test_every_signer_of_a_cms_signature_is_checked():
    """A second SignerInfo whose signature is broken makes the workbook invalid, whatever the first says."""
    from asn1crypto import cms
    from cryptography.hazmat.primitives.serialization import pkcs7

    (key_a, cert_a), (key_b, cert_b) = _key_and_cert("A"), _key_and_cert("B")
    both = (pkcs7.PKCS7SignatureBuilder().set_data(b"workbook").add_signer(cert_a, key_a, hashes.SHA256())
            .add_signer(cert_b, key_b, hashes.SHA256())
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
    good = verify_bytes(b"workbook", both)
    assert good.state is SignatureState.INTACT and sorted(s.signer for s in good.signatures) == ["A", "B"]
    info = cms.ContentInfo.load(both)
    second = info["content"]["signer_infos"][1]
    second["signature"] = cms.OctetString(bytes(64))
    broken = verify_bytes(b"workbook", info.dump(force=True))
    assert broken.state is SignatureState.INVALID and broken.exit_code == 1
    assert sorted(s.state.value for s in broken.signatures) == ["intact", "invalid"]


def test_cms_trust_follows_the_chain_to_an_office_root():
    """A signer certified by the office's own root is trusted through it; a look-alike root is not."""
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def cert_for(subject_key, subject, issuer_key, issuer, ca):
        now = dt.datetime.now(dt.UTC)
        return (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
                .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .sign(issuer_key, hashes.SHA256()))

    root_key, clerk_key, fake_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = cert_for(root_key, "Office Root", root_key, "Office Root", True)
    fake_root = cert_for(fake_key, "Office Root", fake_key, "Office Root", True)
    clerk = cert_for(clerk_key, NAME, root_key, "Office Root", False)
    signature = sign_bytes(b"workbook", clerk_key, clerk, [root])

    def trust(*certs):
        return TrustList(tuple(asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs))

    assert verify_bytes(b"workbook", signature, trust(root)).state is SignatureState.INTACT
    assert verify_bytes(b"workbook", signature, trust(fake_root)).state is SignatureState.UNTRUSTED


# ------------------------------------------------------------------ credentials and warnings


def test_a_p12_with_a_certificate_but_no_key_is_one_line(credentials, cli, db, tmp_path):
    _folder, certs = credentials
    cert_only = tmp_path / "cert-only.p12"
    cert_only.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", None, x509.load_der_x509_certificate(certs["a"]), None, BestAvailableEncryption(PASSWORD.encode())))
    for option in ("--pdf", "--xlsx"):
        out = tmp_path / f"out.{option[2:]}"
        result = cli("export", SAMPLE_NUMBER, option, str(out), "--sign-with", str(cert_only),
                     env={PASSWORD_VARIABLE: PASSWORD})
        assert result.code == 2 and "Traceback" not in result.err, result
        assert "no private key" in result.err and not out.exists()


def test_signing_and_verifying_print_no_deprecation_warning(credentials, cli, db, tmp_path):
    folder, _certs = credentials
    out = tmp_path / "signed.pdf"
    signed = cli("export", SAMPLE_NUMBER, "--pdf", str(out), "--sign-with", str(folder / "a.p12"),
                 env={PASSWORD_VARIABLE: PASSWORD})
    verified = cli("verify", str(out))
    assert signed.code == 0 and verified.code == 0, (signed, verified)
    for result in (signed, verified):
        assert "Warning" not in result.err and "DSA" not in result.err, result.err
