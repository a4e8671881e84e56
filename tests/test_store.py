"""The contract store: a new database holds the sample; save/load round-trips everything."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from decimal import Decimal

import pytest

from app.base.errors import Conflict, NotFound
from app.codecs.json_codec import dumps
from app.domain import CostRow, Status
from app.ops.contracts import delete_contract, set_event
from app.ops.first_run import open_store
from app.store import contracts
from app.store.db import DatabaseProblem

from .conftest import SAMPLE_NUMBER, store_edit


def test_new_database_holds_the_sample(db):
    rows = contracts.list_contracts(db)
    assert [r.number for r in rows] == [SAMPLE_NUMBER]
    assert rows[0].total == Decimal("4273290.00")
    assert rows[0].party_a == "汤阴县公安局"
    assert rows[0].status is Status.DRAFT


def test_sample_round_trips_through_the_database(db, sample):
    assert dumps(contracts.load(db, SAMPLE_NUMBER)) == dumps(sample)


def test_sqlite_settings(db, db_path):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert db_path.stat().st_mode & 0o077 == 0, "database must be readable by the user only"


def test_money_is_stored_exactly(db, db_path, sample):
    sample.number = "EXACT-1"
    sample.total = Decimal("9999999999999.99")
    sample.annexes[2].table = [CostRow("x", "", "", Decimal("3.3333"), Decimal("0.03"), "")]
    contracts.save(db, sample)
    with closing(sqlite3.connect(db_path)) as con:
        raw = con.execute("SELECT total FROM contracts WHERE number='EXACT-1'").fetchone()[0]
    assert raw == "9999999999999.99"
    loaded = contracts.load(db, "EXACT-1")
    assert loaded.total == Decimal("9999999999999.99")
    assert loaded.annexes[2].table[0].quantity == Decimal("3.3333")
    assert loaded.annexes[2].table[0].amount == Decimal("0.10")


def test_saving_an_existing_number_needs_replace(db, sample):
    with pytest.raises(Conflict):
        contracts.save(db, sample)
    sample.title = "新标题"
    contracts.save(db, sample, replace=True)
    assert contracts.load(db, SAMPLE_NUMBER).title == "新标题"


def test_stale_edit_is_refused(db):
    mine, version = contracts.load_versioned(db, SAMPLE_NUMBER)
    theirs, their_version = contracts.load_versioned(db, SAMPLE_NUMBER)
    theirs.project = "他们的修改"
    store_edit(db, theirs, their_version)
    mine.project = "我的修改"
    with pytest.raises(Conflict):
        store_edit(db, mine, version)
    assert contracts.load(db, SAMPLE_NUMBER).project == "他们的修改"


def test_delete_and_unknown_number(db):
    delete_contract(db, SAMPLE_NUMBER)
    assert contracts.list_contracts(db) == []
    with pytest.raises(NotFound):
        contracts.load(db, SAMPLE_NUMBER)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM clauses").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM annex_rows").scalar() == 0


def test_events_are_stored(db):
    set_event(db, SAMPLE_NUMBER, "signed_a", date(2025, 5, 20))
    set_event(db, SAMPLE_NUMBER, "signed_b", date(2025, 5, 22))
    c = contracts.load(db, SAMPLE_NUMBER)
    assert c.events.effective == date(2025, 5, 22)
    set_event(db, SAMPLE_NUMBER, "signed_a", None)
    assert contracts.load(db, SAMPLE_NUMBER).events.signed_a is None


@pytest.mark.parametrize(
    "query, found",
    [("CMHA", True), ("汤阴县公安局", True), ("云存储", True), ("防病毒网关", True), ("50%", False), ("不存在的词", False)],
)
def test_search_covers_number_title_parties_and_clauses(db, query, found):
    assert bool(contracts.list_contracts(db, query)) is found


def test_not_a_database_is_refused_untouched(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    before = bogus.read_bytes()
    with pytest.raises(DatabaseProblem):
        open_store(bogus)
    assert bogus.read_bytes() == before


def test_database_from_a_newer_version_is_refused(db_path):
    open_store(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseProblem, match="newer version"):
        open_store(db_path)


def test_head_revision_matches_the_migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.store import migrations

    cfg = Config()
    cfg.set_main_option("script_location", migrations.__path__[0])
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == migrations.HEAD_REVISION
    assert {r.revision for r in script.walk_revisions()} == migrations.KNOWN_REVISIONS


def test_migrations_match_the_models(db):
    """The schema Alembic built is the schema the ORM expects (no missing migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.store.migrations import include_name
    from app.store.schema import Base

    with db.engine.connect() as conn:
        # include_name leaves out the FTS5 search index, which lives outside the ORM models.
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}), Base.metadata)
    assert diff == []


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_is_not_called_a_damaged_file():
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://clerk:s3cret-pw@127.0.0.1:{_closed_port()}/contractdesk"
    with pytest.raises(DatabaseProblem) as caught:
        open_store(url)
    problem = caught.value
    assert problem.kind == "server" and problem.path is None
    assert problem.message.startswith("cannot connect to the database server 127.0.0.1")
    assert "damaged" not in problem.message
    assert "s3cret-pw" not in str(problem) and "s3cret-pw" not in problem.where


def test_a_wrong_server_password_is_reported_without_the_password():
    import os

    from sqlalchemy import make_url

    base = os.environ.get("CONTRACTDESK_TEST_PG_URL")
    if not base:
        pytest.skip("CONTRACTDESK_TEST_PG_URL is not set (no PostgreSQL server)")
    url = make_url(base).set(password="wrong-pw-4273290").render_as_string(hide_password=False)
    with pytest.raises(DatabaseProblem) as caught:
        open_store(url)
    problem = caught.value
    assert problem.kind == "server"
    assert problem.message.startswith(f"cannot connect to the database server {make_url(base).host}")
    assert "password" in problem.message and "damaged" not in problem.message
    assert "wrong-pw-4273290" not in str(problem)


def test_the_cli_names_an_unreachable_server_in_one_line(cli):
    pytest.importorskip("psycopg")
    result = cli("list", db=f"postgresql+psycopg://clerk:s3cret-pw@127.0.0.1:{_closed_port()}/contractdesk")
    assert result.code == 2
    assert "cannot connect to the database server" in result.err and "Traceback" not in result.err
    assert "s3cret-pw" not in result.err


def test_a_missing_server_driver_names_the_package(monkeypatch):
    import builtins

    from app.base.errors import UserError

    real_import = builtins.__import__

    def no_psycopg(name, *args, **kwargs):
        if name == "psycopg" or name.startswith("psycopg."):
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(UserError) as caught:
        open_store("postgresql+psycopg://clerk:s3cret-pw@127.0.0.1/contractdesk")
    assert isinstance(caught.value, DatabaseProblem) and caught.value.kind == "driver"
    assert caught.value.message == "the database driver psycopg is not installed: install the package psycopg[binary]"
    assert "s3cret-pw" not in str(caught.value)


def test_an_unknown_database_type_is_a_user_error():
    from app.base.errors import UserError

    with pytest.raises(UserError) as caught:
        open_store("nosuchdb://clerk:s3cret-pw@host/contractdesk")
    assert isinstance(caught.value, DatabaseProblem) and caught.value.kind == "address"
    assert "nosuchdb" in caught.value.message
    assert "s3cret-pw" not in str(caught.value)
