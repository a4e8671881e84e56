"""An office's own contract rules (its 合同管理办法): which party it is, who approves at which amount, its periods.

Which party the office is in its contracts, who approves at which amount, how many (working) days the legal
office has to answer a legality review and the office has to file a signed contract, the offices it files
with, the files the archive wants for each kind of contract, and the certificates it trusts. Offices set
their own thresholds, so nothing here is hard-wired beyond defaults that match the commonest rules (review
and filing within 5 working days; department head below ¥50,000, the leader in charge from it, the
executive meeting from ¥500,000 and for major contracts).

Shared by every desk of an office as one JSON file: app.codecs.office_settings reads and writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from app.base.i18n import N_, _, ngettext
from app.domain.calendar import WorkCalendar
from app.domain.kinds import AttachmentKind, ContractKind
from app.rules.periods import period_end, working_days_end

#: The format member of the file; a later incompatible layout gets /2 and is refused here by name.
SETTINGS_FORMAT = "contractdesk-office/1"
FORMAT_PREFIX = "contractdesk-office/"
#: The name the export suggests; any name reads.
SETTINGS_FILE_NAME = "office-settings.json"
#: A settings file is small; certificates make it a few kilobytes each.
MAX_SETTINGS_BYTES = 1024 * 1024
#: The longest review or filing period an office can set (a slip of the keyboard beyond it).
MAX_PERIOD = 366
#: Members of archive_items: a contract kind, or this for every kind not listed.
DEFAULT_KIND = "default"


class Approver(StrEnum):
    """Who approves a contract, lowest first: a later one may always approve what an earlier one may."""

    DEPARTMENT_HEAD = "department_head"  # 部门负责人
    LEADER_IN_CHARGE = "leader_in_charge"  # 分管领导
    PRINCIPAL = "principal"  # 主要负责人
    OFFICE_MEETING = "office_meeting"  # 办公会议（局长办公会、主任办公会）
    EXECUTIVE_MEETING = "executive_meeting"  # 政府常务会议

    @property
    def rank(self) -> int:
        return list(Approver).index(self)

    @property
    def label(self) -> str:
        return _(APPROVER_LABELS[self])


APPROVER_LABELS = {
    Approver.DEPARTMENT_HEAD: N_("department head"),
    Approver.LEADER_IN_CHARGE: N_("leader in charge"),
    Approver.PRINCIPAL: N_("principal leader"),
    Approver.OFFICE_MEETING: N_("office meeting"),
    Approver.EXECUTIVE_MEETING: N_("executive meeting"),
}


class PeriodUnit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"


@dataclass(frozen=True)
class Period:
    """A period the office's rules set: working days (holidays skipped, make-up working days counted) or
    calendar days (Civil Code arts. 201–203: from the next day, a last day on a rest day moves on)."""

    count: int
    unit: PeriodUnit = PeriodUnit.WORKING_DAYS

    def end(self, start: date, calendar: WorkCalendar) -> date:
        if self.unit is PeriodUnit.WORKING_DAYS:
            return working_days_end(start, calendar, self.count)
        return period_end(start, calendar, days=self.count)

    @property
    def words(self) -> str:
        if self.unit is PeriodUnit.WORKING_DAYS:
            return ngettext("{n} working day", "{n} working days", self.count).format(n=self.count)
        return ngettext("{n} day", "{n} days", self.count).format(n=self.count)


@dataclass(frozen=True)
class ApprovalLevel:
    """Contracts from `minimum` (inclusive) up to the next level's minimum go to `approver`; `title` is the
    office's own name for it (局长办公会议), shown instead of the standard one where given."""

    minimum: Decimal
    approver: Approver
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or self.approver.label


