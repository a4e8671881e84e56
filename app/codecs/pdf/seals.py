"""Seal and signature images supplied by the user, and the cross-page seal (骑缝章) cut into strips.

The app never draws or synthesises a seal: every image here comes from the user's file or record.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _
from app.codecs.pdf.styles import SEAL_DIAMETER
from app.values.images import open_image

PRINT_DPI = 600


def image_reader(image: Image.Image) -> ImageReader:
    return ImageReader(image)


def draw_inked(canvas: Canvas, image: Image.Image, x: float, y: float, width: float, height: float) -> None:
    """Draw `image` as ink on paper (PDF blend mode Multiply): a seal scanned on white paper, the usual file a
    clerk has, must not cover the caption and party name under it with a white square."""
    canvas.saveState()
    canvas.setBlendMode("Multiply")
    canvas.drawImage(image_reader(image), x, y, width, height, mask="auto")
    canvas.restoreState()


def for_print(image: Image.Image, width: float) -> Image.Image:
    """`image` with at most PRINT_DPI pixels per inch when printed `width` points wide: a phone photo of a seal
    (4000 px for 42 mm) otherwise makes the export several times slower and the file much larger."""
    most = max(1, round(width / 72 * PRINT_DPI))
    if image.width <= most:
        return image
    return image.resize(
        (most, max(1, round(image.height * most / image.width))), Image.Resampling.LANCZOS, reducing_gap=3.0
    )


def draw_image(canvas: Canvas, image: Image.Image, cx: float, cy: float, width: float) -> None:
    """Draw `image` centred on (cx, cy), `width` points wide, keeping its aspect ratio and transparency."""
    height = width * image.height / image.width
    draw_inked(canvas, for_print(image, width), cx - width / 2, cy - height / 2, width, height)


class CrossPageSeal:
    """The seal image cut into one vertical strip per page; page i shows strip i on its right edge, so the
    fanned stack of printed pages shows the whole seal."""

    def __init__(self, path: Path, diameter: float = SEAL_DIAMETER) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(_("cannot read the seal image: {error}").format(error=os_reason(exc)), str(path)) from exc
        self.image = for_print(open_image(data, str(path)), diameter)
        self.width = diameter
        self.height = diameter * self.image.height / self.image.width

    def strip(self, index: int, count: int) -> Image.Image:
        left = self.image.width * index // count
        right = max(left + 1, self.image.width * (index + 1) // count)
        return self.image.crop((left, 0, right, self.image.height))

    def draw_strip(self, canvas: Canvas, index: int, count: int, page_width: float, page_height: float) -> None:
        strip_width = self.width / count
        draw_inked(
            canvas,
            self.strip(index, count),
            page_width - strip_width,
            (page_height - self.height) / 2,
            strip_width,
            self.height,
        )
