"""The bundled sample contract (CMHA-AY-202500441), stored as contractdesk/1 JSON in resources/."""

from __future__ import annotations

from app.domain import Contract
from app.interchange.json_codec import loads
from app.paths import resource

SAMPLE_NUMBER = "CMHA-AY-202500441"


def sample_path():
    return resource("sample", "contract.json")


def sample_contract() -> Contract:
    return loads(sample_path().read_text(encoding="utf-8"))


def install_sample(db) -> None:
    """Load the sample into a new database so that the first launch shows it."""
    from app.ops.contracts import import_document

    import_document(db, sample_path().read_bytes())
