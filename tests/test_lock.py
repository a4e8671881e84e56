"""One ContractDesk per database: the second opener is told who holds it; a crashed holder's lock is taken over."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from app.base.errors import UserError
from app.store.lock import DatabaseInUse, acquire, lock_path_for, read_holder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def database(tmp_path):
    folder = tmp_path / "合同 数据"
    folder.mkdir()
    return folder / "contracts.db"


def test_second_open_is_refused_naming_the_holder(database):
    first = acquire(database)
    try:
        with pytest.raises(DatabaseInUse) as info:
            acquire(database)
        assert isinstance(info.value, UserError)
        message = str(info.value)
        assert socket.gethostname() in message and str(os.getpid()) in message
        assert str(database.resolve()) in message  # names the database
        assert info.value.holder is not None and info.value.holder.pid == os.getpid()
    finally:
        first.release()


def test_release_frees_the_database_and_removes_the_lock_file(database):
    with acquire(database) as lock:
        assert lock.held and lock_path_for(database.resolve()).exists()
    assert not lock.held
    assert not lock_path_for(database.resolve()).exists()
    second = acquire(database)
    assert second.held
    second.release()


def _hold_in_child(database) -> subprocess.Popen[str]:
    code = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {ROOT!r})
        from app.store.lock import acquire
        lock = acquire({str(database)!r})
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def test_other_process_holding_the_lock_is_named(database):
    child = _hold_in_child(database)
    try:
        with pytest.raises(DatabaseInUse) as info:
            acquire(database)
        assert info.value.holder is not None and info.value.holder.pid == child.pid
        assert f"process {child.pid}" in str(info.value)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_lock_left_by_a_crashed_program_is_taken_over(database):
    child = _hold_in_child(database)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    lock_file = lock_path_for(database.resolve())
    assert lock_file.exists()  # the crash left it behind
    stale = read_holder(lock_file)
    assert stale is not None and stale.pid == child.pid
    lock = acquire(database)
    try:
        holder = read_holder(lock_file)
        assert holder is not None and holder.pid == os.getpid()
    finally:
        lock.release()


def test_lock_file_with_garbage_is_treated_as_stale(database):
    lock_file = lock_path_for(database.resolve())
    lock_file.write_bytes(b"\xff\xfe not json")
    lock = acquire(database)
    assert read_holder(lock_file).pid == os.getpid()
    lock.release()


@pytest.mark.skipif(sys.platform == "win32", reason="a folder's POSIX mode bits; Windows ignores them")
def test_unwritable_folder_gives_a_user_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(UserError, match="lock file"):
            acquire(folder / "contracts.db")
    finally:
        folder.chmod(0o700)



def test_acquire_for_locks_files_and_sqlite_urls_but_not_servers(database):
    from app.store.lock import acquire_for

    assert acquire_for("postgresql+psycopg://clerk@server/contractdesk") is None
    lock = acquire_for(f"sqlite:///{database}")
    assert lock is not None
    try:
        with pytest.raises(DatabaseInUse):
            acquire_for(database)
    finally:
        lock.release()
