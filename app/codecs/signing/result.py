"""The outcome of checking a signed packet, shared by the PDF and Excel verifiers.

A packet may carry several signatures (a PDF countersigned in an incremental update, a CMS file with two
signers); each is judged on its own and the packet's verdict is the worst of them, so a later signature by
someone else can never vouch for changes made after an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SignatureState(StrEnum):
    INTACT = "intact"  # signature valid and the document unchanged since signing
    MODIFIED = "modified"  # signed, but changed after signing
    INVALID = "invalid"  # the signature itself does not verify
    UNTRUSTED = "untrusted"  # intact, but a signer's certificate does not chain to the trust list given
    UNSIGNED = "unsigned"  # no signature found


#: Worst first: the packet's state is the first of these that any of its signatures has.
_SEVERITY = (SignatureState.INVALID, SignatureState.MODIFIED, SignatureState.UNTRUSTED, SignatureState.INTACT)


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a packet."""

    state: SignatureState  # INTACT, MODIFIED or INVALID: this signature's own verdict
    signer: str = ""
    signed_at: datetime | None = None
    #: SHA-256 of the signer's certificate (AB:CD:…); "" when the signature is too damaged to say.
    fingerprint: str = ""
    #: Whether the certificate chains to the trust list; None when no trust list was given.
    trusted: bool | None = None
    #: PDF: the revision this signature signs (counted from 1) and how many the file has; None for Excel.
    revision: int | None = None
    revisions: int | None = None
    detail: str = ""
    field: str = ""  # PDF: the signature field's name

    @property
    def covers_whole_file(self) -> bool:
        return self.revision is None or self.revision == self.revisions


@dataclass(frozen=True)
class VerifyResult:
    state: SignatureState
    signer: str = ""
    signed_at: datetime | None = None
    detail: str = ""
    signatures: tuple[SignatureReport, ...] = ()
    #: Revisions added after the first signature that carry no signature: "revision 3 of 4" (PDF only).
    changes: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """`contractdesk verify`: 0 intact, 1 modified, invalid or untrusted, 2 no signature found."""
        return {SignatureState.INTACT: 0, SignatureState.UNSIGNED: 2}.get(self.state, 1)


def overall_state(reports: list[SignatureReport], trust_given: bool) -> SignatureState:
    """The packet's state from its signatures' own: the worst of them, UNTRUSTED when a trust list was given
    and a signer's certificate does not chain to it."""
    states = {r.state for r in reports}
    if trust_given and SignatureState.INTACT in states and any(r.trusted is False for r in reports):
        states.add(SignatureState.UNTRUSTED)
    return next((s for s in _SEVERITY if s in states), SignatureState.INTACT)
