"""The bundled sample contract (CMHA-AY-202500441), stored as contractdesk/1 JSON in resources/."""

from __future__ import annotations

from app.base.resources import resource
from app.codecs.json_codec import loads
from app.domain import Contract

SAMPLE_NUMBER = "CMHA-AY-202500441"


def sample_path():
    return resource("sample", "contract.json")


def sample_contract() -> Contract:
    return loads(sample_path().read_text(encoding="utf-8"))
