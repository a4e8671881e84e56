"""The office settings file (format contractdesk-office/1): one JSON file every desk of an office shares.

The file is read strictly: an unknown or misspelt member, a member written twice, an amount with more than
two decimals, thresholds out of order — each is refused with one line naming the field, and nothing is
half-read. Amounts are written as decimal strings ("50000.00") and read as Decimal. The settings themselves
are app.rules.office.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.base.errors import UserError
from app.base.fileio import atomic_write_text, read_input_file
from app.base.i18n import _
from app.domain.kinds import AttachmentKind, ContractKind
from app.rules.office import (
    DEFAULT_KIND,
    FORMAT_PREFIX,
    MAX_PERIOD,
    MAX_SETTINGS_BYTES,
    SETTINGS_FORMAT,
    ApprovalLevel,
    Approver,
    MajorRule,
    OfficeSettings,
    Period,
    PeriodUnit,
    TrustedCertificate,
)
from app.values.money import format_amount

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
            {"from": format_amount(level.minimum, grouping=False), "approver": level.approver.value, "title": level.title}
            for level in s.approval
        ],
        "major": {
            "from": None if s.major.minimum is None else format_amount(s.major.minimum, grouping=False),
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
    from app.codecs.json_codec import _enum as parse_enum

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
    from app.codecs.json_codec import _enum as parse_enum

    values = reader.items(key, lambda v, p: parse_enum(v, AttachmentKind, p))
    for i, kind in enumerate(values):
        if kind in values[:i]:
            raise UserError(_("\"{value}\" is listed twice").format(value=kind.value), f"{reader._sub(key)}[{i}]")
    return tuple(values)


def _approval(reader: Any) -> tuple[ApprovalLevel, ...]:
    def level(data: Any, path: str) -> ApprovalLevel:
        from app.codecs.json_codec import _Reader

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
                _("must be more than the level before it ({amount})").format(amount=format_amount(levels[i - 1].minimum)),
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

        from app.codecs.json_codec import _Reader

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
    from app.codecs.json_codec import _Reader

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
    from app.codecs.json_codec import _parse, _strict

    data = _parse(text)
    with _strict(SETTINGS_FORMAT):
        return settings_from_dict(data)


def read_settings(path: Path) -> OfficeSettings:
    """Read and check a settings file; UserError naming the file or the field on any problem."""
    return loads(read_input_file(path, MAX_SETTINGS_BYTES))
