"""Take the README's screenshot of the main window: `python tools/screenshot.py [OUT.png] [--lang zh_CN|en]`.

Runs offscreen on a throw-away data folder holding the sample plus a few generated contracts, opens the
sample with its check results showing, and saves the window as PNG (docs/screenshot-main.png by default).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshot-main.png"))
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--tab", default="checks", help="tab to show: summary, clauses, annexes, schedule, signing, checks")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="contractdesk-shot-")
    os.environ["CONTRACTDESK_HOME"] = home

    from PySide6.QtCore import QSize

    from app.ops.first_run import open_store
    from bench.bench_list import generate_contracts
    from ui.main import make_application
    from ui.main_window import MainWindow

    app = make_application()
    try:
        from ui.i18n import switch_language

        switch_language(app, args.lang)
    except ImportError:
        from app.base.i18n import set_language

        set_language(args.lang)
    db_file = Path(home) / "contracts.db"
    db = open_store(db_file)
    generate_contracts(db, 40)
    window = MainWindow(db, str(db_file), today=date(2025, 6, 1))
    window.resize(QSize(1600, 900))
    window.splitter.setSizes([620, 980])
    window.show()
    window.list_view.select_number("CMHA-AY-202500441")
    window.tabs.setCurrentWidget(window.pages[args.tab])
    for _ in range(20):
        app.processEvents()
    image = window.grab()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    image.save(args.out)
    print(args.out)
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
