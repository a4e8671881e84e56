"""Draw the app icon (a red seal-like square with 合) as contractdesk.png and a multi-size contractdesk.ico.

Run from the repository root: `python resources/icons/make_icon.py`. Uses the bundled CJK font.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "fonts" / "NotoSerifCJKsc-Bold.ttf"
RED = (192, 32, 38, 255)
SIZE = 256


def draw(size: int = SIZE) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    pad, radius = size // 16, size // 6
    d.rounded_rectangle((pad, pad, size - pad, size - pad), radius=radius, fill=RED)
    inner = size // 7
    d.rounded_rectangle((inner, inner, size - inner, size - inner), radius=radius // 2, outline=(255, 255, 255, 255),
                        width=max(2, size // 40))
    font = ImageFont.truetype(str(FONT), int(size * 0.5))
    d.text((size / 2, size / 2 + size * 0.02), "合", font=font, fill=(255, 255, 255, 255), anchor="mm")
    return image


if __name__ == "__main__":
    icon = draw()
    icon.save(HERE / "contractdesk.png")
    icon.save(HERE / "contractdesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print("wrote", HERE / "contractdesk.png", HERE / "contractdesk.ico")
