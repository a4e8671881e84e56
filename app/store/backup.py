"""Copies of a SQLite store made with SQLite's online backup API (consistent while in use)."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from app.paths import data_dir

log = logging.getLogger(__name__)


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def copy_database(source: Path, target: Path) -> Path:
    """Write a consistent copy of the SQLite file `source` to `target` (readable by the user only)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.replace(tmp, target)
    return target


def backup_before_migration(engine: Engine, revision: str) -> Path | None:
    """Keep a copy of the database as it was before a schema upgrade."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    source = Path(engine.url.database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir() / f"{source.stem}-before-{revision}-{stamp}.db"
    log.info("backing up %s before migration", source.name)
    return copy_database(source, target)
