"""SIGKILL at many points of a large import, edits and exports: the database stays consistent and holds
every committed edit, and no output file is ever half-written under its own name."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from decimal import Decimal

import pytest

from app.codecs.json_codec import dumps, loads
from app.domain import CostRow
from app.ops.first_run import open_store
from app.rules.checks import check
from app.store import contracts
from app.store.db import integrity_problems

from .conftest import ROOT, SAMPLE_NUMBER

ROWS = 2_000
KILLS = 60
#: Kill points are tried until this many seconds have passed (CI time), but at least MIN_KILLS.
BUDGET = 40
MIN_KILLS = 12

# A zygote imports everything once, then forks one worker per kill point (so kill points are cheap);
# each worker logs a line after every committed step to its own file, then goes on until it is killed.
WORKER = r"""
import os, sys
from pathlib import Path
from app.ops.first_run import open_store
from app.store import contracts
from app.codecs.json_codec import loads, dumps
from app.base.fileio import atomic_write_text
from app.codecs.xlsx import export_xlsx
from app.codecs.pdf import export_pdf
from tests.conftest import store_edit

db_file, source, out, number = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
data = source.read_bytes()


def work(run):
    db = open_store(db_file)
    log = open(out.parent / f"steps-{run}.txt", "w", buffering=1)
    # Each run starts at another step, so kills land inside every kind of work, the PDF export included.
    i = int(run) % 4
    large = next((r.number for r in contracts.list_contracts(db) if r.number.startswith("K")), number)
    while True:
        step = i % 4
        if step == 0:
            c = loads(data)
            c.number = f"K{run}-{i}"
            contracts.save(db, c)
            large = c.number
            log.write(f"import {c.number}\n")
        elif step == 1:
            c, version = contracts.load_versioned(db, number)
            c.project = f"edit {run} {i}"
            store_edit(db, c, version)
            log.write(f"edit {run} {i}\n")
        elif step == 2:
            atomic_write_text(out / "packet.json", dumps(contracts.load(db, number)))
            export_xlsx(contracts.load(db, large), out / "packet.xlsx")
            log.write("export\n")
        else:
            export_pdf(contracts.load(db, number), out / "packet.pdf")
            log.write("pdf\n")
        log.flush()
        i += 1


print("ready", flush=True)
for line in sys.stdin:
    command, run = line.split()
    if command == "go":
        pid = os.fork()
        if pid == 0:
            try:
                work(run)
            finally:
                os._exit(1)
        print(pid, flush=True)
    else:
        os.waitpid(int(run), 0)
        print("reaped", flush=True)
"""


def _large_import(tmp_path, sample):
    sample.annexes[2].table = [
        CostRow(f"设备{i}", f"规格{i}", "台", Decimal(i % 7 + 1), Decimal("123.45"), "") for i in range(ROWS)
    ]
    sample.total = sum((r.amount for r in sample.annexes[2].table), Decimal(0))
    path = tmp_path / "large.json"
    path.write_text(dumps(sample), encoding="utf-8")
    return path


def _check_outputs(out) -> None:
    """Whatever is under an output name is a complete file."""
    if (out / "packet.json").exists():
        loads((out / "packet.json").read_bytes())
    if (out / "packet.xlsx").exists():
        with zipfile.ZipFile(out / "packet.xlsx") as z:
            assert z.testzip() is None
    if (out / "packet.pdf").exists():
        data = (out / "packet.pdf").read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]


@pytest.mark.slow
def test_kill_at_many_points_loses_nothing(tmp_path, db_path, sample):
    open_store(db_path).close()
    source = _large_import(tmp_path, sample)
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(11)
    imported: list[str] = []
    last_edit = (-1, -1)
    kill_points = 0
    deadline = time.monotonic() + BUDGET
    seen: dict[str, int] = {}
    zygote = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db_path), str(source), str(out), SAMPLE_NUMBER],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert zygote.stdout.readline().strip() == "ready", zygote.stderr.read()
        for run in range(KILLS):
            if time.monotonic() > deadline and kill_points >= MIN_KILLS:
                break
            zygote.stdin.write(f"go {run}\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline())
            time.sleep(rng.uniform(0.05, 2.5))
            os.kill(pid, signal.SIGKILL)
            zygote.stdin.write(f"reap {pid}\n")
            zygote.stdin.flush()
            assert zygote.stdout.readline().strip() == "reaped"
            kill_points += 1
            steps = tmp_path / f"steps-{run}.txt"
            for line in (steps.read_text().splitlines() if steps.exists() else []):
                word, *args = line.split()
                seen[word] = seen.get(word, 0) + 1
                if word == "import":
                    imported.append(args[0])
                elif word == "edit":
                    last_edit = max(last_edit, (int(args[0]), int(args[1])))
            con = sqlite3.connect(db_path)
            try:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            finally:
                con.close()
            _check_outputs(out)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=60)
        zygote.stdout.close()
        zygote.stderr.close()

    db = open_store(db_path)
    try:
        assert integrity_problems(db) == []
        numbers = {r.number for r in contracts.list_contracts(db)}
        assert set(imported) <= numbers, "every committed import is still there"
        for number in numbers - {SAMPLE_NUMBER}:
            c = contracts.load(db, number)
            assert len(c.annexes[2].table) == ROWS, f"{number} was half imported"
            assert not [f for f in check(c) if f.code == "cost-table-total"]
        project = contracts.load(db, SAMPLE_NUMBER).project
        if last_edit != (-1, -1):
            run, i = (int(x) for x in project.split()[1:])
            assert (run, i) >= last_edit, "the last committed edit is still there"
        assert not [f for f in check(contracts.load(db, SAMPLE_NUMBER)) if f.code == "template"]
    finally:
        db.close()
    leftovers = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    assert set(leftovers) <= {"packet.json", "packet.xlsx", "packet.pdf"}
    print(json.dumps({"kill_points": kill_points, "completed_steps": seen}))
    assert kill_points >= MIN_KILLS and imported
