"""Who and when for review records: the user name and a UTC timestamp as ISO text.

Timestamps are stored as text so that the audit hash covers exactly the characters stored.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime

_chosen_name = ""


def set_user_name(name: str) -> None:
    """The name the user chose in the app's settings (used unless CONTRACTDESK_USER is set)."""
    global _chosen_name
    _chosen_name = name.strip()[:100]


def current_user() -> str:
    """CONTRACTDESK_USER, else the name chosen in the app, else the operating-system login name."""
    name = os.environ.get("CONTRACTDESK_USER", "").strip() or _chosen_name
    if name:
        return name[:100]
    try:
        return getpass.getuser()[:100]
    except (OSError, KeyError, ImportError):  # no login name (containers, services)
        return "unknown"


def local_time(iso: str) -> str:
    """A stored UTC time as the clerk's clock shows it: "2025-06-01 16:30" (stored text if it is not a time)."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def now_iso() -> str:
    """Current UTC time, microseconds, e.g. 2025-06-01T08:30:00.123456Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
