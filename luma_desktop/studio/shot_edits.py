"""Editing a board's shots beyond their words: each shot's own first/last frame images
(prepared off the window's thread, as the draft's keyframe slots are) and its own
parameters, and the board's parameters every shot takes unless it sets its own."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from luma_desktop.core.boards import FRAMES, Board, Boards, keyframe_json, only_params
from luma_desktop.core.keyframe_errors import KeyframeError
from luma_desktop.studio.keyframes import load_image_code
from luma_desktop.studio.tasks import TaskGroup


class ShotEdits(QObject):
    changed = Signal(object)  # Board: a shot's frames or parameters, or the board's
    failed = Signal(str)  # an image that cannot be a keyframe, in the artist's words
    busy_changed = Signal(bool)  # an image is being prepared

    def __init__(self, boards: Boards, tasks: TaskGroup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.boards = boards
        self._tasks = tasks
        self.preparing = 0

    def set_params(self, board_id: str, index: int, params: Mapping[str, Any]) -> Board:
        """Shot ``index``'s own parameters (None: as the board has it); frames stay."""
        shot = self.boards.get(board_id).shots[index]
        frames = {k: v for k, v in shot.params.items() if k in FRAMES}
        return self._emit(
            self.boards.update_shot(board_id, index, params={**only_params(params), **frames})
        )

    def set_board_params(self, board_id: str, params: Mapping[str, Any]) -> Board:
        """The parameters of every shot that sets none of its own."""
        board = self.boards.get(board_id)
        settings = replace(board.settings, params=only_params(params))
        return self._emit(self.boards.set_settings(board_id, settings))

    def set_image(self, board_id: str, index: int, frame: str, source: str) -> None:
        """Prepare ``source`` (a file, or a link) as shot ``index``'s ``frame``."""
        self.preparing += 1
        self.busy_changed.emit(True)
        prompt = self.boards.get(board_id).shots[index].prompt
        self._tasks.spawn(self._prepare(board_id, index, prompt, frame, source), name="shot frame")

    def clear_image(self, board_id: str, index: int, frame: str) -> Board:
        params = dict(self.boards.get(board_id).shots[index].params)
        params.pop(frame, None)
        return self._emit(self.boards.update_shot(board_id, index, params=params))

    async def _prepare(
        self, board_id: str, index: int, prompt: str, frame: str, source: str
    ) -> None:
        try:
            await self._store(board_id, index, prompt, frame, source)
        finally:
            self.preparing -= 1
            self.busy_changed.emit(self.preparing > 0)

    async def _store(self, board_id: str, index: int, prompt: str, frame: str, source: str) -> None:
        await asyncio.to_thread(load_image_code)  # Pillow: off this thread, the first time
        from luma_desktop.core.keyframes import prepare_keyframe  # loaded: a dict lookup

        try:
            keyframe = await prepare_keyframe(source)
        except KeyframeError as exc:
            self.failed.emit(f"Shot {index + 1}: {exc}")
            return
        try:
            shots = self.boards.get(board_id).shots
        except KeyError:
            return  # the board was deleted meanwhile
        if index >= len(shots) or shots[index].prompt != prompt:
            self.failed.emit(f"Shot {index + 1} changed while its picture was read: pick it again.")
            return
        params = {**shots[index].params, frame: keyframe_json(keyframe)}
        self._emit(self.boards.update_shot(board_id, index, params=params))

    def _emit(self, board: Board) -> Board:
        self.changed.emit(board)
        return board
