"""app/base/pdfium.py: PDFium is never entered by two threads at once (it is not thread-safe: the self-test's render
crashed a test process while a window test's signing preview was still rendering on its worker thread)."""

from __future__ import annotations

import pypdfium2
import pytest

from app.base import pdfium
from app.codecs.sample import sample_contract
from app.ops import selftest


@pytest.fixture
def opened(monkeypatch):
    """Every PDFium document opened, with whether the opening thread held the lock."""
    seen: list[bool] = []
    real = pypdfium2.PdfDocument

    def opening(*args, **kwargs):
        seen.append(pdfium.lock._is_owned())
        return real(*args, **kwargs)

    monkeypatch.setattr(pypdfium2, "PdfDocument", opening)
    return seen


def test_every_render_holds_the_lock(opened, qapp):
    from ui.print_preview import page_count, render_pages
    from ui.signing_tab import signing_page_png

    pdf = selftest.sample_pdf()
    assert selftest.check_render(pdf).status == selftest.OK
    assert page_count(pdf) >= 1 and len(render_pages(pdf, dpi=20, first=0, last=0)) == 1
    assert signing_page_png(sample_contract(), dpi=20).startswith(b"\x89PNG")
    assert opened == [True] * 4


def test_pdfium_is_used_through_one_module_only():
    """A new use of PDFium (a preview of an attached PDF, say) goes through app.base.pdfium, or this fails."""
    from tests.conftest import ROOT

    users = [path.relative_to(ROOT).as_posix() for folder in ("app", "ui") for path in (ROOT / folder).rglob("*.py")
             if "import pypdfium2" in path.read_text(encoding="utf-8")]
    assert users == ["app/base/pdfium.py"]


def test_a_pdf_pdfium_cannot_read_is_refused_with_a_message():
    from app.base.errors import UserError

    with pytest.raises(UserError) as refused, pdfium.document(b"%PDF-1.4 not really"):
        pass
    assert refused.value.where == "pdf" and "cannot be read" in refused.value.message
    assert not pdfium.lock._is_owned()  # released on the way out
