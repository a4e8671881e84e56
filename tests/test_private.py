""""Readable by your user only", true on Windows too: the data folder, the database, its backups and the log are
restricted (POSIX mode bits; on Windows an access-control list for this user, SYSTEM and Administrators, not
inherited from the folder above). The Windows part runs on the Windows CI job, which reads the lists back.
"""

from __future__ import annotations

import os
import stat

import pytest

from app.base import paths
from app.base.private import is_private, make_private, private_sddl, trustees

windows_only = pytest.mark.skipif(os.name != "nt", reason="access-control lists are Windows'")


def test_the_security_descriptor_names_this_user_system_and_administrators_only():
    user = "S-1-5-21-1004336348-1177238915-682003330-1001"
    folder = private_sddl(user, folder=True)
    assert folder == f"D:P(A;OICI;FA;;;{user})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"  # P: nothing inherited from above
    assert private_sddl(user, folder=False) == f"D:P(A;;FA;;;{user})(A;;FA;;;SY)(A;;FA;;;BA)"
    assert trustees(folder) == {user, "SY", "BA"}
    # what Windows reports for an ordinary folder under D:\: every authenticated user may change it, users read it
    assert trustees("D:AI(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIID;0x1301bf;;;AU)(A;OICIID;0x1200a9;;;BU)") == \
        {"BA", "SY", "AU", "BU"}


@pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits")
def test_posix_modes(tmp_path):
    folder, file = tmp_path / "文件夹", tmp_path / "合同.db"
    folder.mkdir(mode=0o755)
    file.write_bytes(b"x")
    os.chmod(file, 0o644)
    assert not is_private(folder) and not is_private(file)
    assert make_private(folder) and make_private(file)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(file.stat().st_mode) == 0o600
    assert is_private(folder) and is_private(file)


def test_a_failure_is_logged_not_raised(tmp_path, caplog):
    assert make_private(tmp_path / "missing") is False
    assert "cannot make" in caplog.text and "missing" in caplog.text


def test_the_data_folder_is_private_when_created_or_the_platforms(tmp_path, monkeypatch):
    created = tmp_path / "新 数据"
    monkeypatch.setenv("CONTRACTDESK_HOME", str(created))
    assert paths.data_dir() == created and is_private(created)
    if os.name == "nt":
        return
    chosen = tmp_path / "shared folder"
    chosen.mkdir(mode=0o755)
    os.chmod(chosen, 0o755)
    monkeypatch.setenv("CONTRACTDESK_HOME", str(chosen))
    assert paths.data_dir() == chosen
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o755, "a folder the user named and made is left as they set it"


def test_a_new_database_and_its_backups_are_private(tmp_path):
    from app.ops.first_run import open_store
    from app.store.backup import make_backup

    db_path = tmp_path / "合同" / "contracts.db"
    open_store(db_path).close()
    backup = make_backup(db_path, "manual")
    for path in (db_path, backup, backup.parent):
        assert is_private(path), path


@windows_only
def test_windows_lists_are_set_and_inherited(tmp_path):
    import subprocess

    from app.base.private import current_user_sid, read_sddl

    folder = tmp_path / "数据 目录"
    folder.mkdir()
    # as under D:\: every user of the computer may read what is created here (S-1-5-32-545 is Users)
    subprocess.run(["icacls", str(folder), "/grant", "*S-1-5-32-545:(OI)(CI)R"], check=True, capture_output=True)
    before = folder / "before.txt"
    before.write_text("x", encoding="utf-8")
    assert not is_private(folder) and not is_private(before)
    assert make_private(folder)
    sddl = read_sddl(folder)
    assert sddl.startswith("D:P"), sddl  # protected: nothing inherited from above
    assert current_user_sid() in trustees(sddl) or "LA" in trustees(sddl)
    later = folder / "contracts.db-wal"
    later.write_bytes(b"")  # what SQLite creates beside the database later
    assert is_private(later) and is_private(before), (read_sddl(later), read_sddl(before))


@windows_only
def test_windows_log_and_data_folder_are_private(tmp_path, monkeypatch):
    from app.base.logs import setup_logging

    home = tmp_path / "家"
    monkeypatch.setenv("CONTRACTDESK_HOME", str(home))
    log = setup_logging()
    try:
        assert is_private(home) and is_private(log)
    finally:
        import logging

        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "_contractdesk", False):
                root.removeHandler(handler)
                handler.close()
