"""Offline review: revisions and their diffs, comments, approval states, amendments, the audit trail.

Qt-free. The writers here run inside the transaction app.ops holds, so a refused change leaves no trace
and an accepted one is never stored without its audit entry.
"""
