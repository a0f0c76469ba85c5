"""Suites that report in numbers: rows recorded by tests, printed after the run."""

from __future__ import annotations

# The fault table's columns, shared by the engine, CLI and crash suites that add rows.
FAULT_TABLE = "Fault suite"
FAULT_HEADER = (
    "fault",
    "job",
    "what the artist sees",
    "creates taken/sent",
    "longest wait s",
    "clip = served",
    "fault fired",
)

TABLES: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]] = {}


def record(table: str, header: tuple[str, ...], row: tuple[object, ...]) -> None:
    TABLES.setdefault(table, (header, []))[1].append(tuple(str(cell) for cell in row))


def render() -> list[str]:
    lines: list[str] = []
    for title, (header, rows) in TABLES.items():
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        lines.append(f"{title} ({len(rows)} cases)")
        lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
        lines.append("")
    return lines
