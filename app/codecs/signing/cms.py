"""Detached CMS (PKCS#7) signatures over an exported workbook's bytes: OUT.xlsx.p7s beside OUT.xlsx.

An .xlsx has no signature slot that every spreadsheet program keeps, so the packet is signed as a file:
`openssl cms -verify -binary -content OUT.xlsx -inform DER -in OUT.xlsx.p7s` checks it, and so does
`verify_xlsx`. Any change to the workbook, even re-saving it unchanged, breaks the digest.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _
from app.codecs.signing.result import SignatureReport, SignatureState, VerifyResult, overall_state
from app.codecs.signing.trust import TrustList, chains_to, fingerprint

SIGNATURE_SUFFIX = ".p7s"
#: A detached signature is a few kB; anything far larger is not one of ours.
MAX_SIGNATURE_BYTES = 1024 * 1024


def signature_path(document: Path) -> Path:
    return document.with_name(document.name + SIGNATURE_SUFFIX)


def sign_bytes(data: bytes, key, cert, extra_certs=()) -> bytes:
    """DER-encoded detached CMS SignedData over `data` (SHA-256, signing time and signer certificate included)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    builder = pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256())
    for extra in extra_certs:
        builder = builder.add_certificate(extra)
    options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    return builder.sign(serialization.Encoding.DER, options)


def sign_file(document: Path, p12: Path, password: bytes) -> Path:
    """Sign `document` with the PKCS#12 credentials in `p12`; writes and returns `document`.p7s."""
    from app.base.fileio import atomic_write_bytes
    from app.codecs.signing.credentials import load_p12

    key, cert, extra = load_p12(p12, password)
    target = signature_path(document)
    atomic_write_bytes(target, sign_bytes(document.read_bytes(), key, cert, extra))
    return target


def _is_signer(cert, sid) -> bool:
    if sid.name == "issuer_and_serial_number":
        return cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native
    return sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native


def _signer_name(cert) -> str:
    subject = cert.subject.native
    return subject.get("common_name") or subject.get("organization_name") or cert.subject.human_friendly


def verify_bytes(data: bytes, signature: bytes, trust: TrustList | None = None) -> VerifyResult:
    """Check every signer of a detached CMS signature over `data`.

    Each signer is named with the SHA-256 fingerprint of their certificate and, given `trust`, whether it
    chains to a certificate the office trusts: anyone can make a certificate with any name, so a workbook
    changed and signed again under the same name is told apart only by these.
    """
    from asn1crypto import cms, tsp  # noqa: F401

    # asn1crypto.tsp adds signing_certificate_v2 to the CMS attribute names when imported; the names are
    # indexed once, on first use. Importing it first keeps a later PDF signature (pyHanko) in this process
    # from failing on that name (an Excel packet verified or signed before a PDF one in the desktop app).
    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed = info["content"]
        signers = list(signed["signer_infos"])
        certs = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
        if not signers:
            raise ValueError("no signer")
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        return VerifyResult(SignatureState.INVALID, detail=_("the signature file cannot be read: {error}").format(error=exc))
    reports = [_check_signer(data, signer, certs, trust) for signer in signers]
    state = overall_state(reports, trust is not None)
    bad = next((r for r in reports if r.state is state and r.detail), None)
    if bad is not None and state in (SignatureState.MODIFIED, SignatureState.INVALID):
        detail = bad.detail
    elif trust is None:
        detail = _("no trust list was given: a certificate can carry any name, so compare each signer's "
                   "certificate fingerprint with the one the signer gave you (or use --trust FILE)")
    elif state is SignatureState.UNTRUSTED:
        detail = _("a signer's certificate does not chain to a certificate in the trust list")
    else:
        detail = _("every signer's certificate chains to a certificate in the trust list")
    return VerifyResult(state, reports[-1].signer, reports[-1].signed_at, detail, tuple(reports))


def _check_signer(data: bytes, signer, certs: list, trust: TrustList | None) -> SignatureReport:
    """One SignerInfo's verdict over `data`, with its certificate's fingerprint and trust."""
    try:
        sid = signer["sid"]
        cert = next(c for c in certs if _is_signer(c, sid))
        digest_name = signer["digest_algorithm"]["algorithm"].native
        attrs = signer["signed_attrs"]
        values = {a["type"].native: a["values"][0] for a in attrs}
        expected = values["message_digest"].native
        signed_at = values["signing_time"].native if "signing_time" in values else None
        name = _signer_name(cert)
    except (ValueError, KeyError, TypeError, StopIteration, IndexError) as exc:
        return SignatureReport(SignatureState.INVALID, detail=_("the signature file cannot be read: {error}").format(
            error=exc))
    others = [c for c in certs if c is not cert]
    base: dict[str, Any] = {"signer": name, "signed_at": _as_datetime(signed_at), "fingerprint": fingerprint(cert.dump()),
            "trusted": chains_to(cert, others, trust) if trust is not None else None}
    if not _signature_ok(cert, signer, attrs, digest_name):
        return SignatureReport(SignatureState.INVALID, detail=_("the signature does not match the certificate"), **base)
    if hashlib.new(digest_name, data).digest() != expected:
        return SignatureReport(SignatureState.MODIFIED, detail=_("the workbook's bytes differ from the signed ones"),
                               **base)
    return SignatureReport(SignatureState.INTACT, **base)


def _as_datetime(value) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _signature_ok(cert, signer, attrs, digest_name: str) -> bool:
    """The signature over the DER of the signed attributes (re-tagged as a SET, RFC 5652 §5.4)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509 import load_der_x509_certificate

    public_key = load_der_x509_certificate(cert.dump()).public_key()
    hash_alg = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(), "sha1": hashes.SHA1()}.get(
        digest_name
    )
    if hash_alg is None:
        return False
    signed_data = attrs.untag().dump(force=True)
    sig = signer["signature"].native
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            algo = signer["signature_algorithm"]["algorithm"].native
            pad = padding.PSS(padding.MGF1(hash_alg), padding.PSS.AUTO) if algo == "rsassa_pss" else padding.PKCS1v15()
            public_key.verify(sig, signed_data, pad, hash_alg)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(sig, signed_data, ec.ECDSA(hash_alg))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_xlsx(path: Path, trust: TrustList | None = None) -> VerifyResult:
    """`contractdesk verify OUT.xlsx`: checks OUT.xlsx.p7s; UNSIGNED when there is none."""
    sig_path = signature_path(Path(path))
    if not sig_path.is_file():
        return VerifyResult(
            SignatureState.UNSIGNED, detail=_("no {name} beside the workbook").format(name=sig_path.name)
        )
    try:
        if sig_path.stat().st_size > MAX_SIGNATURE_BYTES:
            return VerifyResult(SignatureState.INVALID, detail=_("the signature file is too large to be a signature"))
        signature = sig_path.read_bytes()
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
    return verify_bytes(data, signature, trust)
