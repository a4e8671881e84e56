"""ReportLab's import without the costs the app never uses (app/base/lean_imports.py, issue 21): what it skips
is not paid at import, and each thing behaves as before the first time it is used."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from app.base.lean_imports import CompiledOnUse, ImportedOnUse
from tests.conftest import ROOT

FRESH = r"""
import json, sys
import app.codecs.pdf  # what an export imports
import reportlab.platypus.paragraph as paragraph
import reportlab.pdfbase.ttfonts as ttfonts
seen = {
    "pattern_type": type(paragraph.uri_pat).__name__,
    "compiled_at_import": paragraph.uri_pat.compiled is not None,
    "harfbuzz_loaded": "uharfbuzz._harfbuzz" in sys.modules,
    "harfbuzz_in_modules": "uharfbuzz" in sys.modules,
}
seen["uri"] = paragraph.uri_pat.match("https://www.例子.中国/合同?id=1") is not None
seen["not_uri"] = paragraph.uri_pat.match("汤阴县公安局") is not None
seen["compiled_after_use"] = type(paragraph.uri_pat.compiled).__name__
seen["shaping_face"] = ttfonts.uharfbuzz.Face.__name__  # the stand-in imports the real module when used
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator  # the signature stamp's HarfBuzz
import uharfbuzz
seen["real_module"] = type(sys.modules["uharfbuzz"]).__name__
seen["same_face"] = ttfonts.uharfbuzz.Face is uharfbuzz.Face
seen["pillow_loaded"] = type(sys.modules.get("PIL.Image")).__name__
from reportlab.lib.utils import ImageReader
from app.base.resources import resource
seen["image_size"] = list(ImageReader(str(resource("icons", "contractdesk.png"))).getSize())
seen["pillow_after_use"] = type(sys.modules.get("PIL.Image")).__name__
print(json.dumps(seen))
"""


def test_a_fresh_export_process_skips_the_pattern_harfbuzz_and_pillow_until_used():
    done = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["pattern_type"] == "CompiledOnUse" and not seen["compiled_at_import"]
    assert not seen["harfbuzz_loaded"] and not seen["harfbuzz_in_modules"]
    assert seen["uri"] and not seen["not_uri"] and seen["compiled_after_use"] == "Pattern"
    assert seen["shaping_face"] == "Face" and seen["real_module"] == "module" and seen["same_face"]
    assert seen["pillow_loaded"] == "NoneType"  # no picture drawn yet
    assert seen["image_size"][0] > 0 and seen["pillow_after_use"] == "module"


def test_a_pattern_compiled_on_use_matches_as_the_compiled_one():
    pattern = "(?:[a-z\xa1-\uffff0-9-]{2,63})\\.(?:中国|com)\\Z"
    lazy = CompiledOnUse(re.compile, pattern, re.I)
    assert lazy.compiled is None
    real = re.compile(pattern, re.I)
    for text in ("例子.中国", "EXAMPLE.COM", "x.org", "-.com"):
        assert bool(lazy.match(text)) == bool(real.match(text)), text
    assert lazy.compiled is not None and lazy.pattern == pattern and lazy.flags == re.I


def test_a_stand_in_module_imports_the_real_one_when_used(monkeypatch):
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    stand_in = ImportedOnUse("colorsys")
    monkeypatch.setitem(sys.modules, "colorsys", stand_in)
    assert getattr(stand_in, "__file__", None) is None  # PySide6's import hook asks this of every module imported
    assert sys.modules["colorsys"] is stand_in  # … and asking did not load it
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert type(sys.modules["colorsys"]).__name__ == "module"  # the real one took its place


LOG_HANDLERS = r"""
import json, sys
import app  # installs the finder, as every entry point does
import ui  # PySide6's import hook, which asks every module imported for its file, as in the window
import logging.handlers
from app.base.logs import setup_logging
seen = {"at_import": [name for name in ("socket", "pickle") if name in sys.modules]}
path = setup_logging()
logging.getLogger("contractdesk").warning("账号 6222021001001234 written")
seen["after_logging"] = [name for name in ("socket", "pickle") if name in sys.modules]
seen["log"] = path.read_text(encoding="utf-8")
seen["socket_type"] = logging.handlers.socket.SOCK_STREAM.name  # the network handlers' module, when used
seen["pickled"] = logging.handlers.pickle.loads(logging.handlers.pickle.dumps([1, "二"]))
print(json.dumps(seen, ensure_ascii=False))
"""


def test_the_logs_handler_module_loads_without_socket_and_pickle_until_they_are_used(tmp_path):
    import os

    done = subprocess.run([sys.executable, "-c", LOG_HANDLERS], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "CONTRACTDESK_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["at_import"] == [] and seen["after_logging"] == []  # the rotating file needs neither
    assert "账号 ***1234 written" in seen["log"]
    assert seen["socket_type"] == "SOCK_STREAM" and seen["pickled"] == [1, "二"]


STORE = r"""
import json, os, sys
import app  # installs the finder, as every entry point does
from app.ops.contracts import set_field
from app.ops.first_run import open_store
from app.codecs.sample import sample_contract
db = open_store(sys.argv[1])  # SQLAlchemy, the SQLite dialect: a store made before (a new one runs the migrations)
number = sample_contract().number
set_field(db, number, "title", "改过的标题")
seen = {"asyncio_after_an_edit": "asyncio" in sys.modules, "metadata_after_an_edit": "importlib.metadata" in sys.modules,
        "drivers_after_an_edit": [name for name in sys.modules if name.endswith((".aiosqlite", ".pysqlcipher"))]}
