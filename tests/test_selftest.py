"""The hidden `selftest` command, and the encryption message of a build without SQLCipher.

`selftest` renders the sample with PDFium, signs it with a throw-away certificate and verifies it (and that a
changed byte is caught), looks fonts up, restricts a folder; it prints on "Microsoft Print to PDF" where that
printer exists (the Windows CI job), and says it skipped that elsewhere.
"""

from __future__ import annotations

import sys

import pytest

from app.base.errors import UserError
from app.cli import main
from app.ops.selftest import FAILED, OK, SKIPPED, Step, run_checks


def _lines(capsys) -> dict[str, str]:
    out = capsys.readouterr().out
    return {line.split(" ", 2)[1].rstrip(":"): line for line in out.splitlines()}


def test_selftest_passes_here_and_is_not_listed(tmp_path, capsys):
    assert main(["selftest", "--keep", str(tmp_path / "自检"), "--no-print"]) == 0
    lines = _lines(capsys)
    assert lines["render"].startswith("ok render: 8 pages")
    assert lines["sign"] == "ok sign: signed by ContractDesk selftest: intact; changed after signing: modified"
    assert lines["private"].startswith("ok private")
    if sys.platform == "win32":  # the runner's own fonts, found by name in its registry
        assert lines["fonts"].startswith("ok fonts: prints in ") and "Arial is " in lines["fonts"]
    else:
        assert lines["fonts"] == "ok fonts: prints in Noto Serif CJK SC and Noto Serif CJK SC Bold; choices here: auto, bundled"
    assert lines["print"].startswith("skipped print")
    assert (tmp_path / "自检" / "signed.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "selftest" not in capsys.readouterr().out


def test_a_failing_check_fails_the_selftest(tmp_path, monkeypatch, capsys):
    import app.ops.selftest

    def blank(_pdf: bytes) -> Step:
        raise RuntimeError("PDFium could not be loaded")

    monkeypatch.setattr(app.ops.selftest, "check_render", blank)
    assert main(["selftest", "--no-print"]) == 1
    lines = _lines(capsys)
    assert lines["render"] == "FAILED render: RuntimeError: PDFium could not be loaded"
    assert lines["sign"].startswith("ok sign")  # the other checks still run


def test_the_print_check_gets_the_rendered_packet(tmp_path):
    received = []

    def printer(pdf: bytes, folder) -> Step:
        received.append(pdf)
        return Step("print", OK, "printed")

    steps = run_checks(tmp_path, printer)
    assert [s.status for s in steps] == [OK, OK, OK, OK, OK]
    assert received and received[0].startswith(b"%PDF")
    assert run_checks(tmp_path / "again", None)[-1].status == SKIPPED


def test_print_check_skips_without_the_pdf_printer(qapp, tmp_path):
    from ui.print_check import print_check

    step = print_check(b"%PDF-1.4", tmp_path, printer_name="No Such Printer 打印机")
    assert step.status == SKIPPED and "No Such Printer 打印机" in step.detail
    assert FAILED not in step.line()


@pytest.fixture
def no_sqlcipher(monkeypatch):
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    monkeypatch.setitem(sys.modules, "sqlcipher3.dbapi2", None)
    monkeypatch.setitem(sys.modules, "pysqlcipher3", None)
    monkeypatch.setitem(sys.modules, "pysqlcipher3.dbapi2", None)


def test_the_bundle_says_encryption_is_not_in_this_build(no_sqlcipher, monkeypatch, tmp_path, capsys):
    from app.store import encryption

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(UserError) as caught:
        encryption.driver()
    assert caught.value.message == "encrypted databases are not available in this build of ContractDesk"
    monkeypatch.setenv("CONTRACTDESK_PASSPHRASE", "口令 secret")
    assert main(["--db", str(tmp_path / "加密.db"), "list"]) == 2
    err = capsys.readouterr().err
    assert "not available in this build" in err and "pip" not in err and "口令 secret" not in err


def test_a_source_install_on_linux_is_told_what_to_install(no_sqlcipher, monkeypatch):
    from app.store import encryption

    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(UserError, match="install the package sqlcipher3-binary"):
        encryption.driver()
    monkeypatch.setattr(sys, "platform", "win32")  # no SQLCipher wheels for Windows: nothing to install
    with pytest.raises(UserError, match="not available in this build"):
        encryption.driver()
