"""The balance shown in the window: asked at most once a minute, low said as low."""

from __future__ import annotations

from typing import Any

from luma_desktop.api.account import Balance
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.studio.balance import BalanceModel
from luma_desktop.studio.tasks import TaskGroup


class FakeEngine:
    def __init__(self, answers: list[Balance | ApiError]) -> None:
        self.answers = answers
        self.asked = 0

    async def balance(self) -> Balance:
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        if isinstance(answer, ApiError):
            raise answer
        return answer


async def test_asked_at_most_once_a_minute_and_low_is_said() -> None:
    now = [0.0]
    engine = FakeEngine([Balance(2_500_000, False), Balance(900_000, True)])
    tasks = TaskGroup()
    shown: list[tuple[str, bool]] = []
    model = BalanceModel(engine, tasks, clock=lambda: now[0])  # type: ignore[arg-type]
    model.changed.connect(lambda text, low: shown.append((text, low)))

    first = model.refresh(force=True)
    assert first is not None
    await first
    now[0] = 10.0
    assert model.refresh() is None  # a clip finished 10 s later: not asked again
    now[0] = 61.0
    second = model.refresh()
    assert second is not None
    await second

    assert engine.asked == 2
    assert shown == [("Balance 2,500,000 credits", False), ("Balance 900,000 credits — low", True)]


async def test_a_gateway_without_the_route_shows_nothing() -> None:
    errors: list[Any] = []
    tasks = TaskGroup(on_error=errors.append)
    engine = FakeEngine([ApiError(ErrorKind.NOT_FOUND, "no such route", status=404)])
    model = BalanceModel(engine, tasks)  # type: ignore[arg-type]
    task = model.refresh(force=True)
    assert task is not None
    await task
    assert model.text == ""
    assert errors == []
