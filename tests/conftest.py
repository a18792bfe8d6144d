"""Shared set-up for the kit's own tests."""

import os

import sys

from hypothesis import HealthCheck, settings

from autograder import manifest as manifests

# Every assignment's check modules (strategies, examples, check helpers) import each other by name,
# as they do in the grader: make them importable here too.
for _manifest in manifests.load_all():
    for _folder in _manifest.check_dirs:
        if str(_folder) not in sys.path:
            sys.path.append(str(_folder))

# tests/hostile/ holds hostile submissions (test_hostile.py builds and grades them): never collect
# or import anything there.
collect_ignore = ["hostile"]

# Deterministic like the grader: the same run every time, no example database on disk.
settings.register_profile(
    "kit",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("KIT_MAX_EXAMPLES", "40")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("kit")
