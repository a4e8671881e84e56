"""Hostile and damaged input for every importer (JSON, Excel cost tables, attached PDFs, seal images):
each input ends in a result or a UserError naming the problem: no other exception, no hang, no partial
write. Bounded (hypothesis example counts and a per-case time limit) so the file runs in under a minute."""

from __future__ import annotations

import copy
import functools
import io
import json
import signal
import struct
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.base.errors import UserError
from app.codecs.json_codec import dumps, loads
from app.codecs.xlsx_import import read_cost_table
from app.store import contracts
from app.values.annex_pdf import check_pdf
from app.values.images import MAX_PIXELS, open_image

from .conftest import SAMPLE_NUMBER

CASE_SECONDS = 10
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])



@contextmanager
def time_limit(seconds: int = CASE_SECONDS):
    """Fail (instead of hanging the suite) if one input takes longer than `seconds` to parse."""

    def expired(_signum, _frame):
        raise TimeoutError(f"parsing took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _outcome(parse, data):
    """The parsed value, or None for a clean UserError; anything else fails the test."""
    with time_limit():
        try:
            return parse(data)
        except UserError as exc:
            assert exc.message.strip(), "a UserError says what is wrong"
            return None


@functools.cache
def _sample_json_text() -> str:
    from app.codecs.sample import sample_contract

    return dumps(sample_contract())


@pytest.fixture
def sample_json() -> dict:
    """The sample document (a fixture value hypothesis does not print: failures show only the edits)."""
    return json.loads(_sample_json_text())


def _mutate_bytes(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    buf = bytearray(data)
    for pos, chunk in edits:
        at = pos % (len(buf) + 1)
        buf[at : at + len(chunk)] = chunk
    return bytes(buf)


EDITS = st.lists(st.tuples(st.integers(0, 10**7), st.binary(min_size=0, max_size=8)), min_size=1, max_size=6)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


# ------------------------------------------------------------------ JSON


@FUZZ
@given(value=JSON_VALUES)
def test_json_random_documents(value):
    _outcome(loads, json.dumps(value))


@FUZZ
@given(edits=EDITS)
def test_json_mutated_bytes_of_the_real_file(sample_json, edits):
    _outcome(loads, _mutate_bytes(json.dumps(sample_json, ensure_ascii=False).encode(), edits))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_json_one_field_replaced_anywhere(sample_json, data):
    paths = [p for p in _paths(sample_json) if p]
    path = data.draw(st.sampled_from(paths))
    doc = copy.deepcopy(sample_json)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(JSON_VALUES)
    _outcome(loads, json.dumps(doc))


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_a_refused_or_accepted_import_never_half_writes(db, sample_json, data):
    paths = [p for p in _paths(sample_json) if p and p[0] in ("payments", "annexes", "clauses", "parties", "total")]
    path = data.draw(st.sampled_from(paths))
    doc = copy.deepcopy(sample_json)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(JSON_VALUES)
    before = dumps(contracts.load(db, SAMPLE_NUMBER))
    contract = _outcome(loads, json.dumps(doc))
    if contract is None:
        assert dumps(contracts.load(db, SAMPLE_NUMBER)) == before
        return
    with time_limit():
        try:
            contracts.save(db, contract, replace=True)
        except UserError:
            assert dumps(contracts.load(db, SAMPLE_NUMBER)) == before
            return
    assert dumps(contracts.load(db, contract.number)) == dumps(contract)
    contracts.save(db, loads(before), replace=True)


# ------------------------------------------------------------------ Excel cost tables


@functools.cache
def _exported_xlsx() -> bytes:
    import tempfile

    from app.codecs.sample import sample_contract
    from app.codecs.xlsx import export_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "packet.xlsx"
        export_xlsx(sample_contract(), path)
        return path.read_bytes()


class _Bytes(bytes):
    def __repr__(self) -> str:  # keep hypothesis' failure reports readable
        return f"<{len(self)} bytes>"


@pytest.fixture
def exported_xlsx() -> bytes:
    return _Bytes(_exported_xlsx())


SHEETS = "xl/worksheets/sheet"


def _rezip(data: bytes, prefix: str, edit) -> bytes:
    """The workbook with `edit` applied to every member whose name starts with `prefix`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info.filename, edit(content) if info.filename.startswith(prefix) else content)
    return out.getvalue()


def _read_table(tmp: Path, data: bytes):
    path = tmp / "table.xlsx"
    path.write_bytes(data)
    return read_cost_table(path)


def test_the_exported_workbook_imports(tmp_path, exported_xlsx):
    from app.codecs.sample import sample_contract

    assert _read_table(tmp_path, exported_xlsx).rows == sample_contract().annexes[2].table


@settings(FUZZ, max_examples=40)
@given(edits=EDITS)
def test_excel_mutated_bytes(tmp_path, exported_xlsx, edits):
    _outcome(lambda d: _read_table(tmp_path, d), _mutate_bytes(exported_xlsx, edits))


@settings(FUZZ, max_examples=40)
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.text(max_size=12).map(str.encode)), min_size=1, max_size=5))
def test_excel_mutated_sheet_xml(tmp_path, exported_xlsx, edits):
    data = _rezip(exported_xlsx, SHEETS, lambda xml: _mutate_bytes(xml, edits))
    _outcome(lambda d: _read_table(tmp_path, d), data)


def test_excel_zip_bomb_and_entity_expansion_are_refused(tmp_path, exported_xlsx):
    bomb = _rezip(exported_xlsx, SHEETS, lambda xml: xml + b" " * (300 * 1024 * 1024))
    with pytest.raises(UserError):
        _read_table(tmp_path, bomb)
    lol = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    dtd = _rezip(exported_xlsx, SHEETS, lambda xml: lol + (xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml))
    with pytest.raises(UserError):
        _read_table(tmp_path, dtd)


# ------------------------------------------------------------------ attached PDFs


def _small_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(72, 720, "附件 attached")
    c.showPage()
    c.save()
    return buf.getvalue()


def _attach(data: bytes):
    from app.codecs.pdf.annexes import _attached_reader
    from app.domain import Annex

    check_pdf(data, "annex:1")
    return len(_attached_reader(Annex("1", "x", text="", pdf=data)).pages)


def test_the_real_pdf_attaches():
    assert _attach(_small_pdf()) == 1


@settings(FUZZ, max_examples=60)
@given(edits=EDITS)
def test_pdf_mutated_bytes(edits):
    _outcome(_attach, _mutate_bytes(_small_pdf(), edits))


def test_pdf_size_is_capped():
    from app.values.annex_pdf import MAX_PDF_BYTES

    with pytest.raises(UserError, match="larger than"):
        check_pdf(b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES, "annex:1")


# ------------------------------------------------------------------ seal images


def _png(width: int = 24, height: int = 24) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 0, 0, 255)).save(buf, "PNG")
    return buf.getvalue()


@settings(FUZZ, max_examples=60)
@given(edits=EDITS)
def test_seal_image_mutated_bytes(edits):
    _outcome(lambda d: open_image(d, "signing.a.seal_image"), _mutate_bytes(_png(), edits))


def test_seal_image_pixel_bomb_is_refused():
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    side = int(MAX_PIXELS**0.5) + 100
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    with time_limit(), pytest.raises(UserError, match="too large"):
        open_image(bomb, "signing.a.seal_image")


# ------------------------------------------------------------------ files inside a JSON document


@settings(FUZZ, max_examples=40)
@given(image_edits=EDITS, pdf_edits=EDITS)
def test_json_files_are_refused_at_import_or_pass_the_export_checks(sample_json, image_edits, pdf_edits):
    """A damaged seal image or annex PDF in a document is refused by `import`, not later by the PDF export."""
    import base64

    image, pdf = _mutate_bytes(_png(), image_edits), _mutate_bytes(_small_pdf(), pdf_edits)
    doc = copy.deepcopy(sample_json)
    doc["signing"]["b"]["seal_image"] = base64.b64encode(image).decode("ascii")
    doc["annexes"][0]["pdf"] = base64.b64encode(pdf).decode("ascii")
    contract = _outcome(loads, json.dumps(doc, ensure_ascii=False))
    if contract is None:
        return
    assert contract.signing_b.seal_image == image and contract.annexes[0].pdf == pdf
    open_image(image, "signing.b.seal_image")
    check_pdf(pdf, "annex:1")
