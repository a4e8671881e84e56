"""Alembic environment: the app passes its own connection (see app.store.db._upgrade)."""

from alembic import context

from app.store.migrations import include_name
from app.store.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # `alembic` run by a developer: use the URL from the config
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url in the Alembic configuration")
    engine = create_engine(url)
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,  # type: ignore[arg-type]  # Alembic types the hook's arguments as Literals
)
with context.begin_transaction():
    context.run_migrations()
