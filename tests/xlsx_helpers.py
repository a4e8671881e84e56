"""Helpers for the Excel tests: evaluate the exported formulas, patch a workbook's XML."""

from __future__ import annotations

import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl.utils import column_index_from_string

_ROUND_PRODUCT = re.compile(r"=ROUND\(([A-Z]+)(\d+)\*([A-Z]+)(\d+),2\)")
_PRODUCT = re.compile(r"=([A-Z]+)(\d+)\*([A-Z]+)(\d+)")
_SUM = re.compile(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)")


def evaluate(ws, ref: str) -> Decimal:
    """Value of a cell, computing the simple formulas the export writes (ROUND(a*b,2), a*b, SUM(range))."""
    value = ws[ref].value
    if isinstance(value, str) and value.startswith("="):
        if m := _ROUND_PRODUCT.fullmatch(value):
            product = evaluate(ws, f"{m[1]}{m[2]}") * evaluate(ws, f"{m[3]}{m[4]}")
            return product.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if m := _PRODUCT.fullmatch(value):
            return evaluate(ws, f"{m[1]}{m[2]}") * evaluate(ws, f"{m[3]}{m[4]}")
        if m := _SUM.fullmatch(value):
            col_a, col_b = column_index_from_string(m[1]), column_index_from_string(m[3])
            total = Decimal(0)
            for row in range(int(m[2]), int(m[4]) + 1):
                for col in range(col_a, col_b + 1):
                    cell = ws.cell(row=row, column=col)
                    if cell.value is not None:
                        total += evaluate(ws, cell.coordinate)
            return total
        if value == "=0":
            return Decimal(0)
        raise AssertionError(f"unexpected formula in {ref}: {value}")
    if value is None:
        return Decimal(0)
    return Decimal(str(value))


def patch_member(path: Path, member: str, edit) -> None:
    """Rewrite one part of a workbook: `edit(bytes) -> bytes`."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, edit(data) if info.filename == member else data, compress_type=zipfile.ZIP_DEFLATED)


def sheet_part(path: Path, title: str) -> str:
    """The zip member holding the sheet called `title` (openpyxl numbers them in order)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"
    finally:
        wb.close()


def strip_cached_results(path: Path) -> None:
    """Remove the saved result of every formula, so a program opening the copy must compute them itself (the
    export stores results, and a program that trusts them would otherwise prove nothing)."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'(<c [^>]*?)( t="str")?>(<f>.*?</f>)<v>.*?</v></c>', rb"\1>\3</c>", data)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def recalculate(src: Path, out_dir: Path, profile: Path) -> Path:
    """`src` opened and saved again by LibreOffice headless (which computes every formula), as .xlsx."""
    import subprocess

    proc = subprocess.run(
        ["soffice", "--headless", "--calc", f"-env:UserInstallation=file://{profile}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    return out_dir / src.name
