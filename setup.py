"""Packaging: everything is declared in pyproject.toml; this only adds the data the app reads at run time.

A wheel carries `resources/` (fonts, icons, the sample, the schema) and `i18n/` (the catalogs, compiled to .mo
here) inside the package, as `app/_data/`; app.base.resources.resource_root() finds them there. A source checkout reads
them from the top-level folders instead, so nothing is copied for development.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Files of resources/ that are tools for making them, not data the app reads.
TOOLS = ("make_*.py",)


class BuildWithData(build_py):
    """build_py, then resources/ and the compiled catalogs into app/_data/ of the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the source tree's folders
            return
        data = Path(self.build_lib) / "app" / "_data"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(ROOT / "resources", data / "resources", ignore=shutil.ignore_patterns(*TOOLS, "__pycache__"))
        self._compile_catalogs(data / "i18n")

    @staticmethod
    def _compile_catalogs(target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted((ROOT / "i18n").glob("*/LC_MESSAGES/*.po")):
            lang = po.parent.parent.name
            out = target / lang / "LC_MESSAGES" / po.with_suffix(".mo").name
            out.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            with out.open("wb") as fh:
                write_mo(fh, catalog)


setup(cmdclass={"build_py": BuildWithData})
