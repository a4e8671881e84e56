"""Exports that would destroy something (issue 22, item 5 and parts of 6 and 16): never onto the database, its
journals, its backups or another output of the same command; never through a symlink or onto a device;
file names the file system refuses are one line, not a traceback."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from app.base.errors import UserError
from app.base.fileio import atomic_write_bytes
from app.store.output_targets import check_output_targets

from .conftest import SAMPLE_NUMBER, database_digest

pytestmark = pytest.mark.hostile
LONG = "长" * 90  # 270 bytes in UTF-8: a name no common file system takes


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", ".lock"])
def test_export_onto_the_database_or_its_journals_is_refused(cli, db, db_path, suffix):
    target = db_path.with_name(db_path.name + suffix)
    before = database_digest(db_path)
    existed = target.exists()
    result = cli("export", SAMPLE_NUMBER, "--json", str(target))
    assert result.code == 2 and "Traceback" not in result.err, result
    assert result.err.startswith("error: --json:")
    assert database_digest(db_path) == before and target.exists() == existed
    assert cli("list").code == 0  # the next start still finds its database


def test_export_into_the_backups_folder_is_refused(cli, db, db_path):
    assert cli("backup").code == 0
    backup = next((db_path.parent / "backups").iterdir())
    size = backup.stat().st_size
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(backup))
    assert result.code == 2 and "backups folder" in result.err, result
    assert backup.stat().st_size == size


def test_the_database_named_another_way_is_still_the_database(cli, db, db_path):
    alias = db_path.parent / "alias.db"
    os.link(db_path, alias)  # a hard link: another name, the same file
    (db_path.parent / "sub").mkdir()
    for target in (str(db_path.parent / "sub" / ".." / db_path.name), str(alias)):
        result = cli("export", SAMPLE_NUMBER, "--xlsx", target)
        assert result.code == 2 and "database itself" in result.err, result


def test_two_outputs_onto_one_file_are_refused_before_either_is_written(cli, db, tmp_path):
    out = tmp_path / "packet"
    result = cli("export", SAMPLE_NUMBER, "--json", str(out), "--pdf", str(out), "--xlsx", str(tmp_path / "x.xlsx"))
    assert result.code == 2 and "the same file as --json" in result.err, result
    assert not out.exists() and not (tmp_path / "x.xlsx").exists()


def test_the_window_export_refuses_the_database_too(db, db_path, qtbot):
    from app.ops.export import ExportOptions
    from ui.export_worker import ExportJob, ExportKind, ExportWorker

    before = database_digest(db_path)
    worker = ExportWorker(ExportJob(ExportKind.JSON, db, SAMPLE_NUMBER, ExportOptions(json=db_path)))
    failed: list[str] = []
    worker.signals.failed.connect(failed.append)
    worker.run()
    assert failed and "database itself" in failed[0]
    assert database_digest(db_path) == before


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs as on POSIX")
def test_a_symlink_or_a_fifo_is_never_replaced(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("kept")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for target, reason in ((link, "symbolic link"), (fifo, "device or a pipe")):
        with pytest.raises(UserError, match=reason):
            atomic_write_bytes(target, b"{}")
    assert link.is_symlink() and real.read_text() == "kept"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_never_replaced(cli, db, tmp_path):
    """A device node of the test's own (never /dev/null itself: code that replaced it would break the machine)."""
    device = tmp_path / "null-device"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (OSError, AttributeError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    result = cli("export", SAMPLE_NUMBER, "--json", str(device))
    assert result.code == 2 and "device or a pipe" in result.err, result
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.parametrize("option", ["--json", "--pdf", "--xlsx"])
def test_an_output_name_over_255_bytes_is_one_line(cli, db, tmp_path, option):
    result = cli("export", SAMPLE_NUMBER, option, str(tmp_path / f"{LONG}.{option[2:]}"))
    assert result.code == 2 and "Traceback" not in result.err, result
    assert "name is too long" in result.err and len(result.err.strip().splitlines()) == 1


def test_a_name_just_under_the_limit_is_written(cli, db, tmp_path):
    name = "a" * 250 + ".json"  # the temporary file beside it must not push past the limit
    result = cli("export", SAMPLE_NUMBER, "--json", str(tmp_path / name))
    assert result.code == 0, result
    assert (tmp_path / name).is_file()


def test_a_database_name_over_255_bytes_is_one_line(cli, tmp_path):
    result = cli("list", db=tmp_path / f"{LONG}.db")
    assert result.code == 2 and "Traceback" not in result.err, result
    assert "name is too long" in result.err


def test_check_output_targets_takes_a_server_database(tmp_path):
    check_output_targets({"--json": tmp_path / "a.json", "--pdf": tmp_path / "a.pdf", "--xlsx": None}, None)
    with pytest.raises(UserError, match="same file"):
        check_output_targets({"--json": tmp_path / "a", "--pdf": tmp_path / "b" / ".." / "a"}, None)
