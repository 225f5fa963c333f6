#!/usr/bin/env bash
# Brings plotly.js's "map" partial bundle (core with scatter, scattermap, choroplethmap, densitymap and
# the calendars component for Jalali axes: every trace the dashboard draws) from the npm package, at
# the plotly.js version the installed plotly Python package carries, into dashboard/vendor/.
# Run after upgrading plotly; commit what it writes. Needs npm (install time only).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$("$PY" -c "from plotly.offline import get_plotlyjs_version; print(get_plotlyjs_version())")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js@$version" >/dev/null && tar xzf "plotly.js-$version.tgz")
head -c 300 "$work/package/dist/plotly-map.min.js" | grep -q "v$version" \
  || { echo "plotly-map.min.js is not plotly.js $version" >&2; exit 1; }
cp "$work/package/dist/plotly-map.min.js" dashboard/vendor/plotly-map.min.js
cp "$work/package/LICENSE" dashboard/vendor/PLOTLY-LICENSE
printf '"""plotly.js %s, map partial bundle (see scripts/plotly_bundle.sh); MIT licence in PLOTLY-LICENSE."""\n\n__version__ = "%s"\n' \
  "$version" "$version" > dashboard/vendor/__init__.py
echo "dashboard/vendor/plotly-map.min.js: plotly.js $version ($(wc -c < dashboard/vendor/plotly-map.min.js) bytes)"
