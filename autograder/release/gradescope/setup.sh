#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (this zip is unpacked into
# /autograder/source). It installs bubblewrap and the venv module with apt, then the grader's pinned
# packages (requirements/grader.txt: numpy, pytest, Hypothesis; nothing else) with pip into a virtual
# environment outside /autograder/source (run_autograder makes source/ unreadable to student code, but
# the sandboxed worker must still be able to run Python). The image's own python3 is used: the grader
# runs on Python 3.10 to 3.13 with the same pins (Ubuntu 22.04 has 3.10, 24.04 has 3.12). pip only:
# no conda, no browser downloads.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="${AUTOGRADER_VENV:-/opt/autograder-venv}"
SOURCE="$ROOT/source"

if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # python3-venv: the image's python3 may lack ensurepip (Debian and Ubuntu split it out).
    apt-get install -y -qq --no-install-recommends python3 python3-venv bubblewrap ca-certificates
fi

PYTHON="$(command -v python3 || true)"
if [ -z "$PYTHON" ] || ! "$PYTHON" -c \
    'import sys, venv, ensurepip; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; then
    echo "setup.sh: the grader needs python3 3.10 to 3.13 with the venv module; this image has" \
         "$("${PYTHON:-python3}" --version 2>&1 || echo 'no python3'): choose another Gradescope base image" >&2
    exit 1
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -r "$SOURCE/requirements/grader.txt" -c "$SOURCE/requirements/constraints.txt"
# Bytecode for the venv and the kit now, once: each grading then imports it instead of compiling
# (pip skips this where PYTHONDONTWRITEBYTECODE is set; a grading cannot write it later).
"$VENV/bin/python" -m compileall -q -j 0 "$VENV" "$SOURCE/autograder" "$SOURCE/assignments" > /dev/null || true
chmod -R a+rX "$VENV"

# Smoke test: the kit imports and knows the assignment.
cd "$SOURCE"
"$VENV/bin/python" -c 'import sys; from autograder import manifest; manifest.load(sys.argv[1])' "@ASSIGNMENT@"
# Grade the reference once, now: it keeps the cases Hypothesis draws for the checks (.cache/draws/) and
# the bytecode of the rewritten check files in the image, so each submission's grading replays them
# instead of running Hypothesis's engine for every passing check (a few seconds per submission).
REFERENCE_RESULTS="${TMPDIR:-/tmp}/autograder-reference-results.json"
"$VENV/bin/python" -m autograder grade --assignment "@ASSIGNMENT@" --submission "$SOURCE/solutions/@ASSIGNMENT@" \
    --output "$REFERENCE_RESULTS" > /dev/null || true
if "$VENV/bin/python" -c 'import json, sys; r = json.load(open(sys.argv[1]))
sys.exit(r["score"] != r["extra_data"]["max_score"] or not r["score"])' "$REFERENCE_RESULTS" 2>/dev/null; then
    rm -f "$REFERENCE_RESULTS"
else
    echo "setup.sh: WARNING: the reference did not get full marks here (see $REFERENCE_RESULTS); submissions" \
         "will be graded without the kept draws, and may not be graded at all" >&2
fi
echo "setup.sh: ready to grade @ASSIGNMENT@ with $("$VENV/bin/python" --version)"
