"""Contract intake: read the draft the other side sent (.docx, .txt, text PDF), recognise the contract, and
check its arithmetic before anyone signs. Qt-free; nothing here writes to the store.

    doc = read_document(path)          # SourceDoc, or UserError for a file that cannot be read
    result = recognise(doc)            # IntakeResult: contract + a FieldRecord per field, or UserError
    report = review(result)            # ArithmeticReport: every number checked against the others
"""

from app.codecs.intake.arithmetic import ArithmeticReport, Check, Status, review
from app.codecs.intake.document import Place, SourceDoc, SourceKind, Span
from app.codecs.intake.readers import read_document
from app.codecs.intake.recognise import recognise
from app.codecs.intake.result import Confidence, FieldRecord, IntakeResult

__all__ = [
    "ArithmeticReport", "Check", "Confidence", "FieldRecord", "IntakeResult", "Place", "SourceDoc", "SourceKind", "Span",
    "Status", "read_document", "recognise", "review",
]
