#!/usr/bin/env bash
# One-command set-up on a fresh Debian/Ubuntu machine: system packages, then the Python package.
# System packages: chromium (JS rendering, notice screenshots/PDF), fonts-noto-cjk (Chinese glyphs
# in rendered pages) and redis-server (the broker of many-machine runs, and its tests). Without root
# they are only reported; everything except rendering and workers still works.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "warning: please install system packages: ${need[*]} (as root: apt-get install ${need[*]})" >&2
  fi
fi
python3 -m pip install -q -e '.[test]'
