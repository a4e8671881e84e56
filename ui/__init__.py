"""ContractDesk's Qt layer: views, item models, delegates, dialogs, undo commands."""

from ui import lean_pyside as _lean_pyside

_lean_pyside.install()  # PySide6 imported the lean way, before the window's modules are imported (see the module)
