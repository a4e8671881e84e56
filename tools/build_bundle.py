"""Build the one-folder bundle with PyInstaller and smoke-test it as a clerk's machine would run it.

    python tools/build_bundle.py [--out FOLDER] [--skip-build] [--report report.json]

Builds build.spec into FOLDER/dist/ContractDesk (a temporary folder by default), then, against a fresh
database in a folder whose name has Chinese characters and spaces: runs the bundled CLI's --version, exports
the sample to PDF and Excel and checks them (pdftotext, openpyxl), runs `check`, and starts the windowed
program offscreen with `gui --exit-after-paint` when the build holds a desktop app. Prints the bundle size,
build time and start-up times; exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


class SmokeFailure(Exception):
    """One check of the bundle failed; the message says which and why."""


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def human(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def build(out: Path) -> tuple[Path, float]:
    """Run PyInstaller on build.spec; return the bundle folder and the build time in seconds."""
    dist, work = out / "dist", out / "work"
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
           "--workpath", str(work), str(ROOT / "build.spec")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace")
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SmokeFailure(f"PyInstaller failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return dist / "ContractDesk", elapsed


def run(cmd: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", env=env, timeout=timeout)


def timed(cmd: list[str], env: dict[str, str], repeat: int = 3) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The median wall time of `repeat` runs (the first run warms the disk cache like a second launch)."""
    times, proc = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        proc = run(cmd, env)
        times.append(time.perf_counter() - start)
    assert proc is not None
    return statistics.median(times), proc


def expect(proc: subprocess.CompletedProcess[str], what: str, codes: tuple[int, ...] = (0,)) -> None:
    if proc.returncode not in codes:
        raise SmokeFailure(f"{what}: exit code {proc.returncode}\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}")


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: Path) -> str:
    """The PDF's text as a reader copies it: pdftotext (poppler) where installed, else pypdf (Windows runners)."""
    if shutil.which("pdftotext"):
        proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True)
        if proc.returncode != 0:
            raise SmokeFailure(f"pdftotext cannot read {pdf.name}: {proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode("utf-8")
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


def check_pdf(pdf: Path, sample: dict) -> None:
    """The PDF's text holds the number, the parties and the total in uppercase, as the sample says."""
    from app.values.money import rmb_upper

    text = squeeze(pdf_text(pdf))
    wanted = [sample["number"], sample["parties"]["a"]["name"], sample["parties"]["b"]["name"], rmb_upper(Decimal(sample["total"]))]
    missing = [w for w in wanted if squeeze(w) not in text]
    if missing:
        raise SmokeFailure(f"{pdf.name} lacks {missing}")
    if shutil.which("pdffonts") is None:
        return
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True)
    if fonts.returncode == 0:
        rows = fonts.stdout.splitlines()[2:]
        unembedded = [r for r in rows if r.split()[-5:-4] != ["yes"]]
        if unembedded:
            raise SmokeFailure(f"{pdf.name} has fonts that are not embedded: {unembedded}")


def check_workbook(xlsx: Path, sample: dict) -> None:
    """The workbook names the contract and lists every instalment amount of the sample."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    if sample["number"] not in values:
        raise SmokeFailure(f"{xlsx.name} does not name the contract {sample['number']}")
    numbers = {Decimal(str(v)).quantize(Decimal("0.01")) for v in values if isinstance(v, int | float) and not isinstance(v, bool)}
    amounts = [Decimal(p["amount"]).quantize(Decimal("0.01")) for p in sample["payments"]]
    missing = [a for a in amounts if a not in numbers]
    if missing:
        raise SmokeFailure(f"{xlsx.name} lacks the instalment amounts {missing}")


def has_desktop_app() -> bool:
    return (ROOT / "ui" / "main.py").is_file()


def check_runtime(bundle: Path, report: dict) -> None:
    """Fail when a bundled msvcp140*/vcruntime140* is older than PySide6's own (tools/msvc_runtime.py)."""
    from tools.msvc_runtime import check, pyside_folders, reference_versions

    references = pyside_folders()
    problems, inventory = check(bundle, references)
    report["msvc_runtime"] = inventory
    report["msvc_runtime_reference"] = {name: ".".join(map(str, v)) for name, (v, _p) in
                                        reference_versions(references).items()}
    if problems:
        raise SmokeFailure("the bundle's C++ runtime is older than PySide6's:\n" + "\n".join(problems))


