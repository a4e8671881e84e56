"""Seal and signature images a user supplies, checked before anything stores or draws them.

Only PNG and JPEG, recognised by their bytes; the pixel count is read from the header before any decoder runs.
"""

from __future__ import annotations

import io
import struct
from typing import TYPE_CHECKING

from app.base.errors import UserError
from app.base.i18n import _

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 40_000_000


#: The image formats a seal or signature may be, by the bytes they start with. Pillow is told which one to
#: use and never searches its plug-ins: an EPS "seal" would be handed to Ghostscript, and GIF, BMP, TIFF,
#: WebP, ICO, PCX, SGI or TGA decoders have no business with a scanned seal.
MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def image_format(data: bytes) -> str | None:
    """"PNG" or "JPEG" by the file's first bytes; None for anything else."""
    return next((name for magic, name in MAGIC.items() if data.startswith(magic)), None)


#: JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): each states the image's size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def header_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """(width, height) as the file's header states it, read before any decoder sees the file; None if not found."""
    if kind == "PNG":
        return struct.unpack(">II", data[16:24]) if len(data) >= 24 and data[12:16] == b"IHDR" else None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        if marker in _SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return None


def open_image(data: bytes, where: str) -> Image.Image:
    """A decoded RGBA image, or a UserError naming `where` (a field path or file name).

    Only PNG and JPEG, recognised by their bytes; the pixel count is checked from the header, before decoding.
    Pillow is imported here, when an image is opened: reading a contract (the window's start) does not pay ≈30 ms.
    """
    from PIL import Image, UnidentifiedImageError

    kind = image_format(data)
    if kind is None:
        raise UserError(_("not a readable image (only PNG and JPEG images are accepted)"), where)
    size = header_size(data, kind)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise UserError(_("the image is too large ({w}×{h} pixels)").format(w=size[0], h=size[1]), where)
    try:
        image = Image.open(io.BytesIO(data), formats=[kind])
        if image.width * image.height > MAX_PIXELS:
            raise UserError(_("the image is too large ({w}×{h} pixels)").format(w=image.width, h=image.height), where)
        image.load()
    # Pillow reports a damaged PNG chunk as SyntaxError and some broken headers as ValueError or struct.error.
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError, struct.error) as exc:
        raise UserError(_("not a readable image (PNG or JPEG)"), where) from exc
    return upright(image).convert("RGBA")


def upright(image: Image.Image) -> Image.Image:
    """A phone photo of a signature stores its pixels sideways and says so in EXIF: print it as it is seen.
    Damaged EXIF leaves the image as stored rather than refusing it."""
    from PIL import ImageOps

    try:
        return ImageOps.exif_transpose(image)
    except (ValueError, TypeError, KeyError, SyntaxError, OSError, struct.error):
        return image
