"""Names for assistive technology (Windows Narrator, UI-automation tools): each field is named by its label.

Qt names a button by its text, but a line edit, combo box or list only by an accessible name, or by a label
that is its buddy in the same parent (not a label of a nested form layout, nor one outside a compound field
such as an amount with its uppercase). name_fields_by_labels() walks a window once its texts are set: every
form-layout row's label becomes the buddy of the row's field (so its mnemonic and a click reach the field)
and every buddy is named by its label's text. It runs after each language switch (ui.i18n), so the names are
always in the window's language. A control with a name of its own (set in its retranslate_ui) keeps it.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

#: Set on a widget whose accessible name this module gave it (a name set elsewhere is never replaced).
_FROM_LABEL = "accessibleNameFromLabel"


def plain_label(text: str) -> str:
    """A label as a name: without mnemonic ("&Format:", "格式(&F)："), trailing colon or ellipsis."""
    text = re.sub(r"\s*[(（]&\w[)）]", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return re.sub(r"[:：]?\s*(…|\.\.\.)*$", "", text.strip()).strip()


def focus_target(field: QWidget) -> QWidget:
    """The part of a compound field that takes the keyboard (an amount's or a date's line edit)."""
    inner = getattr(field, "edit", None)
    return inner if isinstance(inner, QWidget) else field


def name_fields_by_labels(root: QWidget) -> None:
    """Buddies for form rows under `root`, and each buddy named by its label (see the module's note)."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            field = field_item.widget() if field_item is not None else None
            if isinstance(label, QLabel) and field is not None and label.buddy() is None:
                label.setBuddy(focus_target(field))
    for label in [*root.findChildren(QLabel), *([root] if isinstance(root, QLabel) else [])]:
        buddy = label.buddy()
        name = plain_label(label.text())
        if buddy is None or not name:
            continue
        if not buddy.accessibleName() or buddy.property(_FROM_LABEL):
            buddy.setAccessibleName(name)
            buddy.setProperty(_FROM_LABEL, True)
