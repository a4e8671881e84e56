"""Tab-separated text as Excel and WPS put it on the clipboard.

A cell holding a tab, a newline or a double quote is written in double quotes with inner quotes
doubled; a quoted cell may span lines. The final line break Excel appends is not an extra row.
"""

from __future__ import annotations


def parse_tsv(text: str) -> list[list[str]]:
    """Split clipboard text into rows of cells (quoted cells may hold tabs and newlines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, n = 0, len(text)
    at_cell_start = True
    while i < n:
        ch = text[i]
        if at_cell_start and ch == '"':
            # A quoted cell: read to the closing quote; "" is a literal quote.
            i += 1
            while i < n:
                ch = text[i]
                if ch == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        cell.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                cell.append(ch)
                i += 1
            at_cell_start = False
            continue
        if ch == "\t":
            row.append("".join(cell))
            cell = []
            at_cell_start = True
        elif ch == "\n":
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
            at_cell_start = True
        else:
            cell.append(ch)
            at_cell_start = False
        i += 1
    if cell or row or not at_cell_start:
        row.append("".join(cell))
        rows.append(row)
    return rows


def _quote(cell: str) -> str:
    if any(ch in cell for ch in '\t\n\r"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def format_tsv(rows: list[list[str]]) -> str:
    """Rows of cells as clipboard text that Excel and WPS paste back into the same cells."""
    return "".join("\t".join(_quote(c) for c in row) + "\n" for row in rows)
