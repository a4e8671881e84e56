"""The PyInstaller bundle builds and passes its smoke test (minutes of work: opt in with CONTRACTDESK_BUNDLE_TEST=1).

CI runs the same script through .ci/bundle-smoke; this test lets a developer run it under pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("CONTRACTDESK_BUNDLE_TEST") != "1", reason="set CONTRACTDESK_BUNDLE_TEST=1 to build the bundle"),
]


@pytest.mark.timeout(1800)
def test_bundle_builds_and_passes_the_smoke_test(tmp_path):
    report_file = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_bundle.py"), "--out", str(tmp_path / "out"), "--report", str(report_file)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["ok"] is True
    bundle = tmp_path / "out" / "dist" / "ContractDesk"
    assert (bundle / "_internal" / "resources" / "fonts" / "NotoSerifCJKsc-Regular.ttf").is_file()
    assert (bundle / "_internal" / "resources" / "icons" / "contractdesk.ico").is_file()
    assert (bundle / "_internal" / "resources" / "icons" / "contractdesk.png").is_file()  # the window icon
    qt_translations = {p.name for p in bundle.rglob("qtbase_*.qm")}
    assert "qtbase_zh_CN.qm" in qt_translations and "qtbase_de.qm" not in qt_translations
    assert not list(bundle.rglob("*QtWebEngine*")) and not list(bundle.rglob("*Qt6Quick*"))
    assert not list((bundle / "_internal" / "resources").rglob("*.py"))  # the scripts that made fonts and icons stay out
    assert report["bundle_bytes"] < 400 * 1024 * 1024