import sqlalchemy.util.concurrency as concurrency
import sqlalchemy.util.compat as compat
async def job():
    return 1
coroutine = job()
seen["iscoroutine"] = [concurrency.iscoroutine(coroutine), concurrency.iscoroutine(1)]
coroutine.close()
seen["asyncio_when_used"] = "asyncio" in sys.modules
seen["real_module"] = compat.asyncio.run(job())  # the stand-in hands over to the real asyncio
import sqlalchemy.util.langhelpers as langhelpers  # `import importlib.metadata`: reads the package's attribute
seen["version"] = str(langhelpers.parse_version_from_metadata("SQLAlchemy"))
seen["entry_points"] = type(compat.importlib_metadata_get("console_scripts")).__name__  # `from importlib import …`
import importlib, importlib.metadata
seen["metadata_is_real"] = [type(sys.modules["importlib.metadata"]).__name__, importlib.metadata is sys.modules["importlib.metadata"]]
from sqlalchemy.dialects import registry  # a URL that names the drivers: sqlite+aiosqlite://, sqlite+pysqlcipher://
seen["drivers_when_named"] = [registry.load(f"sqlite.{name}").driver for name in ("aiosqlite", "pysqlcipher")]
from sqlalchemy.dialects.sqlite import aiosqlite
seen["driver_is_real"] = type(aiosqlite).__name__
print(json.dumps(seen))
"""


def test_the_store_opens_and_edits_without_asyncio_importlib_metadata_or_unused_drivers_and_sqlalchemy_has_them_when_used(tmp_path):
    import os

    from app.ops.first_run import open_store

    open_store(tmp_path / "store.db").close()  # with the sample
    done = subprocess.run([sys.executable, "-c", STORE, str(tmp_path / "store.db")], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "CONTRACTDESK_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    import sqlalchemy

    assert seen == {"asyncio_after_an_edit": False, "metadata_after_an_edit": False, "drivers_after_an_edit": [],
                    "iscoroutine": [True, False], "asyncio_when_used": True, "real_module": 1,
                    "version": sqlalchemy.__version__, "entry_points": seen["entry_points"],
                    "metadata_is_real": ["module", True], "drivers_when_named": ["aiosqlite", "pysqlcipher"],
                    "driver_is_real": "module"}
    assert seen["entry_points"] in ("EntryPoints", "list", "tuple")
