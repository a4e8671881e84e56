"""Schema revisions. HEAD_REVISION lets start-up skip importing Alembic when nothing is to do;
a test checks it against the scripts in versions/."""

HEAD_REVISION = "0007_lifecycle"
KNOWN_REVISIONS = frozenset({"0001_initial", "0002_review", "0003_contract_search", "0004_amendment_clause_depth",
                             "0005_revision_tables", "0006_cost_table_sections", "0007_lifecycle"})

#: Tables and indexes made by raw SQL in a migration, not by the ORM (0003's FTS5 indexes, their shadow
#: tables and a covering index); autogenerate must neither drop them nor report them as differences.
UNMANAGED_PREFIXES = ("clause_search", "contract_search")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic `include_name` hook: skip the unmanaged tables and indexes."""
    return not (type_ in ("table", "index") and name is not None and name.startswith(UNMANAGED_PREFIXES))
