"""Seal and signature images supplied by the user, and the cross-page seal (骑缝章) cut into strips.

The app never draws or synthesises a seal: every image here comes from the user's file or record.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.errors import UserError
from app.export.pdf.styles import SEAL_DIAMETER
from app.i18n import _

MAX_PIXELS = 40_000_000


def open_image(data: bytes, where: str) -> Image.Image:
    """A decoded RGBA image, or a UserError naming `where` (a field path or file name)."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UserError(_("the image is too large ({w}×{h} pixels)").format(w=image.width, h=image.height), where)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UserError(_("not a readable image (PNG or JPEG)"), where) from exc
    return image.convert("RGBA")


def image_reader(image: Image.Image) -> ImageReader:
    return ImageReader(image)


def draw_image(canvas: Canvas, image: Image.Image, cx: float, cy: float, width: float) -> None:
    """Draw `image` centred on (cx, cy), `width` points wide, keeping its aspect ratio and transparency."""
    height = width * image.height / image.width
    canvas.drawImage(image_reader(image), cx - width / 2, cy - height / 2, width, height, mask="auto")


class CrossPageSeal:
    """The seal image cut into one vertical strip per page; page i shows strip i on its right edge, so the
    fanned stack of printed pages shows the whole seal."""

    def __init__(self, path: Path, diameter: float = SEAL_DIAMETER) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(_("cannot read the seal image: {error}").format(error=exc.strerror), str(path)) from exc
        self.image = open_image(data, str(path))
        self.width = diameter
        self.height = diameter * self.image.height / self.image.width

    def strip(self, index: int, count: int) -> Image.Image:
        left = self.image.width * index // count
        right = max(left + 1, self.image.width * (index + 1) // count)
        return self.image.crop((left, 0, right, self.image.height))

    def draw_strip(self, canvas: Canvas, index: int, count: int, page_width: float, page_height: float) -> None:
        strip_width = self.width / count
        canvas.drawImage(
            image_reader(self.strip(index, count)),
            page_width - strip_width,
            (page_height - self.height) / 2,
            strip_width,
            self.height,
            mask="auto",
        )
