"""Schema revisions. HEAD_REVISION lets start-up skip importing Alembic when nothing is to do;
a test checks it against the scripts in versions/."""

HEAD_REVISION = "0001_initial"
KNOWN_REVISIONS = frozenset({"0001_initial"})
