"""One party's block on the signing page: 甲方（盖章）, 甲方代表签字, 日期, with the user's seal over the seal
caption and the user's signature by the representative's name, at real size."""

from __future__ import annotations

from reportlab.lib.textsplit import getCharWidths
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.codecs.pdf.paragraph import break_lines
from app.codecs.pdf.seals import draw_image
from app.codecs.pdf.styles import SEAL_DIAMETER, SIGNATURE_HEIGHT, Styles
from app.domain import Contract
from app.values.images import open_image

LABELS = {"a": "甲方", "b": "乙方"}
LINE_SIZE = 13
MIN_LINE_SIZE = 9
BLOCK_HEIGHT = 58 * mm


def date_line(contract: Contract, role: str) -> str:
    day = contract.signing(role).date
    if day is None:
        return "日期：　　　　年　　月　　日"
    return f"日期：{day.year}年{day.month}月{day.day}日"


def fit_line(prefix: str, value: str, font: str, width: float) -> tuple[float, list[str]]:
    """The size and lines that keep `prefix` + `value` inside `width`: a long party name or signatory wraps
    under itself (at most two lines, smaller type if needed) instead of running off the printed page."""
    size = LINE_SIZE
    while True:
        room = width - stringWidth(prefix, font, size)
        lines = [line for _space, line in break_lines(value, getCharWidths(value, font, size), [room])] or [""]
        if len(lines) <= 2 or size <= MIN_LINE_SIZE:
            return size, lines
        size -= 1


class SigningBlock(Flowable):
    """Drawn directly on the canvas so that the images land at exact positions relative to the text."""

    def __init__(self, contract: Contract, role: str, styles: Styles) -> None:
        super().__init__()
        self.contract, self.role = contract, role
        self.font = styles.body.fontName
        signing = contract.signing(role)
        self.seal = open_image(signing.seal_image, f"signing.{role}.seal_image") if signing.seal_image else None
        self.signature = (
            open_image(signing.signature_image, f"signing.{role}.signature_image") if signing.signature_image else None
        )

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, BLOCK_HEIGHT

    def parts(self) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
        """(caption, value) of the seal, signature and date lines."""
        label = LABELS[self.role]
        signing = self.contract.signing(self.role)
        caption = signing.seal_caption or f"{label}（盖章）"
        day_caption, _sep, day = date_line(self.contract, self.role).partition("：")
        return (
            (f"{caption}：", self.contract.party(self.role).name),
            (f"{label}代表签字：", signing.signatory),
            (f"{day_caption}：", day),
        )

    def lines(self) -> tuple[str, str, str]:
        seal, sign, day = ("".join(p) for p in self.parts())
        return seal, sign, day

    def _draw_line(self, prefix: str, value: str, y: float) -> tuple[float, float]:
        """Draw one captioned line at baseline `y`; returns the end of its text and the last baseline."""
        c = self.canv
        size, lines = fit_line(prefix, value, self.font, self.width)
        indent = stringWidth(prefix, self.font, size)
        c.setFont(self.font, size)
        c.drawString(0, y, prefix)
        for k, line in enumerate(lines):
            c.drawString(indent, y - k * size * 1.3, line)
        return indent + stringWidth(lines[-1], self.font, size), y - (len(lines) - 1) * size * 1.3

    def draw(self) -> None:
        seal_part, sign_part, day_part = self.parts()
        y1, y2, y3 = BLOCK_HEIGHT - 12 * mm, BLOCK_HEIGHT - 32 * mm, BLOCK_HEIGHT - 50 * mm
        seal_end, _ = self._draw_line(*seal_part, y1)
        sign_end, sign_y = self._draw_line(*sign_part, y2)
        self._draw_line(*day_part, y3)
        if self.seal is not None:
            # Stamped over the caption and party name, as a clerk stamps the printed page.
            cx = min(max(seal_end * 0.6, SEAL_DIAMETER / 2 + 20 * mm), self.width - SEAL_DIAMETER / 2)
            draw_image(self.canv, self.seal, cx, y1 + LINE_SIZE * 0.35, SEAL_DIAMETER)
        if self.signature is not None:
            width = SIGNATURE_HEIGHT * self.signature.width / self.signature.height
            x = min(sign_end + 4 * mm, self.width - width)  # over the end of a long name rather than off the page
            draw_image(self.canv, self.signature, x + width / 2, sign_y + LINE_SIZE * 0.35, width)
