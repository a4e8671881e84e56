"""The Windows build's own checks: the C++ runtime versions (tools/msvc_runtime.py), the expectations of
tools/windows_checks.py (run here against the source checkout's command line), the installer script and the workflow."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import msvc_runtime, windows_checks  # noqa: E402
from tools.build_bundle import SmokeFailure, check_runtime  # noqa: E402


def fake_dll(path: Path, version: tuple[int, int, int, int]) -> Path:
    """A file with a version resource as a PE file carries it: the UTF-16 key, padding, then VS_FIXEDFILEINFO."""
    a, b, c, d = version
    fixed = struct.pack("<IIIIII", 0xFEEF04BD, 0x00010000, (a << 16) | b, (c << 16) | d, (a << 16) | b, (c << 16) | d)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"MZ" + b"\0" * 500 + "VS_VERSION_INFO".encode("utf-16-le") + b"\0\0" + fixed + b"\0" * 64)
    return path


def test_the_file_version_is_read_from_the_version_resource(tmp_path):
    assert msvc_runtime.file_version(fake_dll(tmp_path / "msvcp140.dll", (14, 40, 33810, 0))) == (14, 40, 33810, 0)
    (tmp_path / "plain.dll").write_bytes(b"MZ" + b"\0" * 100)
    assert msvc_runtime.file_version(tmp_path / "plain.dll") is None


def test_an_older_runtime_beside_qt_fails_the_build(tmp_path):
    reference = tmp_path / "site-packages" / "PySide6"
    fake_dll(reference / "msvcp140.dll", (14, 40, 33810, 0))
    fake_dll(reference / "vcruntime140.dll", (14, 40, 33810, 0))
    bundle = tmp_path / "dist" / "ContractDesk"
    fake_dll(bundle / "_internal" / "PySide6" / "msvcp140.dll", (14, 40, 33810, 0))
    fake_dll(bundle / "_internal" / "vcruntime140.dll", (14, 40, 33810, 0))
    fake_dll(bundle / "_internal" / "vcruntime140_1.dll", (14, 29, 30133, 0))  # PySide6 has none: not compared
    problems, inventory = msvc_runtime.check(bundle, [reference])
    assert problems == [] and len(inventory) == 3
    fake_dll(bundle / "_internal" / "msvcp140.dll", (14, 36, 32532, 0))  # what Python's folder may bring along
    problems, _inventory = msvc_runtime.check(bundle, [reference])
    assert len(problems) == 1
    assert problems[0].startswith("_internal/msvcp140.dll 14.36.32532.0 is older than PySide6's 14.40.33810.0")


def test_build_bundle_refuses_such_a_bundle(tmp_path, monkeypatch):
    reference = tmp_path / "PySide6"
    fake_dll(reference / "msvcp140.dll", (14, 42, 34433, 0))
    bundle = tmp_path / "ContractDesk"
    fake_dll(bundle / "_internal" / "msvcp140.dll", (14, 38, 33130, 0))
    monkeypatch.setattr(msvc_runtime, "pyside_folders", lambda: [reference])
    report: dict = {}
    with pytest.raises(SmokeFailure, match=r"older than PySide6's 14\.42\.34433\.0"):
        check_runtime(bundle, report)
    assert report["msvc_runtime"] == ["_internal/msvcp140.dll 14.38.33130.0"]


def test_the_real_pyside6_is_a_valid_reference():
    """Here (Linux) PySide6 ships no Windows DLLs, so nothing is compared; on Windows its DLLs all have versions."""
    for name, (version, path) in msvc_runtime.reference_versions(msvc_runtime.pyside_folders()).items():
        assert version >= (14, 0, 0, 0), (name, path)


def test_postgres_mode_reaches_the_server_and_hides_the_password(tmp_path):
    import os

    cli = [sys.executable, "-m", "app"]
    env = {**os.environ, "CONTRACTDESK_HOME": str(tmp_path / "home")}
    result = windows_checks.check_postgres_refused(cli, env)
    assert result.ok and "refused" in result.detail.lower() and "***" in result.detail


def test_the_selftest_expectations(tmp_path):
    good = "ok render: 8 pages\nok fonts: x\nok sign: y\nok private: z\nskipped print: no printer\n"
    assert windows_checks.expect_selftest(0, good)["print"] == "skipped print: no printer"
    with pytest.raises(windows_checks.CheckFailed, match="selftest sign"):
        windows_checks.expect_selftest(0, good.replace("ok sign", "FAILED sign"))
    with pytest.raises(windows_checks.CheckFailed, match="exit code 1"):
        windows_checks.expect_selftest(1, good)


def test_the_held_file_expectations(tmp_path):
    target = tmp_path / "合同 packet.xlsx"
    target.write_bytes(b"old")
    said = f"error: {target}: the file is open in another program (Excel, WPS, a PDF viewer); close it and try again\n"
    windows_checks.expect_held(2, said, target, b"old")
    (tmp_path / f".{target.name}.abc.part").write_bytes(b"half")
    with pytest.raises(windows_checks.CheckFailed, match="stray temporary files"):
        windows_checks.expect_held(2, said, target, b"old")
    with pytest.raises(windows_checks.CheckFailed, match="open in another program"):
        windows_checks.expect_held(2, "error: permission denied\n", target, b"old")


def test_the_installer_script():
    iss = (ROOT / "installer" / "contractdesk.iss").read_bytes()
    isl = (ROOT / "installer" / "zh_CN.isl").read_bytes()
    assert iss.startswith(b"\xef\xbb\xbf") and isl.startswith(b"\xef\xbb\xbf"), "Inno Setup reads Chinese only with a BOM"
    text = iss.decode("utf-8-sig")
    assert "PrivilegesRequired=lowest" in text and r"DefaultDirName={autopf}\ContractDesk" in text
    assert "(Version.Build >= 17763)" in text and "IsWin64" in text  # Windows 10 1809, 64-bit
    assert r'Name: "{autoprograms}\合同台"' in text and r'Name: "{autodesktop}\合同台"' in text
    assert "[UninstallDelete]" not in text and "localappdata}\\ContractDesk" in text  # the data folder is kept
    assert windows_checks.APP_ID.removesuffix("_is1") in text.replace("{{", "{")
    messages = isl.decode("utf-8-sig")
    assert "UnsupportedWindows=合同台需要 64 位的 Windows 10（1809 版或更新）" in messages


def test_the_workflow_is_valid_yaml_and_runs_every_check():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "windows-build.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["bundle"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert steps[1]["with"]["python-version"] == "3.13"
    for needed in ("tools/windows_checks.py bundle", "tools/windows_checks.py installer", "build-installer.ps1",
                   "tools/build_bundle.py", "tests/test_startup.py", "tests/test_held_files.py"):
        assert needed in runs, needed
