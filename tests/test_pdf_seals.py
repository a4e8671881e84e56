"""Seal and signature images on the signing page, and the cross-page seal strips on every page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.errors import UserError
from app.export.pdf import PdfOptions, export_pdf
from app.export.pdf.seals import CrossPageSeal
from app.sample import sample_contract
from tests.pdf_specimens import specimen_seal_png, specimen_signature_png
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
