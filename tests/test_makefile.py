"""The Makefile's grading targets pass paths with spaces and parentheses (a Canvas download is often
"submissions (1)") as one argument each, and ``ARGS`` on to ``grade-batch``."""

import os
import shlex
import shutil
import subprocess

import pytest

from autograder.paths import KIT_ROOT


def _dry_run(*variables: str) -> list[str]:
    """The last command ``make -n`` would run, split as the shell splits it (the install step skipped)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}  # not make's child
    out = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed-stamp", *variables],
                         cwd=KIT_ROOT, capture_output=True, text=True, check=True, env=env).stdout
    return shlex.split(out.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
def test_grade_takes_folders_with_spaces_and_passes_args():
    argv = _dry_run("grade", "ASSIGNMENT=sequences", "SUBMISSIONS=/tmp/Canvas export (1)", "OUTPUT=/tmp/out dir",
                    "ARGS=--roster r.csv --due 2026-12-01")
    assert argv[argv.index("--submissions") + 1] == "/tmp/Canvas export (1)"
    assert argv[argv.index("--output") + 1] == "/tmp/out dir"
    assert argv[-4:] == ["--roster", "r.csv", "--due", "2026-12-01"]
    argv = _dry_run("grade-one", "ASSIGNMENT=sequences", "SUB=/tmp/my work")
    assert argv[argv.index("--submission") + 1] == "/tmp/my work"
