"""One signing date per party: the date printed on the signing page is the date the schedule counts from.

A contractdesk/1 document has both members (``signing.a.date`` on the signing page, ``events.signed_a`` among
the schedule's events), and files written by earlier releases may fill only one of them. The model keeps both,
so every file still reads and writes as before; what keeps them one value is here:

* an edit of either sets both (`keep_one_signing_date`, run by every contract edit in app.ops);
* a document giving only one fills the other when it is imported (`fill_signing_dates`);
* a stored contract where they still differ is reported by `contractdesk check` (rule ``signing-date``).
"""

from __future__ import annotations

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Contract, party_name

ROLES = ("a", "b")


def keep_one_signing_date(before: Contract, after: Contract) -> None:
    """Make `after` carry each party's signing date in both places, whichever of the two an edit changed.

    An edit that sets the two to different dates at once is refused (UserError naming the signing page's
    date): there is no telling which one the clerk meant."""
    for role in ROLES:
        event = f"signed_{role}"
        page_old, page_new = before.signing(role).date, after.signing(role).date
        event_old, event_new = getattr(before.events, event), getattr(after.events, event)
        if page_old != page_new and event_old != event_new and page_new != event_new:
            raise UserError(_("{party}'s signing date is one date: the signing page and the signing event cannot "
                              "be set to different days").format(party=party_name(role)), f"signing.{role}.date")
        if page_old != page_new:
            setattr(after.events, event, page_new)
        elif event_old != event_new:
            after.signing(role).date = event_new


def fill_signing_dates(contract: Contract) -> None:
    """Where a document gives a party's signing date in one place only, use it for the other too."""
    for role in ROLES:
        event = f"signed_{role}"
        page, recorded = contract.signing(role).date, getattr(contract.events, event)
        if page is None and recorded is not None:
            contract.signing(role).date = recorded
        elif recorded is None and page is not None:
            setattr(contract.events, event, page)
