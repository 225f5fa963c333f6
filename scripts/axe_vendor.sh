#!/usr/bin/env bash
# Copies axe-core (the accessibility checker the browser tests run in Chromium) from its npm package
# into tests/vendor/: axe.min.js with its MPL-2.0 licence beside it, and the version in AXE-VERSION.
# Vendored rather than installed by `setup.sh --test-tools` so that the tests need no Node.js or npm
# (Debian 12's nodejs/npm would add some 300 packages to every test machine) and no network when they
# run, and so that a new axe version (new rules) arrives as a reviewed commit, not on its own.
# Run to move to another version (AXE_VERSION=4.14 by default); commit what it writes. Needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=${AXE_VERSION:-4.14}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf axe-core-*.tgz)
version=$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' "$work/package/package.json" | head -1)
head -c 200 "$work/package/axe.min.js" | grep -q "axe v$version" \
  || { echo "axe.min.js does not say axe v$version" >&2; exit 1; }
mkdir -p tests/vendor
cp "$work/package/axe.min.js" tests/vendor/axe.min.js
cp "$work/package/LICENSE" tests/vendor/AXE-LICENSE
echo "$version" > tests/vendor/AXE-VERSION
echo "tests/vendor/axe.min.js: axe-core $version ($(wc -c < tests/vendor/axe.min.js) bytes)"
