"""Errors a user can act on. Each names where the problem is and what it is, already translated."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused operation: shown to the user as one line, never as a traceback.

    `where` is a field path (``payments[1].amount``), a sheet and cell, or a file name.
    """

    exit_code = 2

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        if not self.where:
            return self.message
        from app.base.i18n import _  # the colon is full-width in Chinese (第 5 行，数量：不是数字)

        return _("{field}: {value}").format(field=self.where, value=self.message)


class NotFound(UserError):
    """A contract, annex or file the user named does not exist."""


class Conflict(UserError):
    """Someone else changed the record since it was read (optimistic locking), or it already exists."""
