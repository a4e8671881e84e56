"""Reading and writing documents: contractdesk/1 JSON, Excel in and out, PDF, Word, signatures, the calendar's
CSV and package data, the intake of other parties' texts, the ledger, iCalendar, office settings, the sample."""
