"""Files intake must refuse: one clear line each, in Chinese and in English, exit code 2, nothing stored, and
no hang — each refusal bounded in time (the test's timeout) and in memory (traced)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from app.cli import main

from .conftest import SAMPLE_NUMBER, database_digest
from .intake_samples import mof_goods_docx


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def not_a_contract(tmp_path):
    path = tmp_path / "recipe.txt"
    path.write_text("西红柿炒鸡蛋\n\n鸡蛋三个，西红柿两个，盐少许。\n先炒鸡蛋，再炒西红柿，最后混合翻炒。\n", encoding="utf-8")
    return path


def scanned_pdf(tmp_path):
    """A PDF whose pages are pictures: what a scanner writes."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    picture = io.BytesIO()
    Image.new("L", (200, 280), 230).save(picture, "PNG")
    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    for _ in range(2):
        canvas.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 20, 20, width=550, height=800)
        canvas.showPage()
    canvas.save()
    return path


def old_word(tmp_path):
    path = tmp_path / "合同.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    return path


def damaged_word(tmp_path):
    good = mof_goods_docx(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "damaged.docx"
    path.write_bytes(good[: len(good) // 2])
    return path


def huge(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    return path


def zip_bomb(tmp_path):
    """A real Word file with a 64 MB part of zeros that compresses to a few kilobytes."""
    good = mof_goods_docx(tmp_path / "good.docx")
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        with out.open("word/media/image1.bin", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(64):
                member.write(chunk)
    return path


def entity_bomb(tmp_path):
    good = mof_goods_docx(tmp_path / "good.docx")
    path = tmp_path / "entities.docx"
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
              b'<w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>')
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, laughs if info.filename == "word/document.xml" else src.read(info))
    return path


def binary(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 64)
    return path


CASES = {
    "not a contract": (not_a_contract, "this does not look like a contract", "看起来不是合同"),
    "scanned PDF": (scanned_pdf, "OCR", "OCR"),
    "old .doc": (old_word, "save it as .docx", ".docx"),
    "damaged .docx": (damaged_word, "damaged", "损坏"),
    "200 MB file": (huge, "larger than 50 MB", "50 MB"),
    "zip bomb": (zip_bomb, "zip bomb", "压缩"),
    "entity bomb": (entity_bomb, "DTD", "DTD"),
    "binary file": (binary, "not a text file", "不是文本文件"),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_with_one_line_and_nothing_stored(case, tmp_path, capsys, db_path):
    make, english, chinese = CASES[case]
    path = make(tmp_path)
    from app.ops.first_run import open_store

    open_store(db_path).close()
    before = database_digest(db_path)
    tracemalloc.start()
    try:
        code, out, err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(path), "--apply")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and english in err and path.name in err, err
    assert "Traceback" not in err
    assert peak < 80 * 1024 * 1024, f"{case}: {peak / 1e6:.0f} MB traced"
    code, _out, err = run(capsys, "--db", str(db_path), "--lang", "zh_CN", "intake", str(path))
    assert code == 2 and err.count("\n") == 1 and chinese in err and err.startswith("错误："), err
    assert database_digest(db_path) == before


def test_a_contract_number_that_exists_is_refused_and_nothing_changes(tmp_path, capsys, db_path):
    from app.codecs.docx import export_docx
    from app.codecs.sample import sample_contract
    from app.ops.first_run import open_store

    open_store(db_path).close()  # holds the sample
    before = database_digest(db_path)
    export_docx(sample_contract(), tmp_path / "sample.docx")
    code, _out, err = run(capsys, "--db", str(db_path), "--lang", "en", "intake", str(tmp_path / "sample.docx"), "--apply")
    assert code == 2 and SAMPLE_NUMBER in err and "already exists" in err
    assert database_digest(db_path) == before
