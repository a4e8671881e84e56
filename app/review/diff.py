"""What changed between two versions of a contract: fields, clauses, annexes and cost tables.

Fields compare as the contractdesk/1 JSON document spells them (paths such as ``parties.b.name``,
``payments[1].amount``); images compare by digest. Clauses are matched by number and compared on
their *rendered* text, character by character (Chinese has no spaces to split words on), giving
added/removed spans. Cost tables use app.rules.tablediff (rows added, removed, changed, moved, and the
effect on the total).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from app.codecs.json_codec import contract_to_dict
from app.domain import Contract
from app.rules.tablediff import TableDiff, diff_cost_rows
from app.values.money import format_amount

BLOB_KEYS = frozenset({"seal_image", "signature_image", "pdf"})
#: A fill-in field of a clause template ({{ … }}).
FILL_IN = re.compile(r"\{\{.*?\}\}", re.S)
#: Texts longer than this are compared line by line first (char-level matching is quadratic).
CHAR_DIFF_LIMIT = 20_000


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Span:
    """A piece of a compared text: "equal", "added" or "removed"."""

    kind: str
    text: str


@dataclass
class ClauseChange:
    no: str
    kind: str  # "added" | "removed" | "changed"
    old_title: str = ""
    new_title: str = ""
    old_text: str = ""
    new_text: str = ""
    spans: list[Span] = field(default_factory=list)


@dataclass
class AnnexChange:
    no: str
    kind: str  # "added" | "removed" | "changed"
    old_title: str = ""
    new_title: str = ""
    spans: list[Span] = field(default_factory=list)  # text annexes
    table: TableDiff | None = None
    pdf_changed: bool = False


@dataclass
class ContractDiff:
    fields: list[FieldChange] = field(default_factory=list)
    clauses: list[ClauseChange] = field(default_factory=list)
    annexes: list[AnnexChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.clauses or self.annexes)

    @property
    def total_effect(self) -> Decimal:
        """How much the cost tables' totals changed, together."""
        return sum((a.table.total_change for a in self.annexes if a.table is not None), Decimal("0.00"))


def _digest(value: str) -> str:
    return "sha256:" + hashlib.sha256(value.encode("ascii")).hexdigest()[:16]


