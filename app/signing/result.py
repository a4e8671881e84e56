"""The outcome of checking a signed packet, shared by the PDF and Excel verifiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SignatureState(StrEnum):
    INTACT = "intact"  # signature valid and the document unchanged since signing
    MODIFIED = "modified"  # signed, but changed after signing
    INVALID = "invalid"  # the signature itself does not verify
    UNSIGNED = "unsigned"  # no signature found


@dataclass(frozen=True)
class VerifyResult:
    state: SignatureState
    signer: str = ""
    signed_at: datetime | None = None
    detail: str = ""

    @property
    def exit_code(self) -> int:
        """`contractdesk verify`: 0 intact, 1 modified or invalid, 2 no signature found."""
        return {SignatureState.INTACT: 0, SignatureState.UNSIGNED: 2}.get(self.state, 1)
