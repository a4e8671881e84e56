"""Field paths as a clerk reads them ("Party B · Unified social credit code", "Clause 4.1"), for reports."""

from __future__ import annotations

import re

from app.base.i18n import _
from app.rules.fields import where_label

_DUE = re.compile(r"^payments\[(\d+)\]\.due$")


def field_label(path: str) -> str:
    if path == "number":
        return _("Registry number")
    m = _DUE.match(path)
    if m:
        return _("Instalment {n}: {field}").format(n=int(m.group(1)) + 1, field=_("due"))
    if path == "payments":
        return _("Instalments")
    if path == "terms.copies":
        return _("Copies in total")
    return where_label(path)
