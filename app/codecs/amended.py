"""The contract as its amendments leave it: their changes applied to its document form, then read back."""

from __future__ import annotations

from app.base.errors import UserError
from app.base.i18n import _
from app.codecs.json_codec import contract_from_dict, contract_to_dict
from app.domain import Contract
from app.domain.amendment import Amendment, apply_changes


def effective_contract(contract: Contract, amendments: list[Amendment]) -> Contract:
    """The contract as amended: each amendment's changes applied in order, validated as a document."""
    if not any(a.changes for a in amendments):
        return contract
    data = contract_to_dict(contract)
    for a in amendments:
        try:
            apply_changes(data, a.changes)
        except UserError as exc:
            raise UserError(exc.message, f"{a.number}: {exc.where}") from exc
    try:
        result = contract_from_dict(data)
    except UserError as exc:
        raise UserError(exc.message, _("amendments: {where}").format(where=exc.where)) from exc
    return result
