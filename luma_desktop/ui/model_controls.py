"""The prompt panel's catalogue-driven pickers: which models, values and toggles to offer.

Everything offered comes from :mod:`luma_desktop.core.catalogue`, and every "why not"
from :mod:`luma_desktop.core.rules`, so the panel never offers what the gateway would
refuse and never disagrees with the request's own validation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox

from luma_desktop.core.catalogue import DEFAULT_RESOLUTION, MODELS, ModelSpec, model_named
from luma_desktop.core.rules import Choice, why_not

RETIRED_MARK = "retired by the gateway, Luma route only"
TOGGLE_TIPS = {
    "hdr": "Render in high dynamic range (HDR)",
    "exr": "Also export the frames as OpenEXR (needs HDR)",
}


def spec_of(name: object) -> ModelSpec:
    spec = model_named(name if isinstance(name, str) else None)
    return spec or MODELS[next(iter(MODELS))]


def fill_models(combo: QComboBox) -> None:
    """One entry per catalogue model; a retired one says so in its text and tooltip."""
    for spec in MODELS.values():
        text = f"{spec.name} ({RETIRED_MARK})" if spec.retired else spec.name
        combo.addItem(text, spec.name)
        if spec.retired:
            combo.setItemData(combo.count() - 1, spec.retired, Qt.ItemDataRole.ToolTipRole)
    # Sized for the model names, not the retired note: sized to its longest entry the combo
    # pushed the window wider than a 1600 px screen. The open list still shows it whole.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(max(len(name) for name in MODELS) + 1)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 16)


def model_values(spec: ModelSpec) -> dict[str, tuple[tuple[str, str], ...]]:
    """(text, data) of each picker's entries for ``spec``; data "" is "the model decides"."""
    resolution = spec.default_resolution or DEFAULT_RESOLUTION
    return {
        "aspect_ratio": tuple(
            (f"{r} (default)" if r == spec.default_aspect_ratio else r, r)
            for r in spec.aspect_ratios
        ),
        "resolution": (
            (f"Default ({resolution})", ""),
            *((r, r) for r in spec.resolutions),
        ),
        "duration": (
            (f"Default ({spec.default_duration}s)", ""),
            *((f"{d}s", f"{d}s") for d in spec.durations),
        ),
    }


def refill(combos: Mapping[str, QComboBox], spec: ModelSpec, wanted: Mapping[str, object]) -> None:
    """Only ``spec``'s values in each picker, keeping the wanted one where the model has
    it, else its default. Signals are held: the caller writes the result to the draft."""
    for name, entries in model_values(spec).items():
        combo = combos[name]
        combo.blockSignals(True)
        combo.clear()
        for text, data in entries:
            combo.addItem(text, data)
        fallback = spec.default_aspect_ratio if name == "aspect_ratio" else ""
        index = combo.findData(wanted.get(name) or fallback)
        combo.setCurrentIndex(index if index >= 0 else max(combo.findData(fallback), 0))
        combo.blockSignals(False)


def toggle_states(spec: ModelSpec, choice: Choice) -> Iterable[tuple[str, bool, str]]:
    """(name, offered, why not) of the HDR and EXR toggles for the choice as it stands."""
    for name, offered in (("hdr", spec.hdr), ("exr", spec.exr)):
        yield name, offered, why_not(choice, name, True) if offered else ""


def show_toggle(box: QCheckBox, name: str, offered: bool, reason: str) -> bool:
    """Show, enable and explain one toggle; True when it must be turned off."""
    box.setVisible(offered)
    box.setEnabled(offered and not reason)
    box.setToolTip(f"Not now: {reason}" if reason else TOGGLE_TIPS[name])
    return box.isChecked() and (not offered or bool(reason))
