"""Which clause of the contract in front of the clerk says something: so a rule text cites that contract's
own clause ("第 10.2 条" where the sample says when it takes effect), never a clause of another contract.

Clauses are searched in their written text (the template, fill-ins unrendered), in document order.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain import Contract

#: Words of a clause on when the contract takes effect by being signed.
TAKES_EFFECT = ("生效",)
SIGNING_WORDS = ("签字", "签章", "签署", "盖章")
LATER_DATE_WORDS = ("较迟", "较晚", "在后", "最后")
#: Words of a clause on signing through an authorised representative (授权委托书).
AUTHORISATION = ("授权",)
REPRESENTATIVE_WORDS = ("签署", "签字", "代表")


def clause_saying(contract: Contract, all_of: Iterable[str], any_of: Iterable[str] = (),
                  prefer: Iterable[str] = ()) -> str | None:
    """The number of the first clause whose text holds every word of `all_of` and one of `any_of` (when given),
    preferring one that also holds a word of `prefer`; None when no clause does (or it has no number)."""
    all_of, any_of, prefer = tuple(all_of), tuple(any_of), tuple(prefer)
    found: list[str] = []
    for _depth, clause in contract.all_clauses():
        text = clause.text
        if clause.no.strip() and all(w in text for w in all_of) and (not any_of or any(w in text for w in any_of)):
            if any(w in text for w in prefer):
                return clause.no.strip()
            found.append(clause.no.strip())
    return found[0] if found else None


def effectiveness_clause(contract: Contract) -> str | None:
    """The clause that says the contract takes effect when signed (by the later date, where it says so)."""
    return clause_saying(contract, TAKES_EFFECT, SIGNING_WORDS, LATER_DATE_WORDS)


def authorisation_clause(contract: Contract) -> str | None:
    """The clause that asks for a written authorisation of whoever signs for a party."""
    return clause_saying(contract, AUTHORISATION, REPRESENTATIVE_WORDS)


def cite(no: str) -> str:
    """A clause number as a rule text cites it: "第 10.2 条" (zh) / "clause 10.2"; 第十条 stays as written."""
    from app.base.i18n import _

    return no if no.startswith("第") else _("clause {no}").format(no=no.strip().rstrip("、.．"))  # 五、 → 第 五 条
