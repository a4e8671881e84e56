"""PyInstaller runtime hook of both bundled programs: the lean start (ui/lean_pyside.py, app/base/compile_cache.py)
before PyInstaller's own hook for PySide6, which imports QtCore and with it PySide6's support package.

Custom runtime hooks run before PyInstaller's, so here PySide6's support code and the patterns it compiles come from
the data folder's compile cache, as they do when the app runs from source. Anything that goes wrong
here is left to the start that follows, which reports it (app/startup.py): this hook never fails.
"""


def _lean_start() -> None:
    try:
        import ui  # noqa: F401  imports `app` (its compile cache) and PySide6's support package, the lean way
    except Exception:  # the start that follows imports the same and says what failed
        pass


_lean_start()
del _lean_start
