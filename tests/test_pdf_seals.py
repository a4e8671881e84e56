"""Seal and signature images on the signing page, and the cross-page seal strips on every page."""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.base.errors import UserError
from app.codecs.pdf import PdfOptions, export_pdf
from app.codecs.pdf.seals import CrossPageSeal
from app.codecs.pdf.styles import MARGIN_RIGHT, PAGE_WIDTH
from app.codecs.sample import sample_contract
from tests.pdf_specimens import specimen_seal_png, specimen_seal_scan_jpeg, specimen_signature_png
from tests.pdf_tools import page_count, page_images, pages_text, squash

MM = 72 / 25.4


def image_placements(pdf: Path, page_index: int) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) in points of each image drawn on a page, from the content stream's matrices."""
    page = PdfReader(pdf).pages[page_index]
    found = []

    def visit(op, args, cm, tm):
        if op == b"Do":
            found.append((cm[4], cm[5], cm[0], cm[3]))

    page.extract_text(visitor_operand_before=visit)
    return found


def signing_index(pdf: Path) -> int:
    return next(i for i, p in enumerate(pages_text(pdf)) if "签字页" in squash(p)[:40])


def test_sample_without_images_has_no_image_on_the_signing_page(tmp_path):
    out = tmp_path / "plain.pdf"
    export_pdf(sample_contract(), out)
    assert page_images(out) == {}


def test_seal_and_signature_land_on_the_signing_page_at_real_size(tmp_path):
    contract = sample_contract()
    contract.signing_a.seal_image = specimen_seal_png()
    contract.signing_b.seal_image = specimen_seal_png()
    contract.signing_b.signature_image = specimen_signature_png()
    out = tmp_path / "sealed.pdf"
    export_pdf(contract, out)
    index = signing_index(out)
    assert page_images(out) == {index + 1: 3}
    placed = image_placements(out, index)
    seals = [p for p in placed if abs(p[2] - p[3]) < 0.01]
    assert len(seals) == 2
    for _x, _y, width, _height in seals:
        assert width == pytest.approx(42 * MM, rel=0.01)
    a_seal, b_seal = sorted(seals, key=lambda p: -p[1])
    assert a_seal[1] > b_seal[1]  # party A's block is above party B's
    (signature,) = [p for p in placed if p not in seals]
    assert signature[3] == pytest.approx(14 * MM, rel=0.01)
    assert b_seal[1] > signature[1]  # signature line below B's seal caption


def test_bad_seal_image_is_a_user_error_naming_the_field(tmp_path):
    contract = sample_contract()
    contract.signing_b.seal_image = b"not an image"
    with pytest.raises(UserError) as err:
        export_pdf(contract, tmp_path / "x.pdf")
    assert err.value.where == "signing.b.seal_image"


def test_cross_page_seal_puts_one_strip_on_every_page(tmp_path):
    seal = tmp_path / "seal.png"
    seal.write_bytes(specimen_seal_png(401))
    out = tmp_path / "cross.pdf"
    export_pdf(sample_contract(), out, PdfOptions(cross_page_seal=seal))
    pages = page_count(out)
    assert page_images(out) == {n: 1 for n in range(1, pages + 1)}
    reader = PdfReader(out)
    total_width = 0.0
    for index in range(pages):
        (x, _y, width, height) = image_placements(out, index)[0]
        assert x + width == pytest.approx(float(reader.pages[index].mediabox.width))  # on the right edge
        assert height == pytest.approx(42 * MM, rel=0.01)
        total_width += width
    assert total_width == pytest.approx(42 * MM, rel=0.01)


def test_strips_put_back_together_give_the_whole_seal(tmp_path):
    seal = tmp_path / "seal.png"
    seal.write_bytes(specimen_seal_png(401))
    cut = CrossPageSeal(seal)
    strips = [cut.strip(i, 11) for i in range(11)]
    assert sum(s.width for s in strips) == 401
    joined = Image.new("RGBA", (401, 401))
    x = 0
    for s in strips:
        joined.paste(s, (x, 0))
        x += s.width
    assert joined.tobytes() == Image.open(io.BytesIO(seal.read_bytes())).convert("RGBA").tobytes()


def test_missing_cross_page_seal_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError) as err:
        export_pdf(sample_contract(), tmp_path / "x.pdf", PdfOptions(cross_page_seal=tmp_path / "nope.png"))
    assert "nope.png" in err.value.where
    assert not (tmp_path / "x.pdf").exists()


