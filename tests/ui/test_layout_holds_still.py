"""A layout that holds still: errors float over the content, slots never shrink the prompt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.studio.errors import user_error
from luma_desktop.ui.prompt_panel import PromptPanel
from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window
from tests.ui.test_prompt_panel import GEN_A, WAIT_MS, _png, panel

__all__ = ["panel"]  # the fixture, shared


def where(widget: QWidget) -> tuple[QPoint, int, int]:
    return widget.mapToGlobal(QPoint(0, 0)), widget.width(), widget.height()


async def test_an_error_banner_moves_nothing_under_the_pointer(tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        targets = [window.prompt_panel.prompt_edit, window.prompt_panel.generate_button]
        targets += [window.player, window.side_tabs]
        before = [where(w) for w in targets]
        window.studio.errors.report(
            user_error("network", "Could not connect to the gateway", retry_in=4)
        )
        banner = window.error_banner
        # Checked on a timer: the posted layout requests have run by then.
        await wait_until(lambda: banner.isVisible() and banner.height() > 20)
        assert banner.isVisible()
        assert banner.height() > 20
        assert banner.width() > window.width() // 2  # across the window, readable
        assert [where(w) for w in targets] == before  # before: everything 45 px lower
        window.studio.errors.clear()
        await wait_until(lambda: not banner.isVisible())
        assert [where(w) for w in targets] == before


async def test_an_error_banner_leaves_the_demo_notice_readable(tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        notice = window.demo_banner
        assert notice.isVisible()  # demo mode: no key
        window.studio.errors.report(user_error("network", "Could not connect to the gateway"))
        banner = window.error_banner
        await wait_until(lambda: banner.isVisible() and banner.height() > 20)
        # before: the error floated at the top of the content, over the demo notice
        assert not banner.geometry().intersects(notice.geometry())
        assert banner.geometry().top() > notice.geometry().bottom()
        central = window.centralWidget()
        assert central is not None
        # still at the top of the content, where an error is looked for
        assert banner.geometry().top() < window.prompt_panel.mapTo(central, QPoint(0, 0)).y() + 80
        window.studio.errors.clear()
        await wait_until(lambda: not banner.isVisible())


def test_filled_slots_do_not_shrink_the_prompt(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    panel.resize(380, 700)  # where the prompt lost 10 px before
    QApplication.processEvents()
    height = panel.prompt_edit.height()
    panel.frame0.load_file(_png(tmp_path / "first.png"))
    panel.frame1.load_file(_png(tmp_path / "last.png"))
    qtbot.waitUntil(lambda: not panel.frame0.busy and not panel.frame1.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(panel.frame1.label), timeout=WAIT_MS)
    QApplication.processEvents()
    assert panel.slot1.detail_label.isVisible()
    assert panel.prompt_edit.height() == height


def test_notes_under_the_pickers_do_not_shrink_the_prompt(qtbot: QtBot, panel: PromptPanel) -> None:
    # The walk-through: the prompt box lost a line when a note appeared under the pickers.
    panel.resize(380, 700)
    QApplication.processEvents()
    height = panel.prompt_edit.height()
    qtbot.keyClicks(panel.prompt_edit, "the same street at dawn")
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-3.2"))
    panel.frame0.set_generation(GEN_A)  # a note beside the pickers, and the extension's
    QApplication.processEvents()
    assert panel.choice_error.isVisible()
    assert panel.extension_label.isVisible()
    assert panel.prompt_edit.height() == height
    panel.frame0.clear()
    QApplication.processEvents()
    assert not panel.choice_error.isVisible()
    assert panel.prompt_edit.height() == height
