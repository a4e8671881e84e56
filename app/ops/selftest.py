"""What the hidden `selftest` command checks on the machine it runs on: the parts that only a real Windows
proves (the CI runner, or a clerk's PC with support on the phone).

Each check returns a `Step` (ok, skipped or failed, with one line of detail). Nothing here touches the user's
database: the sample is rendered from the bundled file, and everything is written to a throw-away folder.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _

OK, SKIPPED, FAILED = "ok", "skipped", "FAILED"
#: The printer Windows 10 and 11 install by default; printing to it proves the print path without paper.
PDF_PRINTER = "Microsoft Print to PDF"


@dataclass(frozen=True)
class Step:
    name: str
    status: str
    detail: str

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"


def _guard(name: str, check: Callable[[], Step]) -> Step:
    """A check that raises is a failed step, not a crashed command."""
    try:
        return check()
    except UserError as exc:
        return Step(name, FAILED, str(exc))
    except Exception as exc:  # the point of a self-test: report what broke, whatever it is
        return Step(name, FAILED, f"{type(exc).__name__}: {exc}")


def sample_pdf(**options) -> bytes:
    from app.codecs.pdf import PdfOptions, render_pdf
    from app.codecs.sample import sample_contract

    return render_pdf(sample_contract(), PdfOptions(annexes=False, **options))


def check_render(pdf: bytes) -> Step:
    """PDFium (pypdfium2, as print preview uses it) renders the packet's first page with ink on it."""
    from app.base.pdfium import document, page_image

    with document(pdf) as doc:
        pages = len(doc)
        image = page_image(doc, 0, 1).convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    if pages < 1 or dark < 0.002:
        return Step("render", FAILED, _("page 1 rendered blank ({pages} pages)").format(pages=pages))
    return Step("render", OK, _("{pages} pages; page 1 is {width}×{height} px, {ink:.1%} ink").format(
        pages=pages, width=image.width, height=image.height, ink=dark))


def check_fonts() -> Step:
    """Which faces print, and (on Windows) that the registry lookup finds a face every Windows has by family name."""
    from app.codecs.pdf.fonts import (
        FontPreference,
        SystemFace,
        choose_fonts,
        face_name,
        find_face,
        installed_preferences,
        read_font_registry,
        windows_fonts_folder,
    )

    folder = windows_fonts_folder()
    fonts = choose_fonts(FontPreference.AUTO, folder)
    detail = _("prints in {body} and {heading}; choices here: {choices}").format(
        body=face_name(fonts.body), heading=face_name(fonts.heading),
        choices=", ".join(p.value for p in installed_preferences(folder)))
    if sys.platform != "win32":
        return Step("fonts", OK, detail)
    entries = read_font_registry()
    arial = find_face(SystemFace(("Arial",), (), "Arial"), folder)  # no file names: only the registry can find it
    if not entries or arial is None:
        return Step("fonts", FAILED, _("the fonts registry lists {n} fonts and Arial is not found by name").format(
            n=len(entries)))
    return Step("fonts", OK, detail + "; " + _("{n} fonts registered, Arial is {file}").format(
        n=len(entries), file=arial.path))


def make_throwaway_p12(folder: Path, password: bytes) -> tuple[Path, bytes]:
    """A self-signed certificate and key valid for a day, in a PKCS#12 file; returns the file and the certificate (DER)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ContractDesk selftest")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "selftest.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"selftest", key, cert, None, serialization.BestAvailableEncryption(password)))
    return path, cert.public_bytes(serialization.Encoding.DER)


def check_signing(folder: Path) -> Step:
    """Sign the sample packet with a throw-away certificate, verify it intact, then changed after a byte flips."""
    import secrets

    from asn1crypto import x509 as asn1_x509

    from app.codecs.signing.pdf import verify_pdf
    from app.codecs.signing.result import SignatureState
    from app.codecs.signing.trust import TrustList

    password = secrets.token_hex(16)
    p12, der = make_throwaway_p12(folder, password.encode())
    signed = sample_pdf(sign_with=p12, password=password.encode())
    target = folder / "signed.pdf"
    target.write_bytes(signed)
    verdict = verify_pdf(target, TrustList((asn1_x509.Certificate.load(der),)))
    if verdict.state is not SignatureState.INTACT:
        return Step("sign", FAILED, _("the freshly signed packet verifies as {state}: {detail}").format(
            state=verdict.state.value, detail=verdict.detail))
    tampered = bytearray(signed)
    # one letter of the header comment ("%PDF-1.4\n%… ReportLab Generated PDF …"): signed, and still a readable PDF
    spot = signed.find(b"ReportLab", 0, 200)
    spot = spot if spot >= 0 else 12
    tampered[spot] ^= 0x20
    changed = folder / "changed.pdf"
    changed.write_bytes(bytes(tampered))
    second = verify_pdf(changed)
    if second.state is SignatureState.INTACT:
        return Step("sign", FAILED, _("a packet changed after signing still verifies as intact"))
    return Step("sign", OK, _("signed by {signer}: intact; changed after signing: {state}").format(
        signer=verdict.signer, state=second.state.value))


def check_private(folder: Path) -> Step:
    """A folder made private is readable by the user only (on Windows: its access-control list)."""
    from app.base.private import is_private, make_private

    target = folder / "private"
    target.mkdir()
    (target / "inside.txt").write_text("x", encoding="utf-8")
    if not make_private(target):
        return Step("private", FAILED, _("the folder's access could not be restricted"))
    inside = target / "later.txt"
    inside.write_text("y", encoding="utf-8")  # created afterwards: inherits the folder's list
    if not (is_private(target) and (sys.platform != "win32" or is_private(inside))):
        return Step("private", FAILED, _("others can still read {file}").format(file=target))
    return Step("private", OK, _("readable by this user only"))


def run_checks(folder: Path, print_check: Callable[[bytes, Path], Step] | None) -> list[Step]:
    """Every check, in order; `print_check` (from the desktop part, it needs Qt) prints the packet."""
    steps: list[Step] = []
    pdf: bytes | None = None

    def render() -> Step:
        nonlocal pdf
        pdf = sample_pdf()
        return check_render(pdf)

    steps.append(_guard("render", render))
    steps.append(_guard("fonts", check_fonts))
    steps.append(_guard("sign", lambda: check_signing(folder)))
    steps.append(_guard("private", lambda: check_private(folder)))
    if print_check is None:
        steps.append(Step("print", SKIPPED, _("the desktop part (Qt) is not available")))
    elif pdf is None:
        steps.append(Step("print", SKIPPED, _("nothing rendered to print")))
    else:
        packet = pdf
        steps.append(_guard("print", lambda: print_check(packet, folder)))
    return steps
