"""The self-test's text check: right with Qt's ICU from source, and it names what a
trimmed ICU would get wrong (a language sorted in the wrong order)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from luma_desktop import selftest_text


@pytest.fixture(autouse=True)
def _app(qapp: QCoreApplication) -> None:
    """QCollator needs an application object (pytest-qt's)."""


def test_sorting_case_mapping_and_formatting_are_right_from_source() -> None:
    assert selftest_text.text_problems() == []


def test_a_language_in_root_order_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    # What Swedish looks like when its collation data is missing: ICU's root order.
    root_order = ["apa", "åska", "ära", "öl", "zebra"]
    monkeypatch.setitem(selftest_text.SORTED, "sv_SE", root_order)
    assert selftest_text.text_problems() == ["sv_SE sorts apa zebra åska ära öl"]


def test_a_wrong_case_mapping_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without locale rules, Turkish i upper-cases to a plain I.
    monkeypatch.setitem(selftest_text.UPPER, "tr_TR", ("istanbul", "ISTANBUL"))
    assert selftest_text.text_problems() == ["tr_TR upper-cases istanbul as İSTANBUL"]