@dataclass(frozen=True)
class MajorRule:
    """重大合同: from `minimum` (or whenever the clerk marks one major) the `approver` decides, filing may
    have its own period, and the archive wants `archive_items` besides those of the kind."""

    minimum: Decimal | None = Decimal("500000.00")
    approver: Approver = Approver.EXECUTIVE_MEETING
    title: str = ""
    filing_period: Period | None = None
    archive_items: tuple[AttachmentKind, ...] = (AttachmentKind.MINUTES,)

    @property
    def label(self) -> str:
        return self.title or self.approver.label


@dataclass(frozen=True)
class TrustedCertificate:
    """A certificate whose signatures the office accepts (used when verifying signed packets)."""

    name: str
    pem: str

    @property
    def der(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding
        from cryptography.x509 import load_pem_x509_certificate

        return load_pem_x509_certificate(self.pem.encode("ascii")).public_bytes(Encoding.DER)

    @property
    def sha256(self) -> str:
        """The fingerprint as certificate viewers show it (upper-case hex)."""
        return hashlib.sha256(self.der).hexdigest().upper()


DEFAULT_APPROVAL = (
    ApprovalLevel(Decimal("0.00"), Approver.DEPARTMENT_HEAD),
    ApprovalLevel(Decimal("50000.00"), Approver.LEADER_IN_CHARGE),
    ApprovalLevel(Decimal("500000.00"), Approver.EXECUTIVE_MEETING),
)
#: The offices most county rules name: the legal office (司法局 since the 2018 reform) and the archive.
DEFAULT_FILING_OFFICES = ("司法局", "档案室")
DEFAULT_ARCHIVE_ITEMS: Mapping[str, tuple[AttachmentKind, ...]] = MappingProxyType({
    DEFAULT_KIND: (
        AttachmentKind.COUNTERPARTY_LICENCE,
        AttachmentKind.REVIEW_OPINION,
        AttachmentKind.APPROVAL_SHEET,
        AttachmentKind.SIGNED_ORIGINAL,
    ),
})


@dataclass(frozen=True)
class OfficeSettings:
    """The office's rules. `our_party` is "a" or "b": the side of the contracts the office signs on."""

    office: str = ""
    our_party: str = "a"
    approval: tuple[ApprovalLevel, ...] = DEFAULT_APPROVAL
    major: MajorRule = field(default_factory=MajorRule)
    review_period: Period = Period(5)
    filing_period: Period = Period(5)
    filing_offices: tuple[str, ...] = DEFAULT_FILING_OFFICES
    archive_items: Mapping[str, tuple[AttachmentKind, ...]] = field(default_factory=lambda: DEFAULT_ARCHIVE_ITEMS)
    trusted_certificates: tuple[TrustedCertificate, ...] = ()

    # -- what the rules say for one contract
    def is_major(self, amount: Decimal, marked: bool = False) -> bool:
        """A contract is major when the clerk marks it so or its amount reaches the major threshold."""
        return marked or (self.major.minimum is not None and amount >= self.major.minimum)

    def approval_for(self, amount: Decimal, major: bool = False) -> ApprovalLevel:
        """The level whose approval the amount needs; a major contract goes to the major rule's approver
        (or the amount's level, where that is higher)."""
        level = self.approval[0]
        for candidate in self.approval:
            if amount >= candidate.minimum:
                level = candidate
        if self.is_major(amount, major) and self.major.approver.rank > level.approver.rank:
            return ApprovalLevel(level.minimum, self.major.approver, self.major.title)
        return level

    def filing_period_for(self, major: bool) -> Period:
        return self.major.filing_period if major and self.major.filing_period else self.filing_period

    def required_archive_items(self, kind: ContractKind | None, major: bool = False) -> tuple[AttachmentKind, ...]:
        """The files the archive wants for a contract of `kind`, in AttachmentKind order."""
        items = set(self.archive_items.get(kind.value if kind else "", self.archive_items.get(DEFAULT_KIND, ())))
        if major:
            items.update(self.major.archive_items)
        return tuple(k for k in AttachmentKind if k in items)

    def counterparty_role(self) -> str:
        """The role ("a"/"b") of the other side."""
        return "b" if self.our_party == "a" else "a"
