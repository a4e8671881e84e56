"""A full disk, a folder where a file should be, a file where a folder should be: every write the user asks
for ends in one clear line naming the file (exit code 2), never a traceback, and nothing already saved is
lost or half-overwritten."""

from __future__ import annotations

import errno
import os
import pathlib
from types import SimpleNamespace

import pytest

from app.base.errors import UserError
from app.base.paths import DataFolderProblem, data_dir
from app.cli import main
from tests.conftest import store_edit

from .conftest import SAMPLE_NUMBER


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _one_clear_line(result, *words: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    assert result.err.strip().count("\n") == 0, result.err
    for word in words:
        assert word in result.err, result.err


@pytest.fixture
def a_file(tmp_path):
    """A plain file standing where the user's path needs a folder."""
    path = tmp_path / "报表 2025"
    path.write_text("not a folder", encoding="utf-8")
    return path


@pytest.mark.parametrize("option", ["--pdf", "--json"])
def test_export_under_a_file_is_one_clear_line(cli, db, a_file, option):
    target = a_file / "合同.out"
    result = cli("export", SAMPLE_NUMBER, option, str(target))
    _one_clear_line(result, str(target), "part of this path is a file, not a folder")


def test_export_onto_a_folder_is_refused(cli, db, tmp_path):
    folder = tmp_path / "合同.pdf"
    folder.mkdir()
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(folder))
    _one_clear_line(result, str(folder), "is a folder, not a file")
    assert folder.is_dir() and not list(folder.iterdir())


def test_disk_full_during_an_export_keeps_the_previous_file(db, tmp_path, monkeypatch, capsys):
    out = tmp_path / "合同 packet.pdf"
    assert main(["--db", str(db.path), "export", SAMPLE_NUMBER, "--pdf", str(out)]) == 0
    before = out.read_bytes()
    real_write = pathlib.Path.write_bytes

    def half_then_full(self, data):  # the disk fills up half-way through the new file
        real_write(self, data[: len(data) // 2])
        _disk_full()

    monkeypatch.setattr(pathlib.Path, "write_bytes", half_then_full)
    capsys.readouterr()
    assert main(["--db", str(db.path), "export", SAMPLE_NUMBER, "--pdf", str(out)]) == 2
    err = capsys.readouterr().err
    assert "the disk is full; nothing was saved" in err and str(out) in err
    assert out.read_bytes() == before, "the earlier export is untouched"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".part") == []


def test_unrelated_os_errors_inside_a_write_are_not_disguised(tmp_path):
    from app.base.fileio import atomic_path

    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "out.pdf"):
        (tmp_path / "missing-seal.png").read_bytes()  # reading an input: its own error, its own file name
    assert list(tmp_path.iterdir()) == []


def test_disk_full_during_a_backup_is_one_clear_line(db, monkeypatch, capsys):
    db.close()
    monkeypatch.setattr("app.store.backup.os.fsync", _disk_full)
    assert main(["--db", str(db.path), "backup"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full; nothing was saved" in err and "backups" in err
    assert not [p for p in (db.path.parent / "backups").iterdir() if p.suffix in (".part", ".db")]


def test_backup_to_a_folder_or_under_a_file_is_refused(cli, db, a_file, tmp_path):
    db.close()
    _one_clear_line(cli("backup", "--to", str(tmp_path)), str(tmp_path), "is a folder, not a file")
    _one_clear_line(cli("backup", "--to", str(a_file / "b.db")), "part of this path is a file, not a folder")


def test_disk_full_during_a_restore_changes_nothing(db, monkeypatch, capsys):
    from app.store import contracts
    from app.store.backup import make_backup

    good = make_backup(db.path, "manual")
    c, version = contracts.load_versioned(db, SAMPLE_NUMBER)
    c.project = "改过的项目名称"
    store_edit(db, c, version)
    db.close()
    monkeypatch.setattr("app.store.backup.os.fsync", _disk_full)
    assert main(["--db", str(db.path), "restore", str(good)]) == 2
    assert "the disk is full; nothing was saved" in capsys.readouterr().err
    assert not list(db.path.parent.glob(f".{db.path.name}.restore*"))
    monkeypatch.undo()
    from app.ops.first_run import open_store

    again = open_store(db.path)
    try:
        assert contracts.load(again, SAMPLE_NUMBER).project == "改过的项目名称", "the last edit survives"
    finally:
        again.close()


def test_data_folder_that_cannot_be_created_is_one_clear_line(cli, a_file):
    home = a_file / "ContractDesk"
    result = cli("list", db=None, env={"CONTRACTDESK_HOME": str(home)})
    _one_clear_line(result, str(home), "CONTRACTDESK_HOME", "part of this path is a file, not a folder")


def test_data_folder_problem_is_both_a_user_error_and_an_os_error(a_file, monkeypatch):
    """The CLI prints UserErrors as one line; the desktop app's start-up catches OSError from the data folder."""
    monkeypatch.setenv("CONTRACTDESK_HOME", str(a_file / "home"))
    with pytest.raises(DataFolderProblem) as caught:
        data_dir()
    problem = caught.value
    assert isinstance(problem, UserError) and isinstance(problem, OSError)
    assert problem.filename == str(a_file / "home") and "CONTRACTDESK_HOME" in problem.strerror


def test_desktop_app_explains_an_unusable_data_folder(qapp, a_file, monkeypatch):
    import ui.main

    shown = []
    monkeypatch.setenv("CONTRACTDESK_HOME", str(a_file / "home"))
    monkeypatch.setattr(ui.main.QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text)))
    assert ui.main.run(SimpleNamespace(db=None, lang=None, exit_after_paint=True)) == 2
    assert len(shown) == 1
    title, text = shown[0]
    assert "data folder" in title and str(a_file / "home") in text and "CONTRACTDESK_HOME" in text


