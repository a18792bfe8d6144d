#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (this zip is unpacked into
# /autograder/source). It installs Python (>= 3.11), bubblewrap and the kit's pinned packages with pip
# into a virtual environment outside /autograder/source (run_autograder makes source/ unreadable to
# student code, but the sandboxed worker must still be able to run Python). pip only: no conda, no
# browser downloads.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="${AUTOGRADER_VENV:-/opt/autograder-venv}"
SOURCE="$ROOT/source"

if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends python3 python3-venv python3-pip bubblewrap ca-certificates
fi

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
            'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq --no-install-recommends python3.11 python3.11-venv
    PYTHON="$(find_python || true)"
fi
if [ -z "$PYTHON" ]; then
    echo "setup.sh: no Python >= 3.11 with the venv module; choose a newer Gradescope base image" >&2
    exit 1
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -r "$SOURCE/requirements/grader.txt" -c "$SOURCE/requirements/constraints.txt"
chmod -R a+rX "$VENV"

# Smoke test: the kit imports and knows the assignment.
cd "$SOURCE"
"$VENV/bin/python" -c 'import sys; from autograder import manifest; manifest.load(sys.argv[1])' "@ASSIGNMENT@"
echo "setup.sh: ready to grade @ASSIGNMENT@ with $("$VENV/bin/python" --version)"
