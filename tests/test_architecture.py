"""The layering holds: the import contracts pass, no import cycle exists, and docs/architecture.md tells the
order the contracts enforce."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c["layers"] for c in contracts if c["type"] == "layers")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle of imports."""
    modules = sorted(graph.modules)
    edges = {m: sorted(x for x in graph.find_modules_directly_imported_by(m) if x in graph.modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(modules)))
    try:
        for m in modules:
            if m not in index:
                visit(m)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_module_imports_itself_back():
    """Function-level imports count too; imports only a type checker reads (TYPE_CHECKING) do not run."""
    graph = grimp.build_graph("app", "ui", exclude_type_checking_imports=True, cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_the_import_contracts_hold():
    """In its own process: import-linter configures logging (disabling every logger that exists), which would
    silence the app's log for the tests that run after it in this one."""
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                           "sys.exit(lint_imports(no_cache=True, no_logo=True))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_architecture_page_lists_the_layers_in_the_enforced_order():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- `([a-z_.| ]+)` — ", page, flags=re.MULTILINE)
    assert listed == _layers()


def test_every_core_package_is_a_layer():
    """A new folder under app/ has to be placed in the order, not left outside the contract."""
    layered = {name.strip().removeprefix("app.") for layer in _layers() for name in layer.split("|")}
    folders = {p.name for p in (ROOT / "app").iterdir() if (p / "__init__.py").is_file()}
    assert folders and folders <= layered, sorted(folders - layered)


def _store_uses(source: str) -> list[str]:
    """What an adapter module reaches inside a store transaction: `*_in` functions of app.store (they take a session)
    imported by name or called through an imported store module, and `.transaction()` calls."""
    import ast

    tree = ast.parse(source)
    store_modules: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.store"):
            for alias in node.names:
                if alias.name.endswith("_in"):
                    found.append(f"{node.module}.{alias.name}")
                elif node.module == "app.store":  # `from app.store import lifecycle as store`
                    store_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            store_modules.update(a.asname or a.name for a in node.names if a.name.startswith("app.store"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr == "transaction":
                found.append(".transaction")
            elif node.attr.endswith("_in") and isinstance(node.value, ast.Name) and node.value.id in store_modules:
                found.append(f"{node.value.id}.{node.attr}")
    return found


def test_the_adapters_never_work_inside_a_store_transaction():
    """The window and the command line read through the store's read functions and change through app.ops; a
    session-level store function (`*_in`) or a transaction of their own would bypass the operation's checks,
    audit and changed-parts report."""
    offenders = {
        str(path.relative_to(ROOT)): uses
        for folder in (ROOT / "ui", ROOT / "app" / "cli")
        for path in sorted(folder.rglob("*.py"))
        if (uses := _store_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_adapter_check_sees_a_session_function():
    source = (
        "from app.store import lifecycle as store\n"
        "from app.store.contracts import row_of, load_in\n"
        "def f(db):\n"
        "    with db.transaction() as s:\n"
        "        return store.record_in(s, row_of(s, 'A').id), load_in(s, 'A')\n"
    )
    assert sorted(_store_uses(source)) == [".transaction", "app.store.contracts.load_in", "store.record_in"]
