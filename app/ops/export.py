"""Exporting and printing packets: one options object for every output, the same for the window and the CLI.

A packet of a signed contract goes out only when nothing stands against it (app.review.obstacles) or with the
reason why it goes anyway; a packet of a contract not yet signed always goes out, marked as a draft that has not
passed the check when something stands against it. The contract is read once and every output is written
atomically (a cancelled or failed export leaves nothing at its target). PDF and Excel packets carry the contract's digest and the head of its audit chain
(app.store.anchor), so the database can later be checked against them. A packet that went out is kept as a revision ("packet exported" / "packet printed"), so a
reviewer can later compare with exactly what was sent. ReportLab, openpyxl and pyHanko are imported on first
use, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Contract, Status
from app.ops.changes import Done, Part
from app.ops.unit import contract_unit
from app.review.obstacles import Obstacle, Obstacles, Step, audit_problems, given, obstacles
from app.store.db import Database
from app.store.revisions import Reason

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass
class ExportOptions:
    """Where each output goes (None: not written) and the options of the packets."""

    json: Path | None = None
    pdf: Path | None = None
    xlsx: Path | None = None
    #: The packet as an editable Word file (for a supplier or a reviewer without ContractDesk).
    docx: Path | None = None
    #: The changes since `since` and the open comments, for a review meeting.
    review_pdf: Path | None = None
    annexes: bool = True
    #: An app.codecs.pdf.fonts.FontPreference value ("auto", "bundled", "simsun", "fangsong").
    font: str = "auto"
    cross_page_seal: Path | None = None
    sign_with: Path | None = None
    #: The password of `sign_with`, asked by the caller (the window's dialog, the terminal).
    password: bytes = b""
    with_amendments: bool = False
    #: A 审阅 sheet with the comments in the workbook.
    review_sheet: bool = False
    #: Revision number or name for `review_pdf` (None: the last one marked as reviewed).
    since: str | None = None
    #: The day the workbook's due dates are counted from (None: today).
    today: date | None = None
    #: How a refusal names each output ("json" → "--json" unless given, e.g. the dialog's "Save as").
    labels: dict[str, str] = field(default_factory=dict)
    #: The reason to send a packet of a signed contract although something stands against it (app.review.obstacles).
    despite: str | None = None

    def packets(self) -> bool:
        """Whether a packet is written (PDF, Excel, Word): what the guardrail and the draft mark are about."""
        return any(p is not None for p in (self.pdf, self.xlsx, self.docx))

    def outputs(self) -> list[Path]:
        return [p for p in (self.json, self.pdf, self.xlsx, self.docx, self.review_pdf) if p is not None]

    def targets(self) -> dict[str, Path | None]:
        """Every file the export would write, by how a refusal names it (a signed workbook's .p7s too)."""
        from app.codecs.signing.cms import signature_path

        named = {name: getattr(self, name) for name in ("json", "pdf", "xlsx", "docx", "review_pdf")}
        out = {self.labels.get(name, "--" + name.replace("_", "-")): path for name, path in named.items()}
        if self.xlsx is not None and self.sign_with is not None:
            signature = signature_path(self.xlsx)
            out[str(signature)] = signature
        return out


@dataclass(frozen=True)
class Exported:
    """What an export wrote, and what stands against the contract: a packet of an unsigned contract with
    problems went out marked as a draft that has not passed the check (each adapter says so too)."""

    files: list[Path]
    unchecked: list[Obstacle] = field(default_factory=list)


def export_packet(db: Database, number: str, options: ExportOptions, *, progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> Done[Exported]:
    """Write the outputs `options` names; the value is the files written and the problems the packet was
    marked for.

    A packet (PDF, Excel, Word) of a signed contract is refused (Obstacles) while something stands against
    it, unless `options.despite` gives the reason, which the audit trail keeps. A packet of a contract not
    yet signed always goes out, but with problems it is marked 草稿·未通过校验 on every page and sheet.
    """
    from app.codecs.pdf.fonts import FontPreference, require_installed, windows_fonts_folder
    from app.store.anchor import take
    from app.store.output_targets import check_output_targets

    if not options.outputs():
        raise UserError(_("say what to write: --json, --pdf, --xlsx or --docx"), "export")
    # Never onto the database, its journals or backups, nor two outputs onto one file: refused before writing.
    check_output_targets(options.targets(), db.path)
    if options.pdf is not None:  # a font this machine lacks is refused before anything is written
        require_installed(FontPreference(options.font), windows_fonts_folder(), "--font")
    anchored = take(db, number)  # the contract with its digest and chain head, which the packets carry
    contract = anchored.contract
    problems: list[Obstacle] = []
    signed = contract.status in (Status.SIGNED, Status.ARCHIVED)
    if options.packets():
        problems = _standing(db, contract, Step.SEND_SIGNED if signed else Step.APPROVE)
        if signed and problems and not given(options.despite):
            raise Obstacles(number, Step.SEND_SIGNED, problems)
    draft = bool(problems) and not signed
    written: list[Path] = []
    if options.review_pdf is not None:
        from app.ops.review_export import write_review_pdf

        write_review_pdf(db, number, options.review_pdf, options.since)
        written.append(options.review_pdf)
    if options.json is not None:
        from app.base.fileio import atomic_write_text
        from app.ops.exchange import export_document

        atomic_write_text(options.json, export_document(db, number))
        written.append(options.json)
    if options.pdf is not None:
        from app.codecs.pdf import PdfOptions, export_pdf
        from app.store.amendments import list_amendments

        export_pdf(contract, options.pdf, PdfOptions(
            annexes=options.annexes,
            cross_page_seal=options.cross_page_seal,
            sign_with=options.sign_with,
            password=options.password,
            font_preference=FontPreference(options.font),
            amendments=list_amendments(db, number) if options.with_amendments else [],
            anchor=anchored.anchor,
            progress=progress,
            cancelled=cancelled,
            draft_mark=draft,
        ))
        written.append(options.pdf)
    if options.docx is not None:
        from app.codecs.docx import export_docx

        export_docx(contract, options.docx, draft)
        written.append(options.docx)
    if options.xlsx is not None:
        from app.codecs.xlsx import XlsxOptions, export_xlsx
        from app.rules.schedule import build_schedule
        from app.store.calendar import load_calendar
        from app.store.comments import list_comments

        export_xlsx(contract, options.xlsx, XlsxOptions(
            sign_with=options.sign_with,
            password=options.password,
            schedule=build_schedule(contract, load_calendar(db), options.today or date.today()),
            include_review=options.review_sheet,
            review_comments=list_comments(db, number) if options.review_sheet else [],
            anchor=anchored.anchor,
            progress=progress,
            cancelled=cancelled,
            draft_problems=[p.text for p in problems] if draft else [],
        ))
        written.append(options.xlsx)
    sent_despite = problems if signed else []
    done = _packet_went_out(db, number, Reason.EXPORTED, anchored, sent_despite, options.despite)
    return Done(done.changes, Exported(written, problems if draft else []))


def render_packet(db: Database, number: str, options: ExportOptions | None = None, *, progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> bytes:
    """The packet's PDF bytes for print preview and printing (nothing is written or kept); `options` gives the
    font and whether the annexes are included."""
    from app.codecs.pdf import FontPreference, PdfOptions, render_pdf
    from app.store.contracts import load

    options = options or ExportOptions()
    contract = load(db, number)
    draft = contract.status not in (Status.SIGNED, Status.ARCHIVED) and bool(_standing(db, contract, Step.APPROVE))
    return render_pdf(contract, PdfOptions(annexes=options.annexes, font_preference=FontPreference(options.font),
                                           progress=progress, cancelled=cancelled, draft_mark=draft))


def _standing(db: Database, contract: Contract, step: Step) -> list[Obstacle]:
    """What stands against `step` for the contract as it was read for the export."""
    from app.store.comments import list_comments

    return obstacles(contract, list_comments(db, contract.number, open_only=True), step)


def packet_printed(db: Database, number: str) -> Done[int | None]:
    """The packet was sent to a printer: keep the contract as printed."""
    return _packet_went_out(db, number, Reason.PRINTED)


def _packet_went_out(db: Database, number: str, reason: Reason, anchored=None,
                     despite_problems: list[Obstacle] | None = None, despite: str | None = None) -> Done[int | None]:
    """Keep the contract as it went out: each packet is a moment of its own. An exported packet is kept as
    exactly what it holds, at the place in the trail its anchor names (someone may have changed the contract
    while it was being written). Problems it went out despite are audited with the reason."""
    from app.store.revisions import keep_snapshot

    with contract_unit(db, number) as u:
        if despite_problems:
            u.audit("despite", {"step": "export", "problems": audit_problems(despite_problems)}, (despite or "").strip())
        if anchored is None:
            seq = u.keep(reason, unless_unchanged=False)
        else:
            seq = keep_snapshot(u.s, number, anchored.data, anchored.tables, reason, audit_seq=anchored.anchor.chain_seq,
                                user=u.user, version=anchored.version)
            u.parts.add(Part.REVISIONS)
        return Done(u.result(), seq)
