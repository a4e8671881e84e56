"""0007_lifecycle: databases of the previous revision and of an earlier release upgrade with the steps their
approval states prove; the downgrade drops the new tables and leaves the states as they were."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from app.domain import Status
from app.ops.contracts import set_event
from app.ops.first_run import open_store
from app.ops.review import set_state
from app.ops.standings import standing
from app.rules.lifecycle.steps import EventKind, Stage, Step, StepState
from app.store import audit
from app.store.db import current_revision, open_database
from app.store.migrations import HEAD_REVISION
from tests.conftest import SAMPLE_NUMBER, downgrade_database

NEW_TABLES = {"office_settings", "contract_records", "lifecycle_events", "payments_made", "attachments",
              "reminder_dismissals"}
RELEASE_0004 = Path(__file__).parent / "data" / "release-0004.db"


def tables(path) -> set[str]:
    with closing(sqlite3.connect(path)) as con, con:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_the_head_is_this_revision():
    assert HEAD_REVISION == "0007_lifecycle"


def test_a_signed_contract_of_the_previous_revision_upgrades_to_its_steps(db, db_path):
    set_event(db, SAMPLE_NUMBER, "signed_a", date(2025, 6, 9))
    set_event(db, SAMPLE_NUMBER, "signed_b", date(2025, 6, 10))
    for state in ("review", "approved", "signed"):
        set_state(db, SAMPLE_NUMBER, state, despite="签署页纸面已签")
    db.close()
    downgrade_database(db_path, "0006_cost_table_sections")
    assert not NEW_TABLES & tables(db_path)
    with closing(sqlite3.connect(db_path)) as con, con:
        assert con.execute("SELECT status FROM contracts").fetchone()[0] == "signed"
    upgraded = open_database(db_path)
    try:
        assert current_revision(upgraded.engine) == HEAD_REVISION
        st = standing(upgraded, SAMPLE_NUMBER, date.today())
        lc = st.lifecycle
        assert lc.stage is Stage.SIGNED
        assert {v.step for v in lc.steps if v.state is StepState.DONE} == {
            Step.REVIEW, Step.OPINION, Step.APPROVAL, Step.SEALING}
        assert {v.step for v in lc.steps if v.state is StepState.SKIPPED} == {
            Step.COUNTERPARTY_CHECK, Step.REGISTRATION}
        assert lc.view(Step.SEALING).done_on == date(2025, 6, 10)  # sealed on the signing date
        assert lc.view(Step.SEALING).status == "done (recorded before the contract steps were kept)"
        # Filing was never recorded: still to do, counted from the signing.
        assert lc.current is Step.FILING and lc.view(Step.FILING).item.date == date(2025, 6, 17)
        assert all(e.legacy and e.origin == "upgrade" for e in lc.events)
        assert audit.verify(upgraded, SAMPLE_NUMBER) is None
    finally:
        upgraded.close()


def test_a_draft_gets_no_events_and_the_downgrade_drops_the_new_tables(db, db_path):
    db.close()
    downgrade_database(db_path, "0006_cost_table_sections")
    upgraded = open_database(db_path)
    try:
        assert standing(upgraded, SAMPLE_NUMBER, date.today()).lifecycle.events == []
    finally:
        upgraded.close()
    assert NEW_TABLES <= tables(db_path)
    downgrade_database(db_path, "0006_cost_table_sections")
    assert not NEW_TABLES & tables(db_path)
    with closing(sqlite3.connect(db_path)) as con, con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0006_cost_table_sections"


def test_a_release_0004_database_upgrades_with_its_contract_in_review(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(RELEASE_0004, path)
    db = open_database(path)
    try:
        st = standing(db, SAMPLE_NUMBER, date.today())
        assert st.contract.status is Status.REVIEW
        lc = st.lifecycle
        assert lc.stage is Stage.IN_REVIEW
        assert [e.kind for e in lc.events] == [EventKind.SKIPPED, EventKind.REVIEW_SENT]
        # Sent for review on the day the state history says (08:43 UTC: the same calendar day in China).
        assert lc.view(Step.REVIEW).done_on == date(2026, 12, 6)
        assert lc.current is Step.OPINION and lc.view(Step.OPINION).item is not None
        assert audit.verify(db, SAMPLE_NUMBER) is None
    finally:
        db.close()


@pytest.mark.postgres
def test_a_signed_contract_upgrades_to_its_steps_on_postgresql(pg_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from tests.conftest import ROOT

    db = open_store(pg_url)
    try:
        set_event(db, SAMPLE_NUMBER, "signed_a", date(2025, 6, 9))
        set_event(db, SAMPLE_NUMBER, "signed_b", date(2025, 6, 10))
        for state in ("review", "approved", "signed"):
            set_state(db, SAMPLE_NUMBER, state, despite="签署页纸面已签")
    finally:
        db.close()
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "app" / "store" / "migrations"))
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006_cost_table_sections")
    finally:
        engine.dispose()
    upgraded = open_database(pg_url)
    try:
        lc = standing(upgraded, SAMPLE_NUMBER, date.today()).lifecycle
        assert lc.stage is Stage.SIGNED and lc.current is Step.FILING
        assert lc.view(Step.SEALING).done_on == date(2025, 6, 10)
    finally:
        upgraded.close()
