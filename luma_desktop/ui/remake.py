"""Ray 3.2 gestures on a finished clip: "Modify…" (a prompt applied to the clip) and
"Reframe to …" (the same clip in another aspect ratio).

Both become a GenerationRequest that names the clip by its generation id, loaded into
the draft: the prompt panel shows it (what it does, the catalogue's resolution,
duration and HDR choices, the cost) and Generate sends it with the same questions as
any clip. The engine fetches a fresh link for the clip and records it as the new
one's parent.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu

from luma_desktop.core.catalogue import GenType
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest

MODEL = "ray-3.2"  # the model that modifies and reframes
REFRAME_RATIOS = ("9:16", "1:1", "16:9")
TIPS = {
    "Modify…": "A new Ray 3.2 clip: this clip changed the way you describe",
    "Reframe": "A new Ray 3.2 clip: this clip in another aspect ratio",
}


def remakable(job: JobRecord | None) -> bool:
    """Only a ready clip with a gateway id can be the source of a modify or reframe."""
    return job is not None and job.status is JobStatus.READY and bool(job.generation_id)


def modify_request(job: JobRecord, prompt: str = "") -> GenerationRequest:
    """The artist writes the change in the prompt panel."""
    return GenerationRequest(prompt, model=MODEL, type=GenType.EDIT.value, video=job.generation_id)


def reframe_request(job: JobRecord, aspect_ratio: str) -> GenerationRequest:
    # The source's own prompt: reframing changes the frame, not what happens in it.
    return GenerationRequest(
        job.prompt or "the same clip",
        model=MODEL,
        type=GenType.REFRAME.value,
        video=job.generation_id,
        aspect_ratio=aspect_ratio,
    )


def add_remakes(
    menu: QMenu,
    job: JobRecord | None,
    load: Callable[[GenerationRequest], object],
) -> None:
    """The Modify… and Reframe items, enabled for a single finished clip; each loads
    its request into the draft (nothing is sent before Generate)."""
    ok = remakable(job)

    def modify() -> None:
        if job is not None:
            load(modify_request(job))

    def reframe(ratio: str) -> Callable[[], None]:
        # A closure per ratio, not a lambda default: triggered would fill that in with
        # its 'checked' argument.
        def slot() -> None:
            if job is not None:
                load(reframe_request(job, ratio))

        return slot

    items: list[tuple[str, str, Callable[[], None]]] = [("Modify…", "Modify…", modify)]
    items += [(f"Reframe to {r}", "Reframe", reframe(r)) for r in REFRAME_RATIOS]
    for text, tip, slot in items:
        action = menu.addAction(text)
        action.setToolTip(TIPS[tip])
        action.setStatusTip(TIPS[tip])
        action.setEnabled(ok)
        action.triggered.connect(slot)
