"""What the office records about a contract besides its text: its kind, how it was procured, whether the clerk
marked it major, and its term. The ledger lists them; the office's rules read the kind (archive items) and the
major mark (approval, filing period); renewal reminders count from the end of the term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.base.errors import UserError
from app.base.i18n import _
from app.domain.kinds import ContractKind, ProcurementMethod


@dataclass(frozen=True)
class ContractRecord:
    kind: ContractKind | None = None
    procurement: ProcurementMethod | None = None
    major: bool = False
    term_start: date | None = None
    term_end: date | None = None

    def check(self) -> ContractRecord:
        """The record, or a UserError naming the field (a term that ends before it starts)."""
        if self.term_start is not None and self.term_end is not None and self.term_end < self.term_start:
            raise UserError(
                _("the term ends on {end}, before it starts on {start}").format(
                    end=self.term_end.isoformat(), start=self.term_start.isoformat()),
                "term_end",
            )
        return self

    def as_json(self) -> dict:
        return {
            "kind": self.kind.value if self.kind else None,
            "procurement_method": self.procurement.value if self.procurement else None,
            "major": self.major,
            "term_start": self.term_start.isoformat() if self.term_start else None,
            "term_end": self.term_end.isoformat() if self.term_end else None,
        }
