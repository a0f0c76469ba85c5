"""The status bar's lasting part: the demo badge, today's spending against the cap, and
the account's balance (amber when the gateway says it is low)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from luma_desktop.core import budget


class StatusLine:
    """Three labels added to ``bar`` (it owns them, as their Qt parent)."""

    def __init__(self, bar: QStatusBar, *, demo: bool) -> None:
        self._demo = demo
        self.demo_badge = QLabel(" DEMO ")
        self.demo_badge.setToolTip(
            "Running against the built-in simulator: its credits are simulated, nothing is charged."
        )
        self.demo_badge.setStyleSheet(
            "background: #b07a1e; color: white; border-radius: 3px; font-weight: bold;"
        )
        self.demo_badge.setVisible(demo)
        bar.addPermanentWidget(self.demo_badge)
        self.budget_label = QLabel()
        self.budget_label.setToolTip("Spent today (~ while part is an estimate) and the daily cap")
        bar.addPermanentWidget(self.budget_label)
        self.balance_label = QLabel()
        self.balance_label.setToolTip(
            "The account's balance at the gateway, refreshed after a clip finishes "
            "(at most once a minute)"
        )
        bar.addPermanentWidget(self.balance_label)

    def labels(self) -> tuple[QLabel, QLabel, QLabel]:
        return self.demo_badge, self.budget_label, self.balance_label

    def show_balance(self, text: str, low: bool) -> None:
        self.balance_label.setText(text)
        self.balance_label.setVisible(bool(text))
        # amber when the gateway itself says the balance is low
        self.balance_label.setStyleSheet("color: #b07a1e; font-weight: bold;" if low else "")

    def show_budget(self, spent: budget.Spend, caps: budget.Caps) -> None:
        text = budget.status_text(spent, caps)
        self.budget_label.setText(f"Simulated: {text}" if self._demo else text)
