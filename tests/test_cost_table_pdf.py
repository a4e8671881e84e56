"""The printed cost table with sections, 按实结算 rows, discounts and VAT: what pdftotext reads, columns only when
used, page breaks that repeat the header and never leave a section title at a page's foot, and numbers that stay
inside their cells however large."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.codecs.pdf import cost_table as pdf_cost_table
from app.codecs.pdf import export_pdf
from app.codecs.pdf.fonts import bundled_fonts, register
from app.codecs.pdf.styles import MARGIN_BOTTOM, MARGIN_LEFT, make_styles
from app.codecs.sample import sample_contract
from app.domain import CostRow, CostTable, RowKind

from .cost_tables import use_showcase
from .pdf_tools import page_count, pages_text, squash, word_boxes

D = Decimal
DISCOUNT_HEADERS = ("基准单价（元）", "折扣率", "折扣单价（元）")
VAT_HEADERS = ("不含税金额（元）", "税率", "税额（元）", "含税金额（元）")


def _table_text(path) -> str:
    pages = pages_text(path)
    first = next(i for i, p in enumerate(pages) if "附件3：费用明细表" in p)
    return "\n".join(pages[first:])


def _layout_lines(path) -> list[str]:
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout
    return [re.sub(r"\s+", " ", line).strip() for line in out.splitlines()]


def _finder(path):
    """line_with(*parts): the first line of the PDF (as laid out) holding all parts, or the test fails."""
    lines = _layout_lines(path)

    def line_with(*parts: str) -> str:
        found = [line for line in lines if all(p in line for p in parts)]
        assert found, parts
        return found[0]

    return line_with


def test_the_showcase_prints_sections_subtotals_settled_rows_discount_and_vat(tmp_path, sample):
    use_showcase(sample)
    out = tmp_path / "showcase.pdf"
    export_pdf(sample, out)
    text = squash(_table_text(out))
    for title in (*DISCOUNT_HEADERS, *VAT_HEADERS):
        assert title in text
    line_with = _finder(out)
    # sections with their subtotals (net, tax, gross) on their own line, three levels deep
    line_with("一", "绿化、卫生保洁部分", "254,522.60", "17,547.94", "272,070.54")
    line_with("1", "绿化维护", "32,522.60", "4,227.94", "36,750.54")
    line_with("1.1", "乔木养护", "14,601.00", "1,898.13", "16,499.13")
    # items: base price, discounted price, amount, rate, tax, gross
    line_with("草坪养护", "5600.5", "3.20", "17,921.60", "13%", "2,329.81", "20,251.41")
    line_with("卫生保洁", "18,500.00", "222,000.00", "6%", "13,320.00")
    # the section settled on actual quantities: its discount, discounted prices half up, no amounts
    line_with("二", "零星维修部分（按实结算）", "95.5%", "按实结算")
    line_with("95.00", "95.5%", "90.73")
    line_with("42.50", "95.5%", "40.59")
    assert text.count("按实结算") >= 7  # the section's title and subtotal, the three rows' quantities and amounts
    line_with("合计", "254,522.60", "17,547.94", "¥272,070.54")
    assert "合计金额（大写）：人民币贰拾柒万贰仟零柒拾元零伍角肆分" in text
    assert "合同金额上限：¥300,000.00（大写：人民币叁拾万元整）" in text
    assert "按行四舍五入到分" in text


def test_a_flat_table_prints_its_columns_as_before(tmp_path, sample):
    out = tmp_path / "flat.pdf"
    export_pdf(sample, out)
    text = squash(_table_text(out))
    _finder(out)("序号", "项目", "规格/内容", "单位", "数量", "单价（元）", "金额（元）", "备注")
    for title in (*DISCOUNT_HEADERS[1:], *VAT_HEADERS):
        assert title not in text
    _finder(out)("合计", "¥4,273,290.00")
    assert "按行四舍五入" not in text


def test_discount_columns_appear_without_vat_columns(tmp_path, sample):
    rows = list(sample.annex("3").table)
    sample.annex("3").table = CostTable(rows, discount=D("0.9"))
    out = tmp_path / "discount.pdf"
    export_pdf(sample, out)
    text = squash(_table_text(out))
    assert all(t in text for t in DISCOUNT_HEADERS) and not any(t in text for t in VAT_HEADERS)
    _finder(out)("1,424,430.00", "90%", "1,281,987.00", "1,281,987.00")  # 基准单价 × 90 % = 折扣单价, the amount
    assert "¥3,845,961.00" in text


def _column_edges(rows, contract) -> list[tuple[float, float]]:
    styles = make_styles(*register(bundled_fonts()))
    paged = pdf_cost_table.cost_table(rows, styles, contract_total=contract.total)[0]
    x = MARGIN_LEFT + 6  # the frame's padding
    edges = []
    for width in paged.widths:
        edges.append((x, x + width))
        x += width
    return edges


NUMBER = re.compile(r"^¥?[\d,]+(\.\d+)?%?,?$")


@pytest.mark.parametrize("kind", ["flat", "discount and VAT"])
def test_the_largest_numbers_stay_inside_their_cells(tmp_path, kind):
    """A quantity of 1234.5678, a unit price of 99,999,999.99, row amounts over 1,000,000,000 and a total over
    100,000,000: every number printed lies within one column, clear of its borders."""
    contract = sample_contract()
    rows = [CostRow("服务器", "机架式", "台", D("1234.5678"), D("99999999.99"), "大额"),
            CostRow("数据中心建设工程总承包", "含土建、机电、智能化", "项", D("11"), D("99999999.99"), ""),
            CostRow("运维", "", "年", D("1"), D("0.01"), "")]
    contract.annex("3").table = rows if kind == "flat" else CostTable(rows, discount=D("0.955"), vat_rate=D("0.13"))
    out = tmp_path / "large.pdf"
    export_pdf(contract, out)
    edges = _column_edges(contract.annex("3").table, contract)
    page = page_count(out)
    foot = 842 - MARGIN_BOTTOM  # the page footer (第 11 页) is below the frame
    words = [w for w in word_boxes(out, page) if NUMBER.match(w[0]) and w[4] < foot]
    assert any(w[0] in ("123,456,779,987.65", "¥124,556,779,987.55", "724,887.55") for w in words)
    for text, x0, _y0, x1, _y1 in words:
        inside = [(a, b) for a, b in edges if a + 1 <= x0 and x1 <= b - 1]
        assert inside, f"{text} at {x0:.1f}–{x1:.1f} crosses a column border {edges}"


def _sectioned(n: int) -> CostTable:
    rows: list[CostRow] = []
    for s in range(1, n + 1):
        rows.append(CostRow(f"分部{s}", kind=RowKind.SECTION, quantity=None, no=str(s)))
        if s % 4 == 0:
            rows.append(CostRow(f"子分部{s}", kind=RowKind.SECTION, quantity=None, no=f"{s}.1", level=1))
        for k in range(1, s % 5 + 2):
            rows.append(CostRow(f"项目{s}-{k}", "规格", "台", D(k), D("100.00"), "", level=2 if s % 4 == 0 else 1))
    return CostTable(rows)


def _last_rows(path) -> list[str]:
    """The last table row on each page of the table (its item: 分部… for a section title)."""
    out = []
    for page in pages_text(path):
        names = re.findall(r"(子?分部\d+|项目\d+-\d+)", page)
        if names:
            out.append(names[-1])
    return out


def test_page_breaks_repeat_the_header_and_never_leave_a_section_title_at_the_foot(tmp_path, monkeypatch):
    contract = sample_contract()
    contract.annex("3").table = _sectioned(60)
    out = tmp_path / "long.pdf"
    export_pdf(contract, out)
    pages = [squash(p) for p in pages_text(out)]
    table_pages = [p for p in pages if re.search(r"分部\d+", p)]
    assert len(table_pages) >= 4
    titles = [t.removesuffix("（元）") for t in pdf_cost_table.COST_HEADER]  # 单价 / （元） may wrap in two lines
    assert all(title in p for p in table_pages for title in titles)
    assert all(name.startswith("项目") for name in _last_rows(out))
    # without the rule, some page of this table would end on a title: the test looks where it matters
    monkeypatch.setattr(pdf_cost_table.PagedTable, "split", _split_without_keep(pdf_cost_table.PagedTable.split))
    export_pdf(contract, tmp_path / "orphans.pdf")
    assert any("分部" in name for name in _last_rows(tmp_path / "orphans.pdf")[:-1])


def _split_without_keep(split):
    def plain(self, width, height):
        self.keep_with_next = [False] * len(self.rows)
        return split(self, width, height)
    return plain


def test_a_unit_of_several_characters_prints_on_one_line(tmp_path):
    """人·月 had printed 人· over 月 in the 单位 column; a unit of up to four characters now stays whole."""
    contract = sample_contract()
    contract.annex("3").table = [CostRow("运维服务", "驻场", "人·月", D("12"), D("15000.00"), ""),
                                 CostRow("云存储", "500TB", "TB·年", D("500"), D("120.00"), "")]
    out = tmp_path / "units.pdf"
    export_pdf(contract, out)
    page = page_count(out)
    words = [w[0] for w in word_boxes(out, page)]
    assert "人·月" in words and "TB·年" in words, words
