"""The UI test fixtures fail a test that leaks a window, a timer or a thread, or that
makes Qt warn: checked on a small suite run in its own process."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SUITE = """
import threading

from PySide6.QtCore import QTimer, qWarning
from PySide6.QtWidgets import QWidget

kept = []


def test_clean(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    timer = QTimer()
    timer.start(10_000)
    timer.stop()


def test_leaks_a_window(qapp):
    kept.append(QWidget())
    kept[-1].show()


def test_leaks_a_timer(qapp):
    kept.append(QTimer())
    kept[-1].start(10_000)


def test_leaks_a_thread():
    release = threading.Event()
    kept.append(release)
    threading.Thread(target=release.wait, args=(30,), daemon=True, name="stuck").start()


def test_makes_qt_warn(qapp):
    qWarning("QObject::connect: No such signal QObject::nothing()")
"""


def test_leaks_and_qt_warnings_fail_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makeconftest(
        "import tests.leaks\n"
        "from tests.ui.conftest import nothing_leaks  # noqa: F401\n"
        "tests.leaks.THREAD_GRACE = 0.1\n"
    )
    pytester.makeini(
        "[pytest]\nqt_api = pyside6\nqt_log_level_fail = WARNING\n"
        "asyncio_default_fixture_loop_scope = function\n"
        "qt_log_ignore =\n    This plugin does not support\n"
    )
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    # A leak fails the test's teardown (an error); the test body itself passed.
    result.assert_outcomes(passed=4, failed=1, errors=3)
    result.stdout.fnmatch_lines_random(
        [
            "*left behind: window QWidget*",
            "*left behind: running timer QTimer*",
            "*left behind: thread 'stuck'*",
            "*No such signal*",
        ]
    )