def flatten(data: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON value as {path: scalar}; empty lists and objects keep a path of their own."""
    out = {} if out is None else out
    if isinstance(data, dict):
        if not data and prefix:
            out[prefix] = {}
        for k, v in data.items():
            path = f"{prefix}.{k}" if prefix else k
            if k in BLOB_KEYS and isinstance(v, str):
                out[path] = _digest(v)
            else:
                flatten(v, path, out)
    elif isinstance(data, list):
        if not data and prefix:
            out[prefix] = []
        for i, v in enumerate(data):
            flatten(v, f"{prefix}[{i}]", out)
    else:
        out[prefix] = data
    return out


def contract_fields(c: Contract) -> dict[str, Any]:
    """Every field outside clauses and annexes, flattened."""
    data = contract_to_dict(replace(c, clauses=[], annexes=[]))  # tables are compared elsewhere
    data.pop("clauses")
    data.pop("annexes")
    data.pop("format")
    return flatten(data)


def field_changes(old: Contract, new: Contract) -> list[FieldChange]:
    a, b = contract_fields(old), contract_fields(new)
    keys = list(a) + [k for k in b if k not in a]
    return [FieldChange(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def text_spans(old: str, new: str) -> list[Span]:
    """Character-level diff of two texts as equal/removed/added spans, in reading order."""
    if old == new:
        return [Span("equal", old)] if old else []
    if len(old) + len(new) > CHAR_DIFF_LIMIT:
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    else:
        a, b = list(old), list(new)
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            spans.append(Span("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            spans.append(Span("removed", "".join(a[i1:i2])))
        if j2 > j1:
            spans.append(Span("added", "".join(b[j1:j2])))
    return spans


def rendered_clauses(c: Contract) -> dict[str, tuple[str, str, str]]:
    """Clause key → (number, title, rendered text) in document order; a template that fails shows its text with
    its fill-ins blank (【　　】)."""
    from app.rules.templating import BLANK, TemplateProblem, context_for, render

    context = context_for(c)
    out: dict[str, tuple[str, str, str]] = {}
    for i, (_depth, clause) in enumerate(c.all_clauses()):
        key = clause.no or f"#{i + 1}"
        n = 2
        while key in out:
            key = f"{clause.no or '#'}({n})"
            n += 1
        try:
            text = render(clause.text, context).text
        except TemplateProblem:  # a fill-in that cannot be filled reads as a blank one, never as template code
            text = FILL_IN.sub(BLANK, clause.text)
        out[key] = (clause.no, clause.title, text)
    return out


def clause_changes(old: Contract, new: Contract) -> list[ClauseChange]:
    a, b = rendered_clauses(old), rendered_clauses(new)
    out: list[ClauseChange] = []
    order = list(b) + [k for k in a if k not in b]
    for key in order:
        if key not in a:
            no, title, text = b[key]
            out.append(ClauseChange(no, "added", new_title=title, new_text=text, spans=[Span("added", text)]))
        elif key not in b:
            no, title, text = a[key]
            out.append(ClauseChange(no, "removed", old_title=title, old_text=text, spans=[Span("removed", text)]))
        elif a[key] != b[key]:
            no, t1, x1 = a[key]
            _no, t2, x2 = b[key]
            out.append(ClauseChange(no, "changed", t1, t2, x1, x2, text_spans(x1, x2)))
    return out


def annex_changes(old: Contract, new: Contract) -> list[AnnexChange]:
    a = {x.no: x for x in old.annexes}
    b = {x.no: x for x in new.annexes}
    out: list[AnnexChange] = []
    for no in list(b) + [n for n in a if n not in b]:
        x, y = a.get(no), b.get(no)
        if x is None and y is not None:
            out.append(AnnexChange(no, "added", new_title=y.title, spans=[Span("added", y.text or "")] if y.text else [],
                                   table=diff_cost_rows([], y.table) if y.table is not None else None, pdf_changed=bool(y.pdf)))
        elif y is None and x is not None:
            out.append(AnnexChange(no, "removed", old_title=x.title, spans=[Span("removed", x.text or "")] if x.text else [],
                                   table=diff_cost_rows(x.table, []) if x.table is not None else None, pdf_changed=bool(x.pdf)))
        elif x is not None and y is not None:
            change = AnnexChange(no, "changed", x.title, y.title)
            if (x.text or "") != (y.text or ""):
                change.spans = text_spans(x.text or "", y.text or "")
            if x.table is not None or y.table is not None:
                table = diff_cost_rows(x.table or [], y.table or [])
                change.table = None if table.is_empty else table
            change.pdf_changed = (x.pdf or b"") != (y.pdf or b"")
            if x.title != y.title or change.spans or change.table is not None or change.pdf_changed:
                out.append(change)
    return out


def diff_contracts(old: Contract, new: Contract) -> ContractDiff:
    """Everything that turns `old` into `new`."""
    return ContractDiff(field_changes(old, new), clause_changes(old, new), annex_changes(old, new))


# ---------------------------------------------------------------- what the audit trail records of an edit


#: The audit trail's record of the clause tree's shape: each clause's number, indented by its depth.
CLAUSE_ORDER = "clause-order"


def clause_sources(c: Contract) -> dict[str, Any]:
    """Clause key → {title, text} (the template as typed, not rendered), and the tree's shape under
    CLAUSE_ORDER: how the audit trail records clauses (a move changes only the shape)."""
    out: dict[str, Any] = {}
    order: list[str] = []
    for i, (depth, clause) in enumerate(c.all_clauses()):
        key = f"clause[{clause.no or '#' + str(i + 1)}]"
        while key in out:
            key += "'"
        out[key] = {"title": clause.title, "text": clause.text}
        order.append("  " * depth + key[len("clause["):-1])
    out[CLAUSE_ORDER] = order
    return out


def audited_fields(c: Contract) -> dict[str, Any]:
    """Everything outside the annexes as the audit trail records it: fields by path, clauses by number."""
    return {**contract_fields(c), **clause_sources(c)}


def _annex_summary(a: Any) -> dict[str, Any]:
    from app.domain import table_total

    if a.table is not None:
        return {"title": a.title, "rows": len(a.table), "total": format_amount(table_total(a.table), grouping=False)}
    return {"title": a.title, "text": a.text, "pdf_bytes": len(a.pdf or b"")}


def audit_changes(old: Contract, new: Contract, *, annexes: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """{path: old}, {path: new} for every field and clause that differs; with `annexes`, the annexes that differ
    too, summarised (a 100k-row table is compared, never copied into the trail). Annex edits made in the
    annex editor are audited by their own entries."""
    a, b = audited_fields(old), audited_fields(new)
    keys = list(a) + [k for k in b if k not in a]
    changed = [k for k in keys if a.get(k) != b.get(k)]
    before, after = {k: a.get(k) for k in changed}, {k: b.get(k) for k in changed}
    if annexes:
        x = {annex.no: annex for annex in old.annexes}
        y = {annex.no: annex for annex in new.annexes}
        for no in list(x) + [n for n in y if n not in x]:
            p, q = x.get(no), y.get(no)
            if p is not None and q is not None and (p.title, p.text, p.table, p.pdf) == (q.title, q.text, q.table, q.pdf):
                continue
            before[f"annex[{no}]"] = _annex_summary(p) if p is not None else None
            after[f"annex[{no}]"] = _annex_summary(q) if q is not None else None
    return before, after
