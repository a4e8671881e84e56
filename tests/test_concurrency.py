"""Two clerks on one store (two app instances, or the app and a script): writes queue up, and a stale
edit is refused as a conflict instead of silently overwriting. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from app.base.errors import Conflict
from app.ops.first_run import open_store
from app.store import contracts

from .conftest import ROOT, SAMPLE_NUMBER, store_edit

HOLD_LOCK = """
import sys, time
from app.ops.first_run import open_store
from app.store import contracts
db = open_store(sys.argv[1])
with db.transaction() as s:
    c, version = contracts.load_in(s, sys.argv[2], rows=False)
    c.project = "脚本的修改"
    contracts.write_parts(s, contracts.row_of(s, sys.argv[2]), c, [])
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))
print("committed", flush=True)
"""

INCREMENT = """
import sys
from app.base.errors import Conflict
from app.ops.first_run import open_store
from app.store import contracts
from tests.conftest import store_edit
db = open_store(sys.argv[1])
done = conflicts = 0
while done < int(sys.argv[3]):
    c, version = contracts.load_versioned(db, sys.argv[2])
    c.project = str(int(c.project) + 1)
    try:
        store_edit(db, c, version)
        done += 1
    except Conflict:
        conflicts += 1
print(done, conflicts, flush=True)
"""


def _child(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_instances_stale_edit_is_a_conflict(store_url):
    first = open_store(store_url)
    second = open_store(store_url)
    try:
        mine, my_version = contracts.load_versioned(first, SAMPLE_NUMBER)
        theirs, their_version = contracts.load_versioned(second, SAMPLE_NUMBER)
        theirs.title = "第二个窗口的标题"
        store_edit(second, theirs, their_version)
        mine.title = "第一个窗口的标题"
        with pytest.raises(Conflict, match="after you opened this contract"):
            store_edit(first, mine, my_version)
        assert contracts.load(first, SAMPLE_NUMBER).title == "第二个窗口的标题"
        # Reloading and applying the change again is accepted.
        mine, my_version = contracts.load_versioned(first, SAMPLE_NUMBER)
        mine.title = "第一个窗口的标题"
        store_edit(first, mine, my_version)
        assert contracts.load(second, SAMPLE_NUMBER).title == "第一个窗口的标题"
    finally:
        first.close()
        second.close()


def test_a_save_waits_for_the_other_writer_then_detects_the_stale_edit(store_url):
    db = open_store(store_url)
    try:
        mine, my_version = contracts.load_versioned(db, SAMPLE_NUMBER)
        script = _child(HOLD_LOCK, store_url, SAMPLE_NUMBER, "1.5")
        assert script.stdout.readline().strip() == "holding", script.stderr.read()
        mine.project = "我的修改"
        started = time.monotonic()
        with pytest.raises(Conflict):
            store_edit(db, mine, my_version)
        waited = time.monotonic() - started
        out, err = script.communicate(timeout=60)
        assert script.returncode == 0, err
        assert "committed" in out
        assert waited > 0.5, "the second writer must wait for the first one's commit"
        assert contracts.load(db, SAMPLE_NUMBER).project == "脚本的修改"
    finally:
        db.close()


def test_concurrent_writers_lose_no_update(store_url):
    db = open_store(store_url)
    try:
        c, version = contracts.load_versioned(db, SAMPLE_NUMBER)
        c.project = "0"
        store_edit(db, c, version)
    finally:
        db.close()
    each = 12
    children = [_child(INCREMENT, store_url, SAMPLE_NUMBER, str(each)) for _ in range(2)]
    results = [child.communicate(timeout=240) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert int(out.split()[0]) == each
    db = open_store(store_url)
    try:
        assert contracts.load(db, SAMPLE_NUMBER).project == str(2 * each)
    finally:
        db.close()
