#!/usr/bin/env bash
# Builds the plotly.js the dashboard serves (dashboard/vendor/plotly-regen.min.js): plotly.js's core
# with only the traces the product draws (scripts/plotly/entry.js: bar, scattermap, choroplethmap; no
# world calendars, Jalali dates are written in Python), bundled by esbuild from the npm package
# plotly.js at the version the installed plotly Python package carries, with plotly.js's MIT licence
# beside it.
# Run after upgrading plotly or drawing a new kind of trace; commit what it writes. Needs npm (at
# build time only: nothing of npm is needed to run or test the product).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$("$PY" -c "from plotly.offline import get_plotlyjs_version; print(get_plotlyjs_version())")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp scripts/plotly/entry.js "$work/entry.js"
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "plotly.js@$version" esbuild@0.25 >/dev/null \
  && npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --define:global=window \
       --log-level=warning --outfile=plotly-regen.min.js)
grep -q "\.version=\"$version\"" "$work/plotly-regen.min.js" \
  || { echo "the bundle does not say plotly.js $version" >&2; exit 1; }
cp "$work/plotly-regen.min.js" dashboard/vendor/plotly-regen.min.js
cp "$work/node_modules/plotly.js/LICENSE" dashboard/vendor/PLOTLY-LICENSE
printf '"""plotly.js %s, custom bundle (scripts/plotly_bundle.sh); MIT licence in PLOTLY-LICENSE."""\n\n__version__ = "%s"\n' \
  "$version" "$version" > dashboard/vendor/__init__.py
echo "dashboard/vendor/plotly-regen.min.js: plotly.js $version ($(wc -c < dashboard/vendor/plotly-regen.min.js) bytes)"
