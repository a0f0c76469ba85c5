#!/usr/bin/env bash
# Sets up a working copy from nothing: the system libraries Qt needs (Debian/Ubuntu),
# a virtual environment in .venv, and the package with its dev extras. Idempotent:
# run it again after pulling, it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt's xcb platform, QtMultimedia (libpulse) and a virtual screen for screenshots.
QT_LIBS="libpulse0 libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0
libdbus-1-3 libx11-xcb1 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-cursor0 xvfb
openbox xdotool binutils gcc"
# (openbox and xdotool: the full-screen round trip is tested under a real window manager;
# binutils and gcc: the bundle's build makes ICU's trimmed data library and the QtQuick
# stand-ins from the wheel's own files, see CONTRIBUTING's "Packaging".)

if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
  missing=""
  for pkg in $QT_LIBS; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "Installing system libraries for Qt:$missing"
    $sudo apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
  fi
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Luma Desktop needs Python 3.11 or newer ($PYTHON is older)." >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
echo "Ready: .venv/bin/luma-desktop starts the app; .venv/bin/python -m pytest runs the tests."
