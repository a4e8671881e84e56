"""Network-share detection: UNC paths, mapped network drives, NFS/SMB/sshfs mounts; local paths are not warned about."""

from __future__ import annotations

import ctypes
from types import SimpleNamespace

import pytest

from app.store.location import (
    filesystem_type,
    is_network_path,
    is_unc_path,
    network_share_warning,
    parse_bsd_mount_output,
    parse_mount_table,
)

PROC_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
//fileserver/合同 /mnt/office cifs rw,vers=3.0 0 0
server:/export /srv/nfs nfs4 rw 0 0
user@host:/data /home/clerk/remote\\040share fuse.sshfs rw 0 0
/dev/sdb1 /mnt/office/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (r"\\server\share\contracts.db", True),
        ("//server/share/contracts.db", True),
        (r"\\?\UNC\server\share\合同.db", True),
        (r"\\?\C:\data\contracts.db", False),
        (r"C:\Users\张三\AppData\Roaming\ContractDesk\contracts.db", False),
        ("/home/clerk/contracts.db", False),
    ],
)
def test_unc_paths(path, expected):
    assert is_unc_path(path) is expected


def test_mount_table_parsing_unescapes_spaces():
    mounts = parse_mount_table(PROC_MOUNTS)
    assert ("/home/clerk/remote share", "fuse.sshfs") in mounts
    assert ("/mnt/office", "cifs") in mounts


@pytest.mark.parametrize(
    ("path", "remote"),
    [
        ("/mnt/office/合同 数据/contracts.db", True),
        ("/srv/nfs/contracts.db", True),
        ("/home/clerk/remote share/contracts.db", True),
        ("/mnt/office/local/contracts.db", False),  # a local disk mounted inside the share
        ("/mnt/officex/contracts.db", False),  # a prefix of a name is not the mount point
        ("/home/clerk/contracts.db", False),
    ],
)
def test_mounts_decide_on_linux(path, remote):
    mounts = parse_mount_table(PROC_MOUNTS)
    assert is_network_path(path, platform="linux", mounts=mounts) is remote


def test_longest_mount_point_wins():
    mounts = parse_mount_table(PROC_MOUNTS)
    from pathlib import Path

    assert filesystem_type(Path("/mnt/office/local/x.db"), mounts) == "ext4"
    assert filesystem_type(Path("/mnt/office/x.db"), mounts) == "cifs"


def test_macos_mount_output():
    out = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//clerk@fileserver/share on /Volumes/share (smbfs, nodev, nosuid, mounted by clerk)\n"
    )
    mounts = parse_bsd_mount_output(out)
    assert is_network_path("/Volumes/share/contracts.db", platform="darwin", mounts=mounts)
    assert not is_network_path("/Users/clerk/contracts.db", platform="darwin", mounts=mounts)


def test_windows_mapped_network_drive(monkeypatch):
    asked: list[str] = []

    def get_drive_type(root: str) -> int:
        asked.append(root)
        return 4 if root.upper() == "Z:\\" else 3  # DRIVE_REMOTE / DRIVE_FIXED

    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=SimpleNamespace(GetDriveTypeW=get_drive_type)), raising=False)
    assert is_network_path(r"Z:\合同\contracts.db", platform="win32")
    assert not is_network_path(r"C:\Users\张三\contracts.db", platform="win32")
    assert asked == ["Z:\\", "C:\\"]


def test_warning_names_the_path_and_suggests_the_server_mode():
    mounts = parse_mount_table(PROC_MOUNTS)
    message = network_share_warning("/mnt/office/contracts.db", platform="linux", mounts=mounts)
    assert message is not None
    assert "/mnt/office/contracts.db" in message and "network share" in message
    assert "more than one" in message and "postgresql" in message.lower()


def test_no_warning_for_local_files_or_server_urls(tmp_path):
    assert network_share_warning(tmp_path / "contracts.db") is None  # the test machine's own disk
    assert network_share_warning("postgresql+psycopg://clerk@server/contractdesk") is None
    assert network_share_warning(r"\\server\share\contracts.db") is not None


@pytest.fixture
def on_a_share(monkeypatch):
    """Every path counts as lying on a network share (the detection itself is tested above)."""
    from app.store import location

    monkeypatch.setattr(location, "is_network_path", lambda path, **kwargs: True)


def _journal_mode(db) -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA journal_mode").scalar()


def test_a_database_on_a_network_share_does_not_use_wal(on_a_share, db_path):
    """SQLite's WAL needs shared memory, which network file systems do not provide: use a rollback journal."""
    from app.ops.first_run import open_store

    db = open_store(db_path)
    try:
        assert _journal_mode(db) == "delete"
    finally:
        db.close()
    assert not db_path.with_name(db_path.name + "-wal").exists()


def test_an_existing_wal_database_moved_to_a_share_leaves_wal(db_path, monkeypatch):
    from app.ops.first_run import open_store
    from app.store import location

    db = open_store(db_path)
    assert _journal_mode(db) == "wal"
    db.close()
    monkeypatch.setattr(location, "is_network_path", lambda path, **kwargs: True)
    again = open_store(db_path)
    try:
        assert _journal_mode(again) == "delete"
    finally:
        again.close()


def test_a_local_database_uses_wal(db_path):
    from app.ops.first_run import open_store

    db = open_store(db_path)
    try:
        assert _journal_mode(db) == "wal"
    finally:
        db.close()


def test_the_cli_warns_about_a_network_share_on_stderr(on_a_share, db_path, capsys):
    from app.cli.common import open_store

    db = open_store(SimpleNamespace(db=str(db_path)))
    try:
        captured = capsys.readouterr()
        assert "network share" in captured.err and str(db_path) in captured.err
        assert captured.out == ""
    finally:
        db.close()


def test_the_cli_does_not_warn_about_a_local_database(db_path, capsys):
    from app.cli.common import open_store

    open_store(SimpleNamespace(db=str(db_path))).close()
    assert "network share" not in capsys.readouterr().err
