"""Clause fill-ins as a clerk sees them: a clause template split into its text and named fill-ins, and back.

A clause is stored as a template (`app.rules.templating`): ``甲方：【{{ party_a.name }}】，大写：{{ total | rmb_upper }}``.
The clause editor shows each ``{{ … }}`` as one named token in the window's language (【甲方名称】,
合同总价（大写）), never the template code; the stored form stays the template, exactly as it was written.

- A fill-in with the contract's 【】 directly around it (``【{{ x }}】``) is one token, brackets included, so it
  is inserted and deleted with them; a bare one (``{{ x }}``) is a token without brackets.
- A fill-in's name comes from the insert-field catalog (app.rules.templating.FIELD_CATALOG), else from the field it
  reads (a field path with at most one of our formatting filters: "第 2 期款（大写）", "乙方 · 地址"). Anything
  else — a formula written by hand — is named "自定义填空" (custom fill-in); the editor's tooltip and the
  preview show what it prints. Names are worked out in the current language each time they are asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.rules.fields import FIELDS, label_of
from app.rules.templating import FIELD_CATALOG

#: One fill-in, with the contract's 【】 when they sit directly around it. The expression may not hold "}}".
_FILL_IN = re.compile(r"【\{\{((?:(?!\}\}).)*?)\}\}】|\{\{((?:(?!\}\}).)*?)\}\}", re.S)
_PATH = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)*)(?:\|([a-z_]+))?$")
_INSTALMENT = re.compile(r"^payments\[(\d+)\]\.(.+)$")
_CATALOG = {re.sub(r"\s+", "", expression): label for expression, label in FIELD_CATALOG}
#: Our formatting filters and how each changes a field's name ("{field}" alone: the name as it is).
_FILTER_NAMES = {
    "": "{field}",
    "yuan": "{field}",
    "cn_date": "{field}",
    "money": N_("{field} (1,234.00)"),
    "rmb_upper": N_("{field} (uppercase)"),
    "upper": N_("{field} (uppercase)"),
}
#: Names a template uses for parts of the contract that the field table spells differently.
_ROOTS = {"party_a": "parties.a", "party_b": "parties.b", "copies": "terms.copies"}


@dataclass(frozen=True)
class FillIn:
    """One fill-in of a clause: `source` exactly as stored, its `expression` and whether 【】 belong to it."""

    source: str
    expression: str
    bracketed: bool

    @property
    def name(self) -> str:
        return fill_in_name(self.expression)

    @property
    def label(self) -> str:
        """What the editor shows: 【甲方名称】 with the brackets it owns, 合同总价（大写） without."""
        return f"【{self.name}】" if self.bracketed else self.name


Part = str | FillIn


def split_template(text: str) -> list[Part]:
    """The clause's text cut into plain text and fill-ins; join_template() gives back exactly `text`."""
    parts: list[Part] = []
    pos = 0
    for m in _FILL_IN.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        bracketed = m.group(1) is not None
        expression = (m.group(1) if bracketed else m.group(2)).strip()
        parts.append(FillIn(m.group(0), expression, bracketed))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def join_template(parts: list[Part]) -> str:
    return "".join(p.source if isinstance(p, FillIn) else p for p in parts)


def new_fill_in(expression: str) -> FillIn:
    """A fill-in as the insert-field menu adds it: in the contract's 【】 style."""
    return FillIn(f"【{{{{ {expression} }}}}】", expression, True)


def display_text(text: str) -> str:
    """The clause as the editor shows it, each fill-in by its name (for copying out, and for reading aloud)."""
    return "".join(p.label if isinstance(p, FillIn) else p for p in split_template(text))


def fill_in_name(expression: str) -> str:
    """A fill-in's name in the current language ("甲方名称"); "自定义填空" for a formula no field explains."""
    compact = re.sub(r"\s+", "", expression)
    if compact in _CATALOG:
        return _(_CATALOG[compact])
    m = _PATH.match(compact)
    if m is None or (m.group(2) or "") not in _FILTER_NAMES:
        return _("Custom fill-in")
    field = _field_name(m.group(1))
    if field is None:
        return _("Custom fill-in")
    pattern = _FILTER_NAMES[m.group(2) or ""]
    return field if pattern == "{field}" else _(pattern).format(field=field)


def _field_name(path: str) -> str | None:
    """The name of the contract value a template path reads, or None when it names no field."""
    if path == "number":
        return _("Registry number")
    m = _INSTALMENT.match(path)
    if m and m.group(2) == "amount":
        return _("Instalment {n} amount").format(n=int(m.group(1)) + 1)
    root, _dot, rest = path.partition(".")
    if root in ("payee", "bank"):
        field = f"parties.a.{'bank.' if root == 'bank' else ''}{rest}"
        spec = FIELDS.get(field) if rest else None
        return None if spec is None else _("Payee") + " · " + _(spec.label)
    full = f"{_ROOTS[root]}.{rest}" if root in _ROOTS and rest else path
    try:
        return label_of(full)
    except UserError:
        return None
