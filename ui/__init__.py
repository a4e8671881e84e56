"""ContractDesk's Qt layer: views, item models, delegates, dialogs, undo commands."""
