"""Reading data back in from files other people edited (Excel cost tables)."""
