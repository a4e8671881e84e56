"""Reading exported PDFs as a user's tools do: pdftotext, pdffonts, pdfimages (poppler-utils)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

FOOTER = re.compile(r"^第 (\d+) 页 共 (\d+) 页$")


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(path), "-"], capture_output=True, check=True, text=True).stdout


def pages_text(path: Path) -> list[str]:
    """One string per page (pdftotext separates pages with a form feed)."""
    return pdftotext(path).split("\f")[:-1]


def footers(path: Path) -> list[tuple[int, int] | None]:
    out = []
    for page in pages_text(path):
        found = [FOOTER.match(line.strip()) for line in page.splitlines()]
        match = next((m for m in found if m), None)
        out.append((int(match.group(1)), int(match.group(2))) if match else None)
    return out


def body_text(path: Path, number: str) -> str:
    """The document's text without page headers and footers, all whitespace removed (line wraps differ)."""
    kept = [
        line
        for page in pages_text(path)
        for line in page.splitlines()
        if line.strip() != number and not FOOTER.match(line.strip())
    ]
    return re.sub(r"\s+", "", "".join(kept))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID: read from the right, the name from the left
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def page_images(path: Path) -> dict[int, int]:
    """Page number → count of images (not soft masks) drawn on it."""
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True).stdout
    counts: dict[int, int] = {}
    for line in out.splitlines()[2:]:
        parts = line.split()
        if parts[2] == "image":
            counts[int(parts[0])] = counts.get(int(parts[0]), 0) + 1
    return counts


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def word_boxes(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, x_min, y_min, x_max, y_max) of every word pdftotext finds on `page`, in points from the top left."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, check=True, text=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out)
    return [(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in words]
