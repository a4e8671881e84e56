"""Undo commands whose text — what Edit → Undo and Redo name — follows the window's language.

A command's text is worded when the command is made; a clerk who switches the language would otherwise read
"Undo 编辑项目名称" in an English window. A command made here keeps how to word itself, and the window words every
command of its stacks again when the language changes (`reword_commands`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QUndoCommand, QUndoStack

#: How a command words itself in the current language (a call, so that it is worded again after a switch).
Wording = Callable[[], str]


class WordedCommand(QUndoCommand):
    def __init__(self, wording: Wording) -> None:
        super().__init__(wording())
        self._wording = wording

    def reword(self) -> None:
        self.setText(self._wording())


def reword_commands(stacks: Iterable[QUndoStack]) -> None:
    """Word every command on `stacks` in the current language."""
    for stack in stacks:
        for i in range(stack.count()):
            command = stack.command(i)
            if isinstance(command, WordedCommand):
                command.reword()
