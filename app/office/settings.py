"""An office's own contract rules (its 合同管理办法), as one JSON file every desk of the office shares.

Which party the office is in its contracts, who approves at which amount, how many (working) days the legal
office has to answer a legality review and the office has to file a signed contract, the offices it files
with, the files the archive wants for each kind of contract, and the certificates it trusts. Offices set
their own thresholds, so nothing here is hard-wired beyond defaults that match the commonest rules (review
and filing within 5 working days; department head below ¥50,000, the leader in charge from it, the
executive meeting from ¥500,000 and for major contracts).

The file is read strictly: an unknown or misspelt member, a member written twice, an amount with more than
two decimals, thresholds out of order — each is refused with one line naming the field, and nothing is
half-read. Amounts are written as decimal strings ("50000.00") and read as Decimal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.calendar.work_calendar import WorkCalendar
from app.domain.kinds import AttachmentKind, ContractKind
from app.errors import UserError
from app.fileio import atomic_write_text, os_reason
from app.i18n import N_, _, ngettext
from app.periods import period_end, working_days_end

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


# ---------------------------------------------------------------- writing


def _period_dict(period: Period | None) -> dict[str, Any] | None:
    return None if period is None else {"count": period.count, "unit": period.unit.value}


def settings_to_dict(s: OfficeSettings) -> dict[str, Any]:
    """The settings as a JSON-ready dict in canonical member order."""
    return {
        "format": SETTINGS_FORMAT,
        "office": s.office,
        "our_party": s.our_party,
        "approval": [
            {"from": f"{level.minimum:.2f}", "approver": level.approver.value, "title": level.title}
            for level in s.approval
        ],
        "major": {
            "from": None if s.major.minimum is None else f"{s.major.minimum:.2f}",
            "approver": s.major.approver.value,
            "title": s.major.title,
            "filing_period": _period_dict(s.major.filing_period),
            "archive_items": [k.value for k in s.major.archive_items],
        },
        "review_period": _period_dict(s.review_period),
        "filing_period": _period_dict(s.filing_period),
        "filing_offices": list(s.filing_offices),
        "archive_items": {
            key: [k.value for k in s.archive_items[key]]
            for key in sorted(s.archive_items, key=lambda k: (k != DEFAULT_KIND, k))
        },
        "trusted_certificates": [{"name": c.name, "pem": c.pem} for c in s.trusted_certificates],
    }


def dumps(settings: OfficeSettings) -> str:
    """Canonical JSON text (UTF-8 Chinese kept readable, two-space indent, final newline)."""
    return json.dumps(settings_to_dict(settings), ensure_ascii=False, indent=2) + "\n"


def write_settings(settings: OfficeSettings, path: Path) -> None:
    """Write the file atomically (a failed write leaves any earlier file as it was)."""
    atomic_write_text(path, dumps(settings))


# ---------------------------------------------------------------- reading


def _enum(reader: Any, key: str, enum: Any) -> Any:
    from app.interchange.json_codec import _enum as parse_enum

    return parse_enum(reader.raw(key), enum, reader._sub(key))


def _period(reader: Any, key: str, required: bool = True) -> Period | None:
    r = reader.obj(key, required=required)
    if r is None:
        return None
    count = r.integer("count")
    if count is None:
        raise r.fail("count", _("is missing"))
    if not 1 <= count <= MAX_PERIOD:
        raise r.fail("count", _("must be between {low} and {high}").format(low=1, high=MAX_PERIOD))
    return Period(count, _enum(r, "unit", PeriodUnit))


def _attachment_kinds(reader: Any, key: str) -> tuple[AttachmentKind, ...]:
    from app.interchange.json_codec import _enum as parse_enum

    values = reader.items(key, lambda v, p: parse_enum(v, AttachmentKind, p))
    for i, kind in enumerate(values):
        if kind in values[:i]:
            raise UserError(_("\"{value}\" is listed twice").format(value=kind.value), f"{reader._sub(key)}[{i}]")
    return tuple(values)


def _approval(reader: Any) -> tuple[ApprovalLevel, ...]:
    def level(data: Any, path: str) -> ApprovalLevel:
        from app.interchange.json_codec import _Reader

        r = _Reader(data, path)
        minimum = r.amount("from")
        assert minimum is not None
        return ApprovalLevel(minimum, _enum(r, "approver", Approver), r.text("title").strip())

    levels = reader.items("approval", level)
    if not levels:
        raise reader.fail("approval", _("must list at least one level"))
    if levels[0].minimum != 0:
        raise UserError(_("the first level must start from 0.00, so every amount has an approver"), "approval[0].from")
    for i in range(1, len(levels)):
        if levels[i].minimum <= levels[i - 1].minimum:
            raise UserError(
                _("must be more than the level before it ({amount})").format(amount=f"{levels[i - 1].minimum:.2f}"),
                f"approval[{i}].from",
            )
        if levels[i].approver.rank < levels[i - 1].approver.rank:
            raise UserError(
                _("a larger amount cannot go to a lower approver ({lower}) than a smaller one ({higher})").format(
                    lower=levels[i].approver.label, higher=levels[i - 1].approver.label
                ),
                f"approval[{i}].approver",
            )
    return tuple(levels)


def _major(reader: Any) -> MajorRule:
    r = reader.obj("major", required=True)
    # "from" must be there; null means only contracts the clerk marks major are major.
    minimum = None if r.raw("from") is None else r.amount("from")
    return MajorRule(
        minimum=minimum,
        approver=_enum(r, "approver", Approver),
        title=r.text("title").strip(),
        filing_period=_period(r, "filing_period", required=False),
        archive_items=_attachment_kinds(r, "archive_items"),
    )


def _filing_offices(reader: Any) -> tuple[str, ...]:
    reader.raw("filing_offices")  # required, even when empty (an office that files nowhere says so)
    offices: list[str] = []
    for i, value in enumerate(reader.items("filing_offices", lambda v, p: (v, p))):
        text, path = value
        if not isinstance(text, str) or not text.strip():
            raise UserError(_("must be the name of an office"), path)
        if text.strip() in offices:
            raise UserError(_("\"{value}\" is listed twice").format(value=text.strip()), f"filing_offices[{i}]")
        offices.append(text.strip())
    return tuple(offices)


def _archive_items(reader: Any) -> Mapping[str, tuple[AttachmentKind, ...]]:
    r = reader.obj("archive_items", required=True)
    allowed = [DEFAULT_KIND, *(k.value for k in ContractKind)]
    items: dict[str, tuple[AttachmentKind, ...]] = {}
    for key in r.data:
        if key not in allowed:
            raise r.fail(key, _("\"{value}\" is not one of: {choices}").format(value=key, choices=", ".join(allowed)))
        items[key] = _attachment_kinds(r, key)
    return MappingProxyType(items)


def _certificates(reader: Any) -> tuple[TrustedCertificate, ...]:
    def certificate(data: Any, path: str) -> TrustedCertificate:
        from cryptography.x509 import load_pem_x509_certificate

        from app.interchange.json_codec import _Reader

        r = _Reader(data, path)
        name = r.text("name", required=True).strip()
        if not name:
            raise r.fail("name", _("must not be empty"))
        pem = r.text("pem", required=True).strip() + "\n"
        try:
            load_pem_x509_certificate(pem.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise r.fail("pem", _("is not a certificate in PEM form (-----BEGIN CERTIFICATE-----)")) from exc
        return TrustedCertificate(name, pem)

    certs = reader.items("trusted_certificates", certificate)
    seen: dict[str, int] = {}
    for i, cert in enumerate(certs):
        if cert.sha256 in seen:
            raise UserError(
                _("the same certificate as trusted_certificates[{n}]").format(n=seen[cert.sha256]),
                f"trusted_certificates[{i}].pem",
            )
        seen[cert.sha256] = i
    return tuple(certs)


def settings_from_dict(data: Any) -> OfficeSettings:
    """Validate a parsed settings document; UserError names the first bad field."""
    from app.interchange.json_codec import _Reader

    r = _Reader(data, "")
    fmt = r.raw("format")
    if isinstance(fmt, str) and fmt.startswith(FORMAT_PREFIX) and fmt != SETTINGS_FORMAT:
        raise UserError(
            _("\"{value}\" was written by a newer ContractDesk; this version reads \"{expected}\"").format(
                value=fmt, expected=SETTINGS_FORMAT
            ),
            "format",
        )
    if fmt != SETTINGS_FORMAT:
        raise UserError(
            _("\"{value}\" is not a supported format (expected \"{expected}\")").format(
                value=fmt, expected=SETTINGS_FORMAT
            ),
            "format",
        )
    our_party = r.text("our_party", required=True)
    if our_party not in ("a", "b"):
        raise r.fail("our_party", _("must be \"a\" or \"b\""))
    return OfficeSettings(
        office=r.text("office").strip(),
        our_party=our_party,
        approval=_approval(r),
        major=_major(r),
        review_period=_period(r, "review_period") or Period(5),
        filing_period=_period(r, "filing_period") or Period(5),
        filing_offices=_filing_offices(r),
        archive_items=_archive_items(r),
        trusted_certificates=_certificates(r),
    )


def loads(text: str | bytes) -> OfficeSettings:
    """Parse settings JSON text; UserError for malformed JSON, a bad field, or a member the format lacks."""
    from app.interchange.json_codec import _parse, _strict

    data = _parse(text)
    with _strict(SETTINGS_FORMAT):
        return settings_from_dict(data)


def read_settings(path: Path) -> OfficeSettings:
    """Read and check a settings file; UserError naming the file or the field on any problem."""
    where = str(path)
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            raise UserError(_("the file is too large for office settings"), where)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(_("file not found"), where) from exc
    except IsADirectoryError as exc:
        raise UserError(_("is a folder, not a file"), where) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), where) from exc
    return loads(data)
