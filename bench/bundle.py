"""The bundle's size: ``dist/LumaDesktop/`` unpacked, its largest parts, and compressed.

Measures the folder as built (``bash packaging/build.sh``, or ``--build`` to build it
first): bytes of every regular file (symlinks counted once, as links), the largest
parts (top-level entries, and under ``_internal/`` one level deeper), and a
``tar.gz`` of it written to a temporary folder (level 6, as ``tar czf``), the form it
would be downloaded in. Goal: ≤ 150 MB unpacked.

    .venv/bin/python bench/bundle.py [--build] [--top 12]

Prints one line: ``bundle: key=value ...``; the breakdown goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "LumaDesktop"
MB = 1_000_000


def sizes(folder: Path) -> Counter[str]:
    """Bytes per part: top-level entries, and ``_internal/<entry>`` one level down."""
    parts: Counter[str] = Counter()
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if path.is_symlink():
                continue
            rel = path.relative_to(folder).parts
            depth = 3 if rel[0] == "_internal" and len(rel) > 2 and rel[1] == "PySide6" else 2
            key = "/".join(rel[:depth]) if rel[0] == "_internal" else rel[0]
            parts[key] += path.stat().st_size
    return parts


def archive_size(folder: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="luma-bench-bundle-") as tmp:
        target = Path(tmp) / "LumaDesktop.tar.gz"
        with tarfile.open(target, "w:gz", compresslevel=6) as tar:
            tar.add(folder, arcname=folder.name)
        return target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="bash packaging/build.sh first")
    parser.add_argument("--top", type=int, default=12, help="largest parts listed")
    args = parser.parse_args()
    if args.build:
        subprocess.run(["bash", "packaging/build.sh"], cwd=ROOT, check=True)
    if not BUNDLE.is_dir():
        sys.exit("bundle: no dist/LumaDesktop/ (bash packaging/build.sh); nothing measured")
    parts = sizes(BUNDLE)
    total = sum(parts.values())
    for name, size in parts.most_common(args.top):
        print(f"  {size / MB:7.1f} MB  {name}", file=sys.stderr)
    largest = ",".join(f"{n.rpartition('/')[2]}:{s / MB:.0f}" for n, s in parts.most_common(5))
    print(
        f"bundle: unpacked_mb={total / MB:.1f} tar_gz_mb={archive_size(BUNDLE) / MB:.1f} "
        f"files={sum(1 for p in BUNDLE.rglob('*') if p.is_file())} largest_mb=[{largest}]"
    )


if __name__ == "__main__":
    main()
