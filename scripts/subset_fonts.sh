#!/usr/bin/env bash
# Builds the two Vazirmatn faces the dashboard serves (dashboard/assets/Vazirmatn-wght.woff2, the variable
# face of the page, and Vazirmatn-FD-Regular.woff2, the figures' Farsi-Digits face) as subsets of the npm
# package vazirmatn: only the characters a page can show (Latin for English and numbers, Persian and
# Arabic letters, digits and punctuation for Persian, the marks of bidirectional text), with the
# OpenType features that shape them (joining, marks, ligatures, kerning), so the first visit carries
# ~50 % of the full faces (issue 17). The brief's static faces (Vazirmatn-Regular/Bold) stay whole: they
# are embedded in PDFs, never sent to a browser. Licence: SIL OFL 1.1 (OFL.txt), which allows subsets
# (the family name stays: the font is not modified beyond subsetting).
# Needs npm and fontTools (`.venv/bin/pip install fonttools`) at build time only; commit what it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
VERSION=33.0.3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "vazirmatn@$VERSION" >/dev/null && tar xzf "vazirmatn-$VERSION.tgz")
# U+0020-007E Basic Latin, U+00A0-017F Latin-1 and Latin Extended-A (English names: ā, š …), U+0600-06FF
# Arabic (Persian letters, ۰-۹, ٪ ٫ ٬ ، ؛ ؟), U+2000-206F General Punctuation (ZWNJ, LRM/RLM, the
# embeddings and isolates, dashes, quotes, …), U+2212 the minus Plotly writes before negative numbers.
UNICODES="U+0020-007E,U+00A0-017F,U+0600-06FF,U+2000-206F,U+2212"
# The Farsi-Digits face draws Persian figures only: no Latin letters (a Latin letter there falls back to
# the page face, the same design), only Latin's digits and signs, which it draws as Persian ones.
UNICODES_FD="U+0020-0040,U+005B-0060,U+007B-007E,U+00A0-00BF,U+00D7,U+00F7,U+0600-06FF,U+2000-206F,U+2212"
FEATURES="ccmp,locl,isol,init,medi,fina,rlig,calt,liga,clig,mark,mkmk,kern,curs,rvrn,tnum,lnum"
subset() {  # source, output, characters
  "$PY" -m fontTools.subset "$1" --unicodes="$3" --layout-features="$FEATURES" \
    --flavor=woff2 --output-file="$2" --name-IDs='*' --name-languages='*'
}
# The page draws weights 400 to 700 only (style.css; headings and table heads are 700): the variable
# face is cut to that range first, which drops the deltas towards 100 and 900.
"$PY" -m fontTools.varLib.instancer -q "$work/package/fonts/webfonts/Vazirmatn[wght].woff2" wght=400:700 \
  -o "$work/wght-400-700.ttf"
subset "$work/wght-400-700.ttf" dashboard/assets/Vazirmatn-wght.woff2 "$UNICODES"
subset "$work/package/misc/Farsi-Digits/fonts/webfonts/Vazirmatn-FD-Regular.woff2" dashboard/assets/Vazirmatn-FD-Regular.woff2 "$UNICODES_FD"
cp "$work/package/OFL.txt" dashboard/assets/OFL.txt
wc -c dashboard/assets/Vazirmatn-wght.woff2 dashboard/assets/Vazirmatn-FD-Regular.woff2
