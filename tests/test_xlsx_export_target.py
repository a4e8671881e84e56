"""A target that cannot be written is refused before the workbook is built, leaving nothing half-open."""

from __future__ import annotations

import gc
import sys

import pytest

from app.base.errors import UserError
from app.codecs.xlsx import export_xlsx


def test_a_folder_as_target_leaves_no_half_written_sheet(db, tmp_path, sample, monkeypatch):
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    target = tmp_path / "folder.xlsx"
    target.mkdir()
    with pytest.raises(UserError, match="is a folder"):
        export_xlsx(sample, target)
    gc.collect()
    assert unraisable == []  # openpyxl's sheet writers were never started, so none is closed by the collector
    assert target.is_dir() and list(target.iterdir()) == []
