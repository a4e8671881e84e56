"""PAdES signatures on the PDF packet (pyHanko): sign the finished packet, verify a received one.

Signing is the very last step of an export: any rewrite of the file after it (merging, stamping) would break
the signature. Verification checks every signature in the file, not only the last: a packet changed in an
incremental update and then signed again by someone else is reported MODIFIED. Each signer is shown with the
SHA-256 fingerprint of their certificate and, given a trust list, whether it chains to one the office trusts
(the clerk's own certificate is usually self-made, so a name alone proves nothing).
"""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path
from typing import Any

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _
from app.codecs.signing.credentials import load_p12
from app.codecs.signing.result import SignatureReport, SignatureState, VerifyResult, overall_state
from app.codecs.signing.trust import TrustList, fingerprint

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
    load_p12(p12, password)  # a wrong password, or a file with a certificate but no key, is refused here in one line
    try:
        return SimpleSigner.load_pkcs12_data(data, [], passphrase=password)
    except ValueError as exc:
        raise UserError(_("wrong password, or not a PKCS#12 (.p12/.pfx) file"), str(p12)) from exc


def _stamp_font(path: Path):
    """pyHanko's glyph accumulator for the signature stamp, over the font's bytes: its own factory opens the font
    file and never closes it (one leaked handle per signature)."""
    from dataclasses import dataclass

    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    @dataclass(frozen=True)
    class InMemory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(Path(self.font_file).read_bytes()),
                                    font_size=self.font_size, ot_script_tag=self.ot_script_tag,
                                    ot_language_tag=self.ot_language_tag, writing_direction=self.writing_direction,
                                    bcp47_lang_code=self.bcp47_lang_code, obj_stream=obj_stream)

    return InMemory(str(path))


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
        text_box_style=TextBoxStyle(font=_stamp_font(stamp_font), font_size=9),
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


def verify_pdf(path: Path, trust: TrustList | None = None) -> VerifyResult:
    """Check every signature of a packet, oldest first.

    Each signature is checked over the revision it signs; the changes made after it must be nothing but later
    signatures (pyHanko's difference analysis), or it is reported MODIFIED with the revisions that are not.
    `trust` decides whether each signer's certificate chains to a certificate the office trusts.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
    if not data.startswith(b"%PDF"):
        raise UserError(_("not a PDF file"), str(path))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = sorted(reader.embedded_signatures, key=lambda sig: sig.signed_revision)
        total = reader.xrefs.total_revisions
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        log.info("unreadable PDF %s: %s", path, exc)
        if b"/ByteRange" in data:
            return VerifyResult(SignatureState.INVALID, detail=_("the signed file is damaged and cannot be read"))
        raise UserError(_("the PDF cannot be read"), str(path)) from exc
    if not signatures:
        if b"/ByteRange" in data:  # a signature is there, but the damaged file no longer leads to it
            return VerifyResult(SignatureState.INVALID, detail=_("the signed file is damaged and cannot be read"))
        return VerifyResult(SignatureState.UNSIGNED)
    signed_revisions = {sig.signed_revision for sig in signatures}
    field_names = [sig.field_name for sig in signatures]
    reports = [
        _check_signature(sig, total, trust, later_fields=set(field_names[i + 1 :]), where=str(path))
        for i, sig in enumerate(signatures)
    ]
    first = min(signed_revisions)
    changes = tuple(
        _("revision {n} of {total}").format(n=r + 1, total=total)
        for r in range(first + 1, total)
        if r not in signed_revisions
    )
    state = overall_state(reports, trust is not None)
    return VerifyResult(state, reports[-1].signer, reports[-1].signed_at, _summary(state, reports, trust), tuple(reports),
                        changes)


def _check_signature(sig, total: int, trust: TrustList | None, *, later_fields: set[str], where: str) -> SignatureReport:
    """One signature's own verdict: its bytes, its signer, and what changed in the file after it."""
    from asn1crypto import x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    revision = sig.signed_revision + 1
    base: dict[str, Any] = {"revision": revision, "revisions": total, "field": str(sig.field_name or "")}
    try:
        cert = sig.signer_cert
        assert isinstance(cert, x509.Certificate)
        base |= {"signer": _signer_name(cert), "signed_at": sig.self_reported_timestamp,
                 "fingerprint": fingerprint(cert.dump())}
    except (PdfError, ValueError, KeyError, TypeError, AssertionError) as exc:  # SignatureValidationError too
        log.info("unreadable signature in %s: %s", where, exc)
        return SignatureReport(SignatureState.INVALID, detail=_("the signature does not verify"), **base)
    roots = list(trust.certificates) if trust is not None else []
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        with _quiet_pyhanko():
            status = validate_pdf_signature(sig, context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        log.info("signature validation failed for %s: %s", where, exc)
        return SignatureReport(SignatureState.INVALID, detail=_("the signature does not verify"), **base)
    trusted = bool(status.trusted) if trust is not None else None
    if not status.intact:
        return SignatureReport(SignatureState.MODIFIED, trusted=trusted, detail=_("the signed bytes have been changed"),
                               **base)
    if not status.valid:
        return SignatureReport(SignatureState.INVALID, trusted=trusted, detail=_("the signature does not verify"), **base)
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureReport(SignatureState.INTACT, trusted=trusted, **base)
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return SignatureReport(SignatureState.MODIFIED, trusted=trusted,
                               detail=_("the signature does not cover a whole revision of the file"), **base)
    diff = status.diff_result
    level = getattr(diff, "modification_level", ModificationLevel.OTHER)
    changed = set(getattr(diff, "changed_form_fields", ()) or ())
    if level <= ModificationLevel.FORM_FILLING and changed <= later_fields:
        return SignatureReport(SignatureState.INTACT, trusted=trusted,
                               detail=_("only signatures were added after it"), **base)
    return SignatureReport(SignatureState.MODIFIED, trusted=trusted,
                           detail=_("the file was changed after this signature, and not only by adding signatures"),
                           **base)


def _summary(state: SignatureState, reports: list[SignatureReport], trust: TrustList | None) -> str:
    """The one-line detail of the packet's verdict (each signature's own detail is listed with it)."""
    bad = next((r for r in reports if r.state is state and r.detail), None)
    if state in (SignatureState.MODIFIED, SignatureState.INVALID) and bad is not None:
        return bad.detail
    if trust is None:
        return _("no trust list was given: a certificate can carry any name, so compare each signer's "
                 "certificate fingerprint with the one the signer gave you (or use --trust FILE)")
    if state is SignatureState.UNTRUSTED:
        return _("a signer's certificate does not chain to a certificate in the trust list")
    return _("every signer's certificate chains to a certificate in the trust list")
