"""PAdES signatures on the PDF packet (pyHanko): sign the finished packet, verify a received one.

Signing is the very last step of an export: any rewrite of the file after it (merging, stamping) would break
the signature. Verification reports whether the signed bytes are unchanged and whether anything was added
after signing; whether the signer's certificate is trusted is reported as detail, since the clerk's own
certificate is usually not from a public authority.
"""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path

from app.errors import UserError
from app.fileio import os_reason
from app.i18n import _
from app.signing.result import SignatureState, VerifyResult

log = logging.getLogger(__name__)

FIELD_NAME = "ContractDeskSignature"


@contextlib.contextmanager
def _quiet_pyhanko():
    """pyHanko logs an expected untrusted self-signed certificate with a full traceback; the verdict we
    return says it in one line, so keep its log to real failures while we work."""
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def load_signer(p12: Path, password: bytes):
    """A pyHanko SimpleSigner from a PKCS#12 file opened with `password`."""
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = p12.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the certificate file: {error}").format(error=os_reason(exc)), str(p12)) from exc
    try:
        return SimpleSigner.load_pkcs12_data(data, [], passphrase=password)
    except ValueError as exc:
        raise UserError(_("wrong password, or not a PKCS#12 (.p12/.pfx) file"), str(p12)) from exc


def sign_pdf(
    source: bytes,
    p12: Path,
    password: bytes,
    *,
    page: int,
    box: tuple[float, float, float, float],
    stamp_font: Path,
    reason: str = "",
) -> bytes:
    """Sign `source` as PAdES (B-B) with a visible signature box on `page` (0-based); returns the signed bytes."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    signer = load_signer(p12, password)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
    )
    style = TextStampStyle(
        stamp_text="数字签名 Digitally signed by\n%(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font)), font_size=9),
        timestamp_format="%Y-%m-%d %H:%M:%S %Z",
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=tuple(round(v) for v in box)),  # type: ignore[arg-type]
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(source), strict=False), output=out)
    return out.getvalue()


def _signer_name(cert) -> str:
    subject = cert.subject.native
    return subject.get("common_name") or subject.get("organization_name") or cert.subject.human_friendly


def verify_pdf(path: Path, trust_roots: list | None = None) -> VerifyResult:
    """Check the last signature of a packet. `trust_roots` (asn1crypto certificates) decide the trust detail."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
    if not data.startswith(b"%PDF"):
        raise UserError(_("not a PDF file"), str(path))
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        log.info("unreadable PDF %s: %s", path, exc)
        if b"/ByteRange" in data:
            return VerifyResult(SignatureState.INVALID, detail=_("the signed file is damaged and cannot be read"))
        raise UserError(_("the PDF cannot be read"), str(path)) from exc
    if not signatures:
        if b"/ByteRange" in data:  # a signature is there, but the damaged file no longer leads to it
            return VerifyResult(SignatureState.INVALID, detail=_("the signed file is damaged and cannot be read"))
        return VerifyResult(SignatureState.UNSIGNED)
    sig = signatures[-1]
    try:
        signer = _signer_name(sig.signer_cert)
        signed_at = sig.self_reported_timestamp
    except (PdfError, ValueError, KeyError, TypeError) as exc:  # SignatureValidationError is a ValueError
        log.info("unreadable signature in %s: %s", path, exc)
        return VerifyResult(SignatureState.INVALID, detail=_("the signature does not verify"))
    context = ValidationContext(trust_roots=trust_roots or [], allow_fetching=False)
    try:
        with _quiet_pyhanko():
            status = validate_pdf_signature(sig, context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        log.info("signature validation failed for %s: %s", path, exc)
        return VerifyResult(SignatureState.INVALID, signer, signed_at, _("the signature does not verify"))
    if not status.intact:
        return VerifyResult(SignatureState.MODIFIED, signer, signed_at, _("the signed bytes have been changed"))
    if not status.valid:
        return VerifyResult(SignatureState.INVALID, signer, signed_at, _("the signature does not verify"))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return VerifyResult(
            SignatureState.MODIFIED, signer, signed_at, _("content was added to the file after it was signed")
        )
    trust = (
        _("the signer's certificate is trusted")
        if status.trusted
        else _("the signer's certificate is not from a trusted authority; check it with the signer")
    )
    return VerifyResult(SignatureState.INTACT, signer, signed_at, trust)
