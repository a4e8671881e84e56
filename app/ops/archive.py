"""The archive packet and the contract ledger as files, and the archive check.

`check_archive` says what the office's settings want in the archive that is not attached, and compares each
scanned signed original with the packet it came from. `export_archive` writes the archive packet (app.codecs.pdf.archive_packet)
atomically; the contract packet inside it went out, so the contract is kept as a revision ("packet exported"), as
any export keeps it. `export_ledger` writes the ledger (app.ledger) across all contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.base.clock import current_user, local_time
from app.base.errors import UserError
from app.base.fileio import atomic_path
from app.base.i18n import _
from app.codecs.pdf.archive_packet import ArchiveFile, ArchivePacket, build_archive_packet
from app.domain import Contract
from app.domain.kinds import AttachmentKind
from app.ops.changes import Changes, Done
from app.rules.scan_compare import ScanComparison, compare_scan
from app.store.db import Database
from app.store.revisions import Reason


@dataclass
class ArchiveCheck:
    missing: tuple[AttachmentKind, ...]
    comparisons: list[ScanComparison] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """One line per problem: the missing files, then whatever a scanned original does not match."""
        out = []
        if self.missing:
            out.append(_("the archive still lacks: {items}").format(items=_(", ").join(k.label for k in self.missing)))
        for comparison in self.comparisons:
            out += comparison.problems
        return out

    def as_json(self) -> dict:
        return {
            "missing": [k.value for k in self.missing],
            "scans": [{"id": c.attachment.id, "name": c.attachment.name, "scan_pages": c.scan_pages,
                       "packet_pages": c.packet_pages, "packet": c.packet_source, "has_text": c.has_text,
                       "number_found": c.number_found, "total_found": c.total_found} for c in self.comparisons],
            "problems": self.problems,
        }


def packet_source(db: Database, number: str) -> tuple[Contract, str]:
    """The contract as its packet last went out (exported or printed), and how to name that packet; the contract
    as it is now when no packet went out yet."""
    from app.store.contracts import load
    from app.store.revisions import list_revisions, load_revision

    out = [r for r in list_revisions(db, number) if r.reason in (Reason.EXPORTED, Reason.PRINTED)]
    if not out:
        return load(db, number), _("the contract as it is now")
    last = out[-1]
    return load_revision(db, number, last.seq), _("the packet that went out at {time} (revision {n})").format(
        time=local_time(last.at), n=last.seq)


def _render(contract: Contract, font: str) -> bytes:
    from app.codecs.pdf import FontPreference, PdfOptions, render_pdf

    return render_pdf(contract, PdfOptions(annexes=True, font_preference=FontPreference(font)))


def _files(db: Database, number: str) -> list[ArchiveFile]:
    from app.store import attachments as store

    return [ArchiveFile(*store.content(db, number, info.id)) for info in store.list_attachments(db, number)]


def _comparisons(db: Database, number: str, files: list[ArchiveFile], font: str) -> list[ScanComparison]:
    scans = [f for f in files if f.info.kind is AttachmentKind.SIGNED_ORIGINAL]
    if not scans:
        return []
    contract, source = packet_source(db, number)
    packet = _render(contract, font)
    return [compare_scan(f.info, f.data, packet, contract, source) for f in scans]


def check_archive(db: Database, number: str, *, today: date | None = None, font: str = "auto") -> ArchiveCheck:
    """What the archive still lacks, and how each scanned signed original compares with its packet."""
    from app.ops.standings import standing

    st = standing(db, number, today or date.today())
    return ArchiveCheck(st.missing_items, _comparisons(db, number, _files(db, number), font))


def export_archive(db: Database, number: str, out: Path, *, font: str = "auto", today: date | None = None,
                   user: str | None = None) -> Done[ArchivePacket]:
    """Write the archive packet to `out` (atomically); the value says what it holds and what is missing."""
    from app.codecs.pdf.fonts import FontPreference, require_installed, windows_fonts_folder
    from app.ops.export import _packet_went_out
    from app.ops.standings import standing
    from app.store.contracts import load
    from app.store.output_targets import check_output_targets

    out = Path(out)
    check_output_targets({"--pdf": out}, db.path)
    require_installed(FontPreference(font), windows_fonts_folder(), "--font")
    today = today or date.today()
    st = standing(db, number, today)
    files = _files(db, number)
    packet = build_archive_packet(
        st, _render(load(db, number), font), files, today=today,
        compiled_by=user if user is not None else current_user(), comparisons=_comparisons(db, number, files, font),
        font_preference=FontPreference(font))
    with atomic_path(out) as tmp:
        tmp.write_bytes(packet.pdf)
    return Done(_packet_went_out(db, number, Reason.EXPORTED).changes, packet)


@dataclass
class LedgerExport:
    rows: int
    written: list[Path]
    workbook: object = None  # app.codecs.ledger_xlsx.LedgerWorkbook, when a workbook was written


def export_ledger(db: Database, *, xlsx: Path | None = None, pdf: Path | None = None, year: int | None = None,
                  stage=None, counterparty: str = "", today: date | None = None,
                  font: str = "auto") -> Done[LedgerExport]:
    """Write the contract ledger across all contracts (kept by the filter) as a workbook and/or a PDF."""
    from app.codecs.ledger_pdf import export_ledger_pdf
    from app.codecs.ledger_xlsx import export_ledger_xlsx
    from app.codecs.pdf.fonts import FontPreference, require_installed, windows_fonts_folder
    from app.ops.standings import all_standings
    from app.rules.ledger import LedgerFilter
    from app.store.lifecycle import load_settings
    from app.store.output_targets import check_output_targets

    if xlsx is None and pdf is None:
        raise UserError(_("say what to write: --xlsx or --pdf"), "ledger")
    check_output_targets({"--xlsx": xlsx, "--pdf": pdf}, db.path)
    if pdf is not None:
        require_installed(FontPreference(font), windows_fonts_folder(), "--font")
    today = today or date.today()
    rows = [st.ledger_row() for st in all_standings(db, today)]
    office = load_settings(db).office
    keep = LedgerFilter(year=year, stage=stage, counterparty=counterparty)
    written: list[Path] = []
    workbook = None
    if xlsx is not None:
        workbook = export_ledger_xlsx(rows, Path(xlsx), office=office, filter=keep, today=today)
        written.append(Path(xlsx))
    if pdf is not None:
        export_ledger_pdf(rows, Path(pdf), office=office, filter=keep, today=today, font_preference=FontPreference(font))
        written.append(Path(pdf))
    return Done(Changes(), LedgerExport(len(keep.apply(rows)), written, workbook))
