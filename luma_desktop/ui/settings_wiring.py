"""Settings as the window opens it: the dialog, its Budget section, and what happens
when the key changes (the other mode at once, no restart)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from luma_desktop.studio.desk import Desk
from luma_desktop.studio.session import Studio

if TYPE_CHECKING:  # opened on demand: loaded then, not before the window first shows
    from luma_desktop.ui.budget_box import BudgetBox
    from luma_desktop.ui.settings_dialog import SettingsDialog


def dialog(
    parent: QWidget,
    studio: Studio,
    add_budget: Callable[[SettingsDialog], object],
    key_changed: Callable[[], None],
) -> SettingsDialog:
    from luma_desktop.ui.settings_dialog import SettingsDialog

    settings = SettingsDialog(
        studio.settings, studio.keys, parent, test_connection=studio.connection
    )
    settings.key_changed.connect(key_changed)
    add_budget(settings)
    return settings


def add_budget(settings: SettingsDialog, desk: Desk, saved: Callable[[], None]) -> BudgetBox:
    """The Budget section, above the dialog's buttons; saved when the dialog is."""
    from luma_desktop.ui.budget_box import BudgetBox

    box = BudgetBox(desk.caps(), desk.set_caps, settings)
    layout = settings.layout()
    assert isinstance(layout, QVBoxLayout)
    layout.insertWidget(layout.indexOf(settings.error_label), box)
    settings.accepted.connect(box.save)
    settings.accepted.connect(saved)
    return box
