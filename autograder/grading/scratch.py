"""The folders a grading makes in the system's temporary directory (the staged copy of the student's
files, the worker's runtime, the namespaces level's root), named after the process that made them:
``<prefix><pid>-<random>``.

A grading removes them itself when it ends, even on SIGTERM; one killed outright (SIGKILL: a batch
interrupted with Ctrl-C, or a grading past its time that did not stop when asked) cannot, so whoever
killed it removes them by its pid (``remove_left_by``): no copy of a student's files is left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def make(prefix: str) -> Path:
    """A new private folder ``<prefix><this pid>-<random>`` in the temporary directory."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def remove_left_by(pid: int) -> list[Path]:
    """Remove the folders that process ``pid`` made with ``make`` and left (call it once ``pid`` has
    ended: no live process has its number then). Returns the folders removed."""
    removed = []
    for path in Path(tempfile.gettempdir()).glob(f"ag-*-{int(pid)}-*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
