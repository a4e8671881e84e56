"""The certificates an office trusts, and how a signer's certificate is named: its SHA-256 fingerprint.

A self-made certificate can carry any name, so "signer: Test Clerk" proves nothing by itself. `verify` shows
each signer's fingerprint (the clerk can compare it with the one the signer gave them) and, given a trust
list, whether the certificate chains to one the office trusts. A trust list is a value: `verify --trust FILE`
reads one from a file of PEM or DER certificates, and the office settings can hand one in the same way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _

#: A trust list is a handful of certificates; a file far larger is not one.
MAX_TRUST_FILE_BYTES = 4 * 1024 * 1024
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\s+(.+?)\s+-----END CERTIFICATE-----", re.S)


def fingerprint(der: bytes) -> str:
    """SHA-256 of a certificate's DER bytes as openssl and Windows show it: AB:CD:…"""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


@dataclass(frozen=True)
class TrustList:
    """Certificates (asn1crypto) whose holders, and whoever they certify, the office trusts."""

    certificates: tuple
    source: str = ""

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(fingerprint(c.dump()) for c in self.certificates)


def parse_trust_list(data: bytes, where: str) -> TrustList:
    """Every certificate in `data`: PEM blocks (any number) or one DER certificate; UserError when there is none."""
    import base64
    import binascii

    from asn1crypto import x509

    blocks = _PEM.findall(data)
    try:
        ders = [base64.b64decode(b"".join(block.split()), validate=True) for block in blocks] if blocks else [data]
        certificates = []
        for der in ders:
            cert = x509.Certificate.load(der)
            cert.native  # noqa: B018  # parse it all now: a damaged certificate is refused here, not mid-verify
            certificates.append(cert)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise UserError(_("not a certificate file (PEM or DER certificates expected)"), where) from exc
    if not certificates:
        raise UserError(_("the file holds no certificate"), where)
    return TrustList(tuple(certificates), where)


def load_trust_list(path: Path) -> TrustList:
    """The trust list in the file at `path` (`verify --trust FILE`)."""
    try:
        if path.stat().st_size > MAX_TRUST_FILE_BYTES:
            raise UserError(_("the file is too large to be a list of certificates"), str(path))
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(_("no such file"), str(path)) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
    return parse_trust_list(data, str(path))


def chains_to(cert, others, trust: TrustList) -> bool:
    """Whether the asn1crypto certificate `cert` chains (through `others`, the certificates the signature
    carries) to a certificate of `trust`, valid now. Offline: nothing is fetched."""
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import InvalidSignature, PathError, ValidationError

    context = ValidationContext(trust_roots=list(trust.certificates), other_certs=list(others), allow_fetching=False)
    validator = CertificateValidator(cert, intermediate_certs=list(others), validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except (PathError, ValidationError, InvalidSignature, ValueError):
        return False
    return True
