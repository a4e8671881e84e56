"""Seal and signature images that are not PNG or JPEG (issue 22, item 3): refused by their bytes, in one line
naming the field, without any of Pillow's other decoders (EPS goes to Ghostscript) ever seeing them."""

from __future__ import annotations

import base64
import io
import json
import struct

import pytest
from PIL import EpsImagePlugin, Image

from app.base.errors import UserError
from app.codecs.json_codec import dumps
from app.rules.fields import parse_value
from app.values.images import MAX_PIXELS, open_image
from tests.pdf_specimens import specimen_seal_png, specimen_seal_scan_jpeg

pytestmark = pytest.mark.hostile
OTHER_FORMATS = ["EPS", "GIF", "BMP", "TIFF", "WEBP", "ICO", "PCX", "SGI", "TGA"]


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 0, 0)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", OTHER_FORMATS)
def test_other_image_formats_are_refused_naming_the_field(fmt):
    data = _image(fmt)
    with pytest.raises(UserError) as refused:
        open_image(data, "signing.b.seal_image")
    assert refused.value.where == "signing.b.seal_image"
    assert "only PNG and JPEG" in refused.value.message
    with pytest.raises(UserError, match="only PNG and JPEG"):
        parse_value("signing.a.signature_image", data)


def test_an_eps_seal_never_reaches_the_postscript_decoder(monkeypatch, sample, cli, tmp_path):
    opened = []
    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", lambda self: opened.append(1) or 1 / 0)
    with pytest.raises(UserError):
        open_image(_image("EPS"), "signing.b.seal_image")
    assert opened == []
    # the same through `import`: a base64 EPS seal in a JSON file is refused, one line, nothing stored
    doc = json.loads(dumps(sample))
    doc["signing"]["b"]["seal_image"] = base64.b64encode(_image("EPS")).decode("ascii")
    path = tmp_path / "eps-seal.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = cli("import", str(path), "--replace")
    assert result.code == 2 and "Traceback" not in result.err, result
    assert result.err.count("\n") == 1 and "signing.b.seal_image" in result.err


def test_png_and_jpeg_are_still_accepted():
    for data in (specimen_seal_png(120), specimen_seal_scan_jpeg(120)):
        assert open_image(data, "signing.a.seal_image").size == (120, 120)


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A JPEG whose frame header claims `width`×`height` (the rest of the real file follows)."""
    real = specimen_seal_scan_jpeg(64)
    sof = real.index(b"\xff\xc0")
    return real[: sof + 5] + struct.pack(">HH", height, width) + real[sof + 9 :]


def test_pixel_counts_are_capped_before_any_decoder_runs(monkeypatch):
    side = int(MAX_PIXELS**0.5) + 100
    bomb = _jpeg_claiming(side, side)
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened an image over the pixel cap"))
    with pytest.raises(UserError, match="too large"):
        open_image(bomb, "signing.a.seal_image")
