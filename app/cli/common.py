"""What the subcommands share: opening the store named by --db, printing JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from app.store.db import Database, open_database


def open_store(args) -> Database:
    from app.paths import default_database

    return open_database(args.db or default_database())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
