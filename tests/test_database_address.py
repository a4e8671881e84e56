"""--db as a SQLite URL: an in-memory database is refused (it would keep nothing, and the user would think
their import saved), no stray file is made from the URL's text, and driver-qualified URLs name the file."""

from __future__ import annotations

import pytest

from app.ops.first_run import open_store
from app.store.db import DatabaseProblem

from .conftest import SAMPLE_NUMBER


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_database_is_refused_and_leaves_no_file(cli, tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseProblem) as caught:
        open_store(url)
    assert caught.value.kind == "address"
    for command in (["list"], ["backup"]):
        result = cli(*command, db=url)
        assert result.code == 2 and "Traceback" not in result.err, result
        assert "in-memory database keeps nothing" in result.err
    assert list(tmp_path.iterdir()) == [], "no file named after the URL"


def test_driver_qualified_sqlite_url_opens_the_named_file(cli, tmp_path):
    file = tmp_path / "合同 库.db"
    url = "sqlite+pysqlite:///" + str(file)
    result = cli("list", db=url)
    assert result.code == 0 and result.out.startswith(SAMPLE_NUMBER), result
    assert file.is_file()
    assert cli("backup", db=url).code == 0
    assert any(p.name.startswith("合同 库-manual-") for p in (tmp_path / "backups").iterdir())
