"""Values and their rules of writing: money and uppercase amounts, dates, digits, numbering, credit codes,
periods, formatting, pasted tables, text checks."""
