"""Chinese line breaking in the PDF (禁则) and blank fill-ins that keep their width."""

from __future__ import annotations

import subprocess

import pytest

from app.codecs.pdf import export_pdf
from app.codecs.pdf.paragraph import NO_LINE_END, NO_LINE_START, ChineseParagraph, break_lines
from app.codecs.sample import sample_contract


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("甲乙丙，丁", 3, ["甲乙丙，", "丁"]),  # the comma hangs rather than start a line
        ("甲乙丙）。丁", 3, ["甲乙", "丙）。", "丁"]),  # two closing marks: carry a character down with them
        ("甲乙《丙丁》", 3, ["甲乙", "《丙丁》"]),  # an opening mark never ends a line
        ("甲乙丙丁戊己", 3, ["甲乙丙", "丁戊己"]),
    ],
)
def test_break_lines_follows_the_rules(text, width, expected):
    lines = break_lines(text, [10.0] * len(text), [width * 10.0])
    assert [line for _space, line in lines] == expected


def test_the_sample_packet_never_starts_a_line_with_a_closing_mark(tmp_path):
    out = tmp_path / "sample.pdf"
    export_pdf(sample_contract(), out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    starts = [line for line in lines if line[0] in NO_LINE_START]
    ends = [line for line in lines if line[-1] in NO_LINE_END]
    assert not starts, starts[:5]
    assert not ends, ends[:5]


def test_a_blank_fill_in_keeps_its_two_full_width_spaces(tmp_path):
    from app.codecs.pdf.fonts import choose_fonts, register
    from app.codecs.pdf.styles import make_styles

    body, heading = register(choose_fonts())
    style = make_styles(body, heading).cover_line
    blank = ChineseParagraph("甲方合同编号：【\u3000\u3000】", style)
    filled = ChineseParagraph("甲方合同编号：【甲乙】", style)
    assert blank.minWidth() == pytest.approx(filled.minWidth(), rel=0.02)  # room to write two characters by hand
    out = tmp_path / "sample.pdf"
    export_pdf(sample_contract(), out)
    page = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    line = next(line for line in page.splitlines() if "甲方合同编号" in line)
    assert line.index("】") - line.index("【") >= 4  # not 【 】
