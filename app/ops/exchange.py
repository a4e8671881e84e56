"""A contract's JSON document with its review members: what a reviewer on another machine gets and sends back.

`export_document` writes the contract plus its comments and amendments (members left out when empty, so a
plain contract stays byte-identical). Reading one back is app.ops.contracts.import_document.
"""

from __future__ import annotations

from app.store import amendments as amendments_store
from app.store import comments as comments_store
from app.store.db import Database


def export_document(db: Database, number: str) -> str:
    from app.codecs.json_codec import dumps, review_extra
    from app.store.contracts import load

    contract = load(db, number)
    return dumps(contract, review_extra(comments_store.list_comments(db, number), amendments_store.list_amendments(db, number)))
