"""Rules over the domain: fields and their paths, clauses, checks, schedules, templates, table diffs, the
lifecycle steps, payments made, ledger rows and reminders. Pure: no database, no files, no clock (today is passed in)."""
