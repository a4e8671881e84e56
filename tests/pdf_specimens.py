"""Specimen seal, signature and certificate for the PDF tests. Every image says 样章 SPECIMEN on its face:
the app never draws a seal, and test images must never pass for a real one."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.base.resources import resource

FONT = resource("fonts", "NotoSerifCJKsc-Bold.ttf")
RED = (200, 20, 20, 255)


def specimen_seal_png(size: int = 400) -> bytes:
    """A red ring with 样章 / SPECIMEN across it, on a transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=RED, width=size // 30)
    big = ImageFont.truetype(str(FONT), size // 5)
    small = ImageFont.truetype(str(FONT), size // 10)
    draw.text((size / 2, size * 0.42), "样章", font=big, fill=RED, anchor="mm")
    draw.text((size / 2, size * 0.65), "SPECIMEN", font=small, fill=RED, anchor="mm")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def specimen_seal_scan_jpeg(size: int = 400) -> bytes:
    """The specimen seal as a scanner gives it: opaque, on white paper, no transparency."""
    seal = Image.open(io.BytesIO(specimen_seal_png(size)))
    paper = Image.new("RGB", seal.size, (255, 255, 255))
    paper.paste(seal, mask=seal)
    buf = io.BytesIO()
    paper.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def specimen_signature_png() -> bytes:
    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.text(
        (10, 60), "样章 SPECIMEN 签名", font=ImageFont.truetype(str(FONT), 32), fill=(20, 20, 120, 255), anchor="lm"
    )
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def make_p12(path: Path, password: bytes, name: str = "样章 SPECIMEN Signer") -> bytes:
    """A self-signed certificate and key in a password-protected PKCS#12 file; returns the certificate (DER)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
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
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, None, serialization.BestAvailableEncryption(password)
        )
    )
    return cert.public_bytes(serialization.Encoding.DER)