def smoke(bundle: Path, report: dict) -> None:
    cli = bundle / f"contractdesk-cli{EXE_SUFFIX}"
    gui = bundle / f"ContractDesk{EXE_SUFFIX}"
    for program in (cli, gui):
        if not program.is_file():
            raise SmokeFailure(f"the bundle lacks {program.name}")
    sample = json.loads((ROOT / "resources" / "sample" / "contract.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="cd-smoke-", ignore_cleanup_errors=True) as tmp:
        place = Path(tmp) / "合同 台账"
        home = Path(tmp) / "数据 目录"
        place.mkdir()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONTRACTDESK_HOME": str(home), "CONTRACTDESK_LANG": "en"}
        env.pop("PYTHONPATH", None)
        db = place / "x.db"

        # First run: no --db, so the program creates the database with the sample in the data folder.
        proc = run([str(cli), "list", "--json"], env)
        expect(proc, "first run (list)")
        if not (home / "contracts.db").is_file() or sample["number"] not in proc.stdout:
            raise SmokeFailure(f"the first run did not create the sample database in {home}: {proc.stdout[:300]}")

        seconds, proc = timed([str(cli), "--version"], env)
        expect(proc, "--version")
        if "ContractDesk" not in proc.stdout:
            raise SmokeFailure(f"--version printed {proc.stdout!r}")
        report["cli_version_seconds"] = round(seconds, 2)

        pdf, xlsx = place / "合同 packet.pdf", place / "合同 packet.xlsx"
        start = time.perf_counter()
        proc = run([str(cli), "--db", str(db), "export", sample["number"], "--pdf", str(pdf), "--xlsx", str(xlsx)], env)
        report["export_seconds"] = round(time.perf_counter() - start, 2)
        expect(proc, "export")
        check_pdf(pdf, sample)
        check_workbook(xlsx, sample)

        proc = run([str(cli), "--db", str(db), "check", sample["number"], "--json"], env)
        expect(proc, "check", codes=(0, 1))
        codes = {f["code"] for f in json.loads(proc.stdout)}
        if "signatory" not in codes:  # the sample's known defect must be reported
            raise SmokeFailure(f"check did not report the sample's signatory defect: {sorted(codes)}")

        proc = run([str(cli), "--db", str(place / "default.db"), "--lang", "en", "export", "NO-SUCH", "--json", str(place / "x.json")], env)
        expect(proc, "export of a missing contract", codes=(2,))
        if "Traceback" in proc.stderr:
            raise SmokeFailure(f"a traceback reached the user:\n{proc.stderr}")
        proc = run([str(cli), "--db", str(place / "default.db"), "--lang", "zh_CN", "export", "NO-SUCH", "--json", str(place / "x.json")], env)
        if not any("\u4e00" <= ch <= "\u9fff" for ch in proc.stderr):  # the compiled Chinese catalog is bundled
            raise SmokeFailure(f"--lang zh_CN did not answer in Chinese: {proc.stderr!r}")

        if has_desktop_app():
            start = time.perf_counter()
            proc = run([str(gui), "--db", str(db), "gui", "--exit-after-paint"], env, timeout=120)
            report["gui_start_seconds"] = round(time.perf_counter() - start, 2)
            report["gui_output"] = (proc.stdout + proc.stderr).strip()[-300:]
            expect(proc, "gui --exit-after-paint")
            # The lean start runs in the bundle too (tools/pyi_rth_lean_start.py, before PyInstaller's PySide6 hook):
            # the compile cache holds PySide6's support code as well as the program's own entries.
            if "shibokensupport/signature/parser.py" not in compiled_files(home):
                raise SmokeFailure(f"the bundle kept no PySide6 support code in {home / 'cache' / 'compiled'} "
                                   "(the lean start did not run)")
        else:
            report["gui_start_seconds"] = None
            report["gui_output"] = "skipped: this build has no desktop app (ui/main.py) yet"


def compiled_files(home: Path) -> set[str]:
    """The file names of the source the compile cache in the data folder `home` holds code for."""
    from app.base.compile_cache import read_file

    return {key[1] for entry in (home / "cache" / "compiled").glob("*.bin") for key in read_file(entry)["code"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="build folder (default: a temporary folder, removed afterwards)")
    parser.add_argument("--skip-build", action="store_true", help="smoke-test OUT/dist/ContractDesk as it is")
    parser.add_argument("--report", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.skip_build and not args.out:
        parser.error("--skip-build needs --out")

    out = args.out or Path(tempfile.mkdtemp(prefix="cd-bundle-"))
    report: dict = {"platform": sys.platform}
    try:
        if args.skip_build:
            bundle = out / "dist" / "ContractDesk"
        else:
            bundle, seconds = build(out)
            report["build_seconds"] = round(seconds, 1)
        check_runtime(bundle, report)
        size = folder_size(bundle)
        report["bundle_bytes"] = size
        report["bundle_size"] = human(size)
        smoke(bundle, report)
        report["ok"] = True
    except (SmokeFailure, subprocess.TimeoutExpired, OSError) as exc:
        report["ok"] = False
        report["error"] = str(exc)
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    if not report["ok"]:
        print(f"bundle smoke test FAILED: {report['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
