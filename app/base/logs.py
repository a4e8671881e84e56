"""The app's log: a rotating file in the data folder, with bank account numbers and amounts masked.

A log is sent along with bug reports, so what it says about a contract must not leak its bank
accounts or prices. `mask_text` is the one masking rule; `MaskingFilter` applies it to every record
(message and arguments, tracebacks included) before any handler writes it.
"""

from __future__ import annotations

import functools
import logging
import logging.handlers
import os
import re
import time
from pathlib import Path

from app.base.fileio import FileHeld, retry_while_held
from app.base.paths import data_dir
from app.base.private import make_private

LOG_NAME = "contractdesk.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: Runs of 8+ digits (single spaces allowed inside): bank account and card numbers. A run joined to a
#: word by "-" (a contract number such as CMHA-AY-202500441), to an ASCII identifier or to a decimal
#: point is left alone; a CJK label right before it (账号41050167…) does not protect it.
_ACCOUNT = re.compile(r"(?<![A-Za-z0-9_.-])\d(?: ?\d){7,}(?![\w-]|\.\d)")
#: Account numbers written in groups joined by hyphens or by spaces (6222-0210-0100-1234): 3+ groups of
#: 2-6 digits with one kind of separator, masked when they add up to 12+ digits (a date is 8).
_GROUPED = re.compile(r"(?<![A-Za-z0-9_.-])\d{2,6}(?P<sep>[- ])\d{2,6}(?:(?P=sep)\d{2,6})+(?![\w-]|\.\d)")
#: Amounts: a currency sign or 元/万元, or a number with thousands separators or two decimals (not a time's
#: milliseconds: 10:30:00,123).
_AMOUNT = re.compile(
    r"(?:[¥￥]|RMB\s?|CNY\s?)\s?-?\d[\d,]*(?:\.\d+)?"
    r"|-?\d[\d,]*(?:\.\d+)?\s?(?:万元|元)"
    r"|(?<![\w.])(?<!\d:)-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w.])"  # not the ,123 of 10:30:00,123
    r"|(?<![\w.:-])-?\d+\.\d{2}(?![\w.])"
)
#: Bare amounts: a run of 5+ digits (decimals allowed) right after =, (, :, a quote or a word such as
#: total/amount (``total 4273290``, ``Decimal('1424430')``, ``amount: 1424430.5``). Years, times, dates
#: and short numbers (row 3, version 7) have fewer digits in a run and stay readable.
_LABELLED = re.compile(
    r"(?P<lead>\b(?:(?:sub)?totals?|amounts?|sums?|prices?|costs?|balances?|payments?|paid|fees?|budgets?)\b"
    r"|金额|总额|总价|合计|价款|单价|货款|[=(:'\"：])"
    r"(?P<gap>[ \t]*(?:[:=：][ \t]*)?)"
    r"-?\d{5,}(?:\.\d+)?(?![\w-]|\.\d)",
    re.IGNORECASE,
)
#: Uppercase (大写) amounts: 壹佰贰拾元整 and the like.
_UPPER = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]{2,}[元圆角分整]*")
MASK = "***"


def mask_text(text: str) -> str:
    """`text` with account numbers and amounts replaced by ***, keeping the last 4 digits of an account."""

    def account(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group())
        return MASK + digits[-4:]

    def grouped(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group())
        return MASK + digits[-4:] if len(digits) >= 12 else m.group()

    text = _GROUPED.sub(grouped, text)
    text = _ACCOUNT.sub(account, text)
    text = _AMOUNT.sub(MASK, text)
    text = _LABELLED.sub(lambda m: m["lead"] + m["gap"] + MASK, text)
    return _UPPER.sub(MASK, text)


class MaskingFilter(logging.Filter):
    """Masks the formatted message (and any traceback text) of every record passing through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        record.exc_info = None
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log that survives a second window: on Windows the other ContractDesk (or an indexer, antivirus)
    holds the file open and renaming it fails (WinError 32). The rename is retried briefly; if the file stays
    held, this process writes on into the same file, says once in it which file is held, and tries again later.
    The older logs are shifted only once the current one has been moved aside, so a failed try loses none."""

    retry_seconds = 0.5
    pause_seconds = 600.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._paused_until = 0.0

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        return time.monotonic() >= self._paused_until and bool(super().shouldRollover(record))

    def doRollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        moving = base + ".rotating"
        try:
            retry_while_held(functools.partial(os.replace, base, moving), base, seconds=self.retry_seconds)
        except FileHeld as exc:
            self._paused_until = time.monotonic() + self.pause_seconds
            self._note(f"cannot rotate {exc.where}: {exc.message}; writing on and trying again in "
                       f"{self.pause_seconds / 60:.0f} minutes")
            return
        except FileNotFoundError:
            pass
        else:
            for i in range(self.backupCount - 1, 0, -1):
                older, newer = f"{base}.{i}", f"{base}.{i + 1}"
                if os.path.exists(older):
                    os.replace(older, newer)
            os.replace(moving, f"{base}.1")
        if not self.delay:
            self.stream = self._open()

    def _note(self, text: str) -> None:
        """One line in the current file (a record passed through emit() would ask to roll over again)."""
        if self.stream is None:
            self.stream = self._open()
        note = logging.makeLogRecord({"name": __name__, "levelno": logging.WARNING, "levelname": "WARNING",
                                      "msg": text})
        self.stream.write(self.format(note) + self.terminator)


def setup_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the app's log to a rotating file (readable by the user only); returns the file's path.

    Safe to call twice: the handler is installed once.
    """
    folder = Path(log_dir) if log_dir is not None else data_dir() / "logs"
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        make_private(folder)  # Windows: the mode above sets no access-control list
    path = folder / LOG_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_contractdesk", False) and Path(getattr(handler, "baseFilename", "")) == path:
            return path
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    handler = SharedRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler._contractdesk = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path
