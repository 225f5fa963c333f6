#!/usr/bin/env bash
# Writes the lock files from pyproject.toml, so that every machine installs the same versions:
#   requirements.lock       what the product needs (the Dockerfile installs it)
#   requirements-test.lock  that and the test tools (scripts/setup.sh installs it)
# Run it after changing a dependency in pyproject.toml, and commit both files: bash scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .venv/bin/uv ]] || .venv/bin/python -m pip install -q uv
compile=(.venv/bin/uv pip compile pyproject.toml --quiet --python-version 3.11
  --python-platform x86_64-unknown-linux-gnu --custom-compile-command "bash scripts/lock.sh")
# The test tools first (dash[testing] pins old selenium and urllib3), then the product's own within them,
# so that the image runs the versions the tests ran.
"${compile[@]}" --extra test -o requirements-test.lock
"${compile[@]}" -c requirements-test.lock -o requirements.lock
echo "lock: wrote requirements.lock and requirements-test.lock"
