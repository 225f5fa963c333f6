#!/usr/bin/env bash
# Sets up everything `make run` / `make test` need on a Debian 12 machine with only Python present:
# PostgreSQL + PostGIS and Chromium (the meeting brief prints and draws its map with it) from apt, then
# .venv from PyPI at the versions of requirements-test.lock; with --test-tools, Chromium's driver, GDAL
# and poppler (the brief's tests read the PDF).
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR=${PG_MAJOR:-15}
system_pkgs=(python3-venv "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3" chromium)
if [[ "${1:-}" == "--test-tools" ]]; then
  # Browser tests run Debian's Chromium; the ETL benchmark compares against GDAL's ogr2ogr; the brief's
  # tests read its PDF with poppler's pdftotext, pdffonts and pdftoppm.
  system_pkgs=(chromium chromium-driver gdal-bin poppler-utils)
fi

missing=()
for p in "${system_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing from apt: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them as root with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

[[ "${1:-}" == "--test-tools" ]] && exit 0

if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# The versions of the lock file (scripts/lock.sh writes it from pyproject.toml), then the project itself.
.venv/bin/python -m pip install -q -r requirements-test.lock
.venv/bin/python -m pip install -q --no-deps -e .
echo "setup: done"
