"""Persistence: SQLAlchemy over SQLite (default) or PostgreSQL, with Alembic migrations."""
