"""Amendments (补充协议, clause 10.1 of the sample): the only way a signed contract changes.

An amendment is its own small document — number, title, signing date, its own clauses and annexes —
plus `changes`: field paths of the contractdesk/1 JSON document mapped to their new values, e.g.
``{"total": "4300000.00", "terms.delivery_days": 120, "clause[4.1].text": "…"}``. Path segments are
keys, list indexes (``payments[0].amount``) or, for clauses, a clause number in brackets anywhere in
the clause tree (``clause[5.4.1].text``). `effective_contract` applies the amendments in order and
validates the result like an imported document, so an amendment can never produce a contract the
app could not have stored.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.base.errors import UserError
from app.base.i18n import _
from app.domain.contract import Annex, Clause
from app.domain.field_path import split_path


@dataclass
class Amendment:
    """A supplementary agreement to one contract."""

    number: str = ""
    title: str = ""
    signed: date | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    clauses: list[Clause] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)


def _find_clause(clauses: list[dict], no: str) -> dict | None:
    for c in clauses:
        if c.get("no") == no:
            return c
        found = _find_clause(c.get("clauses") or [], no)
        if found is not None:
            return found
    return None


def _step(node: Any, seg: str | int | tuple[str, str], root: dict, path: str) -> Any:
    if isinstance(seg, tuple):
        found = _find_clause(root.get("clauses") or [], seg[1])
        if found is None:
            raise UserError(_("the contract has no clause {no}").format(no=seg[1]), path)
        return found
    if isinstance(seg, int):
        if not isinstance(node, list) or seg >= len(node):
            raise UserError(_("there is no item {n} here").format(n=seg), path)
        return node[seg]
    if not isinstance(node, dict) or seg not in node:
        raise UserError(_("the contract has no such field"), path)
    return node[seg]


def apply_changes(data: dict, changes: dict[str, Any]) -> None:
    """Set each path of `changes` in a contract_to_dict() document (in place)."""
    for path, value in changes.items():
        segs = split_path(path)
        if segs in (["format"], ["number"]):
            raise UserError(_("an amendment cannot change this field"), path)
        node: Any = data
        for seg in segs[:-1]:
            node = _step(node, seg, data, path)
        last = segs[-1]
        if isinstance(last, tuple):
            raise UserError(_("name a part of the clause, e.g. .text"), path)
        if isinstance(last, int):
            if not isinstance(node, list) or last > len(node):
                raise UserError(_("there is no item {n} here").format(n=last), path)
            if last == len(node):
                node.append(copy.deepcopy(value))
            else:
                node[last] = copy.deepcopy(value)
        else:
            if not isinstance(node, dict) or last not in node:
                raise UserError(_("the contract has no such field"), path)
            node[last] = copy.deepcopy(value)


def amended_paths(amendments: list[Amendment]) -> dict[str, str]:
    """Field path → the number of the last amendment that changed it (for "amended by" marks)."""
    out: dict[str, str] = {}
    for a in amendments:
        for path in a.changes:
            out[path] = a.number
    return out
