"""Excel export: `export_xlsx(contract, out, XlsxOptions(...))` writes the workbook (and its signature)."""

from app.codecs.xlsx.workbook import ExportCancelled, XlsxOptions, export_xlsx

__all__ = ["ExportCancelled", "XlsxOptions", "export_xlsx"]
