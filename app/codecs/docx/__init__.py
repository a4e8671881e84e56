"""The packet as an editable Word file (.docx), for a supplier or reviewer who does not have ContractDesk.

`export_docx` writes atomically, like the PDF and Excel exports: a failure leaves nothing at the target path.
"""

from __future__ import annotations

from pathlib import Path

from app.base.fileio import atomic_path
from app.domain import Contract


def render_docx(contract: Contract, draft: bool = False) -> bytes:
    from app.codecs.docx.writer import render_docx as render

    return render(contract, draft)


def export_docx(contract: Contract, out: Path, draft: bool = False) -> None:
    """`draft`: every page says 草稿·未通过校验 (a contract that has not passed the check)."""
    data = render_docx(contract, draft)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)


__all__ = ["export_docx", "render_docx"]
