"""Who and when for review records: the user name and a UTC timestamp as ISO text.

Timestamps are stored as text so that the audit hash covers exactly the characters stored.
"""

from __future__ import annotations

import getpass
import os
import re
from datetime import UTC, datetime, timedelta

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


#: A time another computer wrote may run ahead of this one's clock by this much (clocks drift); more is not a time
#: that has happened.
MAX_CLOCK_SKEW = timedelta(hours=1)
_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z", re.ASCII)


def parse_utc(text: str) -> datetime | None:
    """A stored UTC time ("2025-06-01T08:30:00.123456Z") as an aware datetime; None if the text is not one."""
    if not isinstance(text, str) or not _UTC_TEXT.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:  # 2025-02-30, hour 25
        return None


def is_future(moment: datetime, now: datetime | None = None) -> bool:
    """Later than now by more than the clock skew allowed between two computers."""
    return moment > (now or datetime.now(UTC)) + MAX_CLOCK_SKEW