def word_right_edges(pdf: Path, page: int) -> dict[str, float]:
    """Each word pdftotext finds on a page (1-based) → its right edge in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return {
        html.unescape(m[2]): float(m[1]) for m in re.finditer(r'<word [^>]*xMax="([\d.]+)"[^>]*>([^<]*)</word>', out)
    }


def test_a_long_party_name_and_signatory_stay_inside_the_right_margin(tmp_path):
    contract = sample_contract()
    contract.party_b.name = "中国移动通信集团河南有限公司安阳分公司汤阴县营业部政企客户服务中心第二项目组"
    contract.signing_b.signatory = "邵晓（委托代理人，授权书编号：HA-2025-000441-汤阴县公安局）"
    contract.signing_b.signature_image = specimen_signature_png()
    out = tmp_path / "long.pdf"
    export_pdf(contract, out)
    index = signing_index(out)
    words = word_right_edges(out, index + 1)
    right_margin = PAGE_WIDTH - MARGIN_RIGHT
    assert max(words.values()) <= right_margin + 1, words
    text = squash(pages_text(out)[index])
    assert squash(contract.party_b.name) in text and squash(contract.signing_b.signatory) in text
    [(x, _y, width, _h)] = image_placements(out, index)
    assert x + width <= right_margin + 1


def dark_pixels(pdf: Path, page: int, tmp_path: Path) -> set[tuple[int, int]]:
    """Pixels of a page (1-based) rendered at 60 dpi by poppler that are darker than mid-grey."""
    prefix = tmp_path / f"{pdf.stem}-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    image = Image.open(prefix.with_suffix(".png")).convert("L")
    return {(x, y) for y in range(image.height) for x in range(image.width) if image.getpixel((x, y)) < 128}


def test_a_seal_scanned_on_white_paper_leaves_the_text_under_it_readable(tmp_path):
    plain = tmp_path / "plain.pdf"
    export_pdf(sample_contract(), plain)
    contract = sample_contract()
    contract.signing_a.seal_image = specimen_seal_scan_jpeg()
    sealed = tmp_path / "sealed.pdf"
    export_pdf(contract, sealed)
    index = signing_index(sealed)
    text = dark_pixels(plain, index + 1, tmp_path)
    still_dark = text & dark_pixels(sealed, index + 1, tmp_path)
    assert len(still_dark) / len(text) > 0.98  # no white square over 甲方（盖章）：汤阴县公安局


def sideways_phone_photo(png: bytes) -> bytes:
    """The image as a phone stores it: pixels turned a quarter, EXIF Orientation 6 saying "turn to view"."""
    image = Image.open(io.BytesIO(png)).convert("RGB").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def test_a_sideways_phone_photo_of_the_signature_prints_upright(tmp_path):
    contract = sample_contract()
    contract.signing_b.signature_image = sideways_phone_photo(specimen_signature_png())
    out = tmp_path / "photo.pdf"
    export_pdf(contract, out)
    [(_x, _y, width, height)] = image_placements(out, signing_index(out))
    assert width / height == pytest.approx(360 / 120, rel=0.01)  # as wide as the signature, not as tall
    assert height == pytest.approx(14 * MM, rel=0.01)


def test_an_unknown_exif_orientation_prints_the_image_as_stored(tmp_path):
    image = Image.open(io.BytesIO(specimen_signature_png())).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 99  # not one of the eight orientations
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    contract = sample_contract()
    contract.signing_b.signature_image = buf.getvalue()
    out = tmp_path / "odd-exif.pdf"
    export_pdf(contract, out)
    [(_x, _y, width, height)] = image_placements(out, signing_index(out))
    assert width / height == pytest.approx(360 / 120, rel=0.01)


def image_sizes(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image stored in the PDF, from pdfimages -list."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True, text=True).stdout
    return [(int(p[3]), int(p[4])) for p in (line.split() for line in out.splitlines()[2:]) if p[2] == "image"]


def test_a_phone_sized_seal_photo_is_stored_at_print_resolution(tmp_path):
    photo = specimen_seal_png(2400)  # 2400 px across 42 mm is about 1450 dpi
    (tmp_path / "seal.png").write_bytes(photo)
    contract = sample_contract()
    contract.signing_a.seal_image = photo
    out = tmp_path / "photo-seal.pdf"
    export_pdf(contract, out, PdfOptions(cross_page_seal=tmp_path / "seal.png"))
    sizes = image_sizes(out)
    most = round(42 / 25.4 * 600) + 1  # 600 dpi over 42 mm
    assert (most - 1, most - 1) in sizes  # the signing-page seal
    assert all(w <= most and h <= most for w, h in sizes), sizes
    strips = [(w, h) for w, h in sizes if w < most // 2]
    assert len(strips) == page_count(out)
    assert sum(w for w, _h in strips) == pytest.approx(most - 1, abs=2)  # the strips still make up the whole seal
