"""The self-test's image check: every offered keyframe format works from source, and
a format Pillow cannot handle is named."""

from __future__ import annotations

import pytest

from luma_desktop import selftest_images


def test_every_offered_format_is_written_and_prepared() -> None:
    assert selftest_images.image_problems() == []


def test_a_format_pillow_lacks_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest_images, "FORMATS", ("PNG", "NOPE"))
    [problem] = selftest_images.image_problems()
    assert problem.startswith("NOPE: KeyError")