def test_database_under_a_file_names_the_real_reason(cli, a_file):
    target = a_file / "contracts.db"
    result = cli("list", db=target)
    _one_clear_line(result, str(target), "part of this path is a file, not a folder")
    assert "File exists" not in result.err
    assert os.path.isfile(a_file)


def test_leftovers_of_a_killed_export_are_cleared_by_the_next_one(tmp_path):
    """A killed export leaves its temporary file beside the target; the next export of that file removes it
    once it is clearly abandoned, and leaves a recent one (another export may be writing it) alone."""
    from app.base.fileio import STALE_PART_SECONDS, atomic_write_bytes

    target = tmp_path / "合同 packet.pdf"
    abandoned = tmp_path / f".{target.name}.k1ll3d.part"
    in_progress = tmp_path / f".{target.name}.busy01.part"
    other = tmp_path / ".其他.pdf.k1ll3d.part"
    for part in (abandoned, in_progress, other):
        part.write_bytes(b"%PDF-1.4 half")
    old = pathlib.Path(abandoned).stat().st_mtime - STALE_PART_SECONDS - 60
    os.utime(abandoned, (old, old))
    os.utime(other, (old, old))
    atomic_write_bytes(target, b"%PDF-1.4 whole")
    assert target.read_bytes() == b"%PDF-1.4 whole"
    assert not abandoned.exists()
    assert in_progress.exists() and other.exists()


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), "文件或文件夹不存在"),
        (PermissionError(errno.EACCES, "Permission denied"), "没有权限，或文件正被其他程序"),
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
        (OSError(errno.EROFS, "Read-only file system"), "磁盘为只读"),
        (IsADirectoryError(errno.EISDIR, "Is a directory"), "是文件夹，不是文件"),
    ],
)
def test_system_reasons_are_said_in_the_users_language(error, reason):
    from app.base.fileio import os_reason
    from app.base.i18n import set_language

    set_language("zh_CN")
    assert reason in os_reason(error)


def test_a_packet_open_in_excel_on_windows_is_named_as_such():
    from app.base.fileio import os_reason
    from app.base.i18n import set_language

    set_language("en")
    locked = PermissionError(errno.EACCES, "The process cannot access the file")
    locked.winerror = 32  # what Windows reports for a file another program holds open
    assert os_reason(locked).startswith("the file is open in another program (Excel, WPS")


def test_a_missing_seal_image_is_explained_in_chinese(cli, db, tmp_path):
    out = tmp_path / "packet.pdf"
    result = cli("--lang", "zh_CN", "export", SAMPLE_NUMBER, "--pdf", str(out), "--cross-page-seal", str(tmp_path / "seal.png"))
    assert result.code == 2
    assert "文件或文件夹不存在" in result.err and "No such file" not in result.err
    assert not out.exists()
