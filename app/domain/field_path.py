"""The one syntax of a field path, shared by the field registry, amendments, comments and the workflow.

Segments are keys (``terms.delivery_days``), list indexes (``payments[0].amount``) or, for clauses, a clause
number in brackets (``clause[5.4.1].text``, found anywhere in the clause tree).
"""

from __future__ import annotations

import re

from app.base.errors import UserError
from app.base.i18n import _

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")

Segment = str | int | tuple[str, str]


def split_path(path: str) -> list[Segment]:
    """``clause[5.1].text`` → [("clause", "5.1"), "text"]; ``payments[0].amount`` → ["payments", 0, "amount"]."""
    out: list[Segment] = []
    pos = 0
    for m in _SEGMENT.finditer(path):
        if m.start() != pos and path[pos:m.start()] != ".":
            raise UserError(_("is not a field path"), path)
        pos = m.end()
        key, index = m.group(1), m.group(2)
        if key is not None:
            out.append(key)
        elif index is not None and index.isdigit():
            out.append(int(index))
        elif index and out and out[-1] == "clause":
            out[-1] = ("clause", index)
        else:
            raise UserError(_("is not a field path"), path)
    if not out or pos != len(path):
        raise UserError(_("is not a field path"), path)
    return out
