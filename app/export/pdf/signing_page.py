"""One party's block on the signing page: 甲方（盖章）, 甲方代表签字, 日期, with the user's seal over the seal
caption and the user's signature by the representative's name, at real size."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.domain import Contract
from app.export.pdf.seals import draw_image, open_image
from app.export.pdf.styles import SEAL_DIAMETER, SIGNATURE_HEIGHT, Styles

LABELS = {"a": "甲方", "b": "乙方"}
LINE_SIZE = 13
BLOCK_HEIGHT = 58 * mm


def date_line(contract: Contract, role: str) -> str:
    day = contract.signing(role).date
    if day is None:
        return "日期：　　　　年　　月　　日"
    return f"日期：{day.year}年{day.month}月{day.day}日"


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

    def lines(self) -> tuple[str, str, str]:
        label = LABELS[self.role]
        signing = self.contract.signing(self.role)
        caption = signing.seal_caption or f"{label}（盖章）"
        return (
            f"{caption}：{self.contract.party(self.role).name}",
            f"{label}代表签字：{signing.signatory}",
            date_line(self.contract, self.role),
        )

    def draw(self) -> None:
        c = self.canv
        c.setFont(self.font, LINE_SIZE)
        seal_line, sign_line, day_line = self.lines()
        y1, y2, y3 = BLOCK_HEIGHT - 12 * mm, BLOCK_HEIGHT - 32 * mm, BLOCK_HEIGHT - 50 * mm
        c.drawString(0, y1, seal_line)
        c.drawString(0, y2, sign_line)
        c.drawString(0, y3, day_line)
        if self.seal is not None:
            # Stamped over the caption and party name, as a clerk stamps the printed page.
            caption_width = stringWidth(seal_line, self.font, LINE_SIZE)
            cx = min(max(caption_width * 0.6, SEAL_DIAMETER / 2 + 20 * mm), self.width - SEAL_DIAMETER / 2)
            draw_image(c, self.seal, cx, y1 + LINE_SIZE * 0.35, SEAL_DIAMETER)
        if self.signature is not None:
            x = stringWidth(sign_line, self.font, LINE_SIZE) + 4 * mm
            width = SIGNATURE_HEIGHT * self.signature.width / self.signature.height
            draw_image(c, self.signature, x + width / 2, y2 + LINE_SIZE * 0.35, width)
