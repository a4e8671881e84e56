"""What stands against approving, signing or sending a contract: the guardrail both the window and the command
line put before those steps.

`obstacles(contract, open_comments, step)` is pure: it reads the contract (with its cost tables) and its open
review comments, and lists

* every error of the consistency check (app.rules.checks),
* every review comment still open,
* every 【】 fill-in still blank (a fill-in field without a value, or brackets typed with nothing inside),
* for signing and for sending a signed packet: each party whose signing page is unsigned.

A party's signing page counts as **unsigned** when it has no signing date, or names nobody who signed
(neither a signatory nor a signature image). A seal image is not asked for: the original is sealed by hand on
paper, and the image only dresses an electronic copy.

The ops (app.ops.review.set_state, app.ops.export.export_packet) refuse a step with obstacles unless the clerk
gives a reason (`despite`), which is kept in the audit trail and the state history; a packet of a contract that
is not signed may always go out, marked as a draft that has not passed the check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.base.errors import UserError
from app.base.i18n import N_, _, ngettext
from app.domain import Contract, party_name
from app.domain.comment import Comment
from app.rules.checks import Severity, check
from app.rules.field_text import describe_target
from app.rules.fields import where_label
from app.rules.templating import TemplateProblem, context_for, render

#: A 【】 fill-in with nothing inside but blanks (what a blank field renders as, or brackets typed empty).
BLANK_FILL_IN = re.compile(r"【[\s\u3000]*】")
#: The longest comment text quoted in an obstacle.
QUOTED_CHARS = 60


class Step(StrEnum):
    """A step the guardrail stands before."""

    APPROVE = "approve"
    SIGN = "sign"
    #: Sending (exporting) a packet of a signed contract.
    SEND_SIGNED = "send-signed"

    @property
    def label(self) -> str:
        """The step as a clerk reads it in "… stand against approving"."""
        return _(STEP_LABELS[self])


STEP_LABELS = {
    Step.APPROVE: N_("approving the contract"),
    Step.SIGN: N_("marking the contract as signed"),
    Step.SEND_SIGNED: N_("sending the signed packet"),
}


@dataclass(frozen=True)
class Obstacle:
    """One thing that stands against a step: a stable code, where it is (as app.rules.checks names places) and what."""

    code: str  # "check:<rule>", "open-comment", "blank-fill-in", "unsigned"
    where: str
    message: str

    @property
    def text(self) -> str:
        """The obstacle in one line, its place first ("条款 4.1：…")."""
        if not self.where:
            return self.message
        return _("{field}: {value}").format(field=where_label(self.where), value=self.message)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "where": self.where, "message": self.message}


def obstacles(contract: Contract, open_comments: Sequence[Comment], step: Step) -> list[Obstacle]:
    """Everything that stands against `step` for `contract` (whose cost tables must be loaded), in the order a
    clerk deals with them: check errors, open comments, blank fill-ins, unsigned signing pages."""
    out = [Obstacle(f"check:{f.code}", f.where, f.message) for f in check(contract) if f.severity is Severity.ERROR]
    for c in open_comments:
        if not c.is_open:
            continue
        text = c.text if len(c.text) <= QUOTED_CHARS else c.text[:QUOTED_CHARS] + "…"
        out.append(Obstacle("open-comment", "", _("open review comment by {author} on {target}: {text}").format(
            author=c.author, target=describe_target(c.target_kind, c.target), text=text)))
    out += blank_fill_ins(contract)
    if step in (Step.SIGN, Step.SEND_SIGNED):
        out += unsigned(contract)
    return out


def blank_fill_ins(contract: Contract) -> list[Obstacle]:
    """One obstacle per text (preamble, clause, text annex) with 【】 fill-ins still blank, counting them."""
    context = context_for(contract)
    texts = [(contract.preamble, "preamble")]
    texts += [(cl.text, f"clause:{cl.no}") for _depth, cl in contract.all_clauses()]
    texts += [(a.text or "", f"annex:{a.no}") for a in contract.annexes if a.table is None]
    out: list[Obstacle] = []
    for source, where in texts:
        try:
            rendered = render(source, context).text
        except TemplateProblem:
            continue  # a broken template is a check error already
        count = len(BLANK_FILL_IN.findall(rendered))
        if count:
            out.append(Obstacle("blank-fill-in", where, ngettext(
                "{n} fill-in 【】 is blank", "{n} fill-ins 【】 are blank", count).format(n=count)))
    return out


def unsigned(contract: Contract) -> list[Obstacle]:
    """Each party whose signing page is unsigned: no signing date, or nobody named as signing."""
    out: list[Obstacle] = []
    for role in ("a", "b"):
        s = contract.signing(role)
        if s.date is None:
            out.append(Obstacle("unsigned", f"signing.{role}.date",
                                _("{party} has no signing date").format(party=party_name(role))))
        if not s.signatory.strip() and not s.signature_image:
            out.append(Obstacle("unsigned", f"signing.{role}.signatory",
                                _("{party}'s signing page names nobody who signed (no signatory, no signature image)").format(
                                    party=party_name(role))))
    return out


class Obstacles(UserError):
    """A step refused because of `problems`; giving a reason (`despite`) lets it go ahead."""

    def __init__(self, number: str, step: Step, problems: list[Obstacle]) -> None:
        super().__init__(ngettext("{n} problem stands against {step}", "{n} problems stand against {step}",
                                  len(problems)).format(n=len(problems), step=step.label), number)
        self.step, self.problems = step, problems


def despite_note(reason: str | None, problems: list[Obstacle]) -> str:
    """What the state history keeps of a step taken despite `problems`."""
    return ngettext("despite {n} problem: {reason}", "despite {n} problems: {reason}", len(problems)).format(
        n=len(problems), reason=(reason or "").strip())


def audit_problems(problems: list[Obstacle]) -> list[str]:
    """The problems as the audit trail keeps them: code, place and message, one line each."""
    return [f"{p.code} {p.where}: {p.message}".replace(" :", ":") for p in problems]


def given(reason: str | None) -> bool:
    """Whether a reason to go ahead was given (blank is none)."""
    return bool(reason and reason.strip())
