"""contract search: FTS5 trigram indexes over the list's fields and the clause text (SQLite only)

Revision ID: 0003_contract_search
Revises: 0002_review
Create Date: 2026-11-25 09:30:00

`contract_search` holds one document per contract (number, title, project, both parties' names, one per
line) and `clause_search` indexes clauses.text (external content); triggers keep both in sync with
every insert, update and delete. The trigram tokenizer indexes every three-character run, so a Chinese
substring such as 云存储 is found without word segmentation. PostgreSQL searches with ILIKE and gets
nothing here; so does a SQLite without FTS5 or older than 3.34 (app.store.contract_list.has_fts).
"""

from alembic import op


revision = '0003_contract_search'
down_revision = '0002_review'
branch_labels = None
depends_on = None

#: Rebuild the list document of contract {id}: a row per contract, fields one per line.
REFRESH = (
    "DELETE FROM contract_search WHERE rowid = {id}; "
    "INSERT INTO contract_search(rowid, text) SELECT c.id, "
    "c.number || char(10) || c.title || char(10) || c.project || char(10) || "
    "coalesce((SELECT name FROM parties WHERE contract_id = c.id AND role = 'a'), '') || char(10) || "
    "coalesce((SELECT name FROM parties WHERE contract_id = c.id AND role = 'b'), '') "
    "FROM contracts c WHERE c.id = {id};"
)

TRIGGERS = {
    "clause_search_ai": "AFTER INSERT ON clauses BEGIN "
    "INSERT INTO clause_search(rowid, text) VALUES (new.id, new.text); END",
    "clause_search_ad": "AFTER DELETE ON clauses BEGIN "
    "INSERT INTO clause_search(clause_search, rowid, text) VALUES ('delete', old.id, old.text); END",
    "clause_search_au": "AFTER UPDATE OF text ON clauses BEGIN "
    "INSERT INTO clause_search(clause_search, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO clause_search(rowid, text) VALUES (new.id, new.text); END",
    "contract_search_ai": f"AFTER INSERT ON contracts BEGIN {REFRESH.format(id='new.id')} END",
    "contract_search_au": f"AFTER UPDATE OF number, title, project ON contracts BEGIN {REFRESH.format(id='new.id')} END",
    "contract_search_ad": "AFTER DELETE ON contracts BEGIN DELETE FROM contract_search WHERE rowid = old.id; END",
    "contract_search_pi": f"AFTER INSERT ON parties BEGIN {REFRESH.format(id='new.contract_id')} END",
    "contract_search_pu": "AFTER UPDATE OF name, role, contract_id ON parties BEGIN "
    f"{REFRESH.format(id='old.contract_id')} {REFRESH.format(id='new.contract_id')} END",
    "contract_search_pd": f"AFTER DELETE ON parties BEGIN {REFRESH.format(id='old.contract_id')} END",
}


def _fts5_trigram(bind) -> bool:
    version = tuple(int(p) for p in bind.exec_driver_sql("SELECT sqlite_version()").scalar().split("."))
    if version < (3, 34, 0):
        return False
    return bool(bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not _fts5_trigram(bind):
        return
    op.execute(
        "CREATE VIRTUAL TABLE clause_search USING fts5("
        "text, content='clauses', content_rowid='id', tokenize='trigram')"
    )
    op.execute("CREATE VIRTUAL TABLE contract_search USING fts5(text, tokenize='trigram')")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # covering index: a match's clause ids become contract ids without reading the clause rows
    op.execute("CREATE INDEX clause_search_owner ON clauses (id, contract_id)")
    op.execute("INSERT INTO clause_search(clause_search) VALUES ('rebuild')")
    everything = REFRESH.split("; ", 1)[1].replace(" WHERE c.id = {id};", "")
    op.execute(everything)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS clause_search_owner")
    op.execute("DROP TABLE IF EXISTS clause_search")
    op.execute("DROP TABLE IF EXISTS contract_search")
