"""Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters with a check character."""

from __future__ import annotations

from app.base.i18n import N_, _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §5: 31 − (Σ value×weight mod 31), 31 → 0)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when `code` is a valid code, else what is wrong with it, in a few words (English msgid)."""
    if len(code) != 18:
        return N_("must be 18 characters")
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return _("character “{char}” is not allowed").format(char=bad[0])
    if check_character(code[:17]) != code[17]:
        return N_("check character does not match")
    return None
