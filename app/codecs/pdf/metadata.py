"""Custom entries in the packet's document information: the anchor of its contract (app.store.anchor).

ReportLab writes a fixed set of information keys; a packet also names its contract's digest and audit-chain head
there, written in the same pass as the rest (no rewrite of the finished file), so a signature added afterwards
covers them and pyHanko's incremental update keeps them.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString


class _AnchoredInfo(PDFInfo):
    """ReportLab's document information with extra keys (PDF names without the slash → text)."""

    extra: dict[str, str] = {}  # noqa: RUF012  # replaced per instance

    def format(self, document):
        entries = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Producer": PDFString(self.producer),
            "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Trapped": PDFName(self.trapped),
        }
        entries["ModDate"] = entries["CreationDate"] = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        entries.update({key: PDFString(value) for key, value in self.extra.items()})
        return PDFDictionary(entries).format(document)


def with_information(canvas_class: type, extra: dict[str, str]) -> type:
    """`canvas_class` writing `extra` ({"/ContractDeskDigest": "…"}) into the document information too."""
    names = {key.lstrip("/"): value for key, value in extra.items()}

    class InformedCanvas(canvas_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            info = _AnchoredInfo()
            info.__dict__.update(self._doc.info.__dict__)
            info.extra = names
            self._doc.info = info

    return InformedCanvas
