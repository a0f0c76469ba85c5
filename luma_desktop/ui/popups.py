"""Context menus parented to their top-level window.

Qt gives a menu the window of its nearest *native* ancestor as transient parent. The
player's video draws through a window container inside a scroll area, which makes the
player's ancestors and their siblings native (the splitter, the side tabs, the
prompt's scroll area): a menu parented to a widget in there got a child window as
transient parent, and Qt said "QWidgetWindow(…) must be a top level window". Parented
to the top-level window, the menu finds that window first.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QWidget


def context_menu(owner: QWidget) -> QMenu:
    """A menu for ``owner`` (shown over it), owned by ``owner``'s top-level window."""
    menu = QMenu(owner.window())
    menu.setToolTipsVisible(True)
    return menu
