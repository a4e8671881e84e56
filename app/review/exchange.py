"""A contract's JSON document with its review members: what a reviewer on another machine gets and sends back.

`export_document` writes the contract plus its comments and amendments (members left out when
empty, so a plain contract stays byte-identical). `import_document` stores the contract when it is
new (or with `replace`), then merges comments by id and amendments by number, all in one
transaction; importing the same file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.errors import UserError
from app.i18n import _
from app.review import amendments as amendments_store
from app.review import comments as comments_store
from app.store.db import Database
from app.store.schema import ContractRow


@dataclass(frozen=True)
class ImportResult:
    number: str
    created: bool
    replaced: bool
    comments_added: int
    comments_updated: int
    amendments_added: int


def export_document(db: Database, number: str) -> str:
    from app.interchange.json_codec import dumps, review_extra
    from app.store.contracts import load

    contract = load(db, number)
    return dumps(contract, review_extra(comments_store.list_comments(db, number), amendments_store.list_amendments(db, number)))


def import_document(db: Database, text: str | bytes, *, replace: bool = False, contract_too: bool = True) -> ImportResult:
    """Store the document's contract (new, or replacing with `replace`) and merge its comments and amendments.

    With `contract_too=False` an existing contract is left as it is and only the review members merge.
    """
    from app.interchange.json_codec import loads_document
    from app.store.contracts import save_in

    contract, comments, amendments = loads_document(text)
    with db.transaction() as s:
        exists = s.scalar(select(ContractRow.id).where(ContractRow.number == contract.number)) is not None
        created = replaced = False
        if not exists:
            save_in(s, contract)
            created = True
        elif replace and contract_too:
            save_in(s, contract, replace=True)
            replaced = True
        elif contract_too and not comments and not amendments:
            raise UserError(_("a contract with this number already exists; use --replace to overwrite it"), contract.number)
        added, updated = comments_store.merge_in(s, contract.number, comments)
        amended = amendments_store.merge_in(s, contract.number, amendments)
    return ImportResult(contract.number, created, replaced, added, updated, amended)
