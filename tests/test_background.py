"""ui/background.py: a call still running when the program closes ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

CLOSES_WHILE_RUNNING = r"""
import sys, threading, time
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from ui.background import run_in_background

app = QApplication(sys.argv[:1])
started = threading.Event()

def slow():
    started.set()
    time.sleep(0.3)
    return "late"

call = run_in_background(slow, lambda result: print("done", result), lambda exc: print("failed", exc))
started.wait(5)
import shiboken6
shiboken6.delete(call.signals)  # what closing the program does to the call's signals while it still runs
QThreadPool.globalInstance().waitForDone(5000)
print("closed", flush=True)
"""


def test_a_call_that_finishes_after_the_program_closed_says_nothing():
    done = subprocess.run([sys.executable, "-c", CLOSES_WHILE_RUNNING], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert "closed" in done.stdout
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr, done.stderr
