#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) from a venv under .tools/schemathesis, installing it there first when missing or
# at another version (cached afterwards). Arguments go to `schemathesis`; with none it only installs.
#   scripts/schemathesis.sh run http://127.0.0.1:8080/openapi.json --checks all
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
VENV=$PWD/.tools/schemathesis
have() { [ -x "$VENV/bin/schemathesis" ] && "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '$VERSION')" 2>/dev/null; }
if ! have; then
  echo "[schemathesis] installing $VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
fi
[ $# -eq 0 ] || exec "$VENV/bin/schemathesis" "$@"
