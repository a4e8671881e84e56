"""Offline review: revisions and their diffs, comments, approval states, amendments, the audit trail.

Qt-free. The store calls `app.review.hooks` on every write so that revisions and audit entries are
kept in the same transaction as the change they describe.
"""
