#!/usr/bin/env bash
# Builds the one-folder bundle: dist/LumaDesktop/ (run dist/LumaDesktop/LumaDesktop).
# Needs the setup from the README first (bash packaging/dev-setup.sh). build/ and dist/
# are at the repository root and are rebuilt from scratch every time.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/pyinstaller ] || {
  echo "No .venv/bin/pyinstaller: run bash packaging/dev-setup.sh first." >&2
  exit 1
}
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build packaging/luma_desktop.spec
echo "Built dist/LumaDesktop/ in $(( $(date +%s) - start )) s: $(du -sh dist/LumaDesktop | cut -f1)"
