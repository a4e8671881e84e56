"""Databases of earlier schema revisions, for the tests that open one: built at today's head with the sample, then
taken down with the migrations' own downgrade steps, so the file is what that revision really stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine


def downgrade_to(db_path: Path, revision: str) -> None:
    """Run the migrations' downgrades on the (closed) database at `db_path` down to `revision`."""
    from alembic import command
    from alembic.config import Config

    from app.store import migrations

    cfg = Config()
    cfg.set_main_option("script_location", migrations.__path__[0])
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()
