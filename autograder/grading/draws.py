"""The cases Hypothesis drew for passing checks, kept from one grading to the next.

Derandomized Hypothesis hands a check the same cases every time the check passes (the fast path of
``checklib.settings.for_all`` relies on this within one grading). A ``DrawStore`` keeps those cases
on disk per check, so a later grading replays them without starting Hypothesis's engine; a check
that fails on one of them runs through Hypothesis from the start, exactly as without the store.

An entry is keyed by the check (its pytest node id and which of its ``for_all`` calls), the number
of examples, shrinking and the state of Hypothesis's constants pool as the check starts
(``hypothesis_state``); it holds the cases and that state as each was drawn (a check may import a
module partway, and replays only if it does so at the same case). The file
is named by a fingerprint of everything else that decides the draws: the Python, Hypothesis and
numpy versions, the assignment's check folders (strategies included) and ``autograder/checklib``.
A file of another fingerprint is never read. It lives in ``.cache/draws/`` at the top of the kit,
which the worker cannot read (``grade.private_paths``); a grading adds the entries it lacked, so
the first grading after a change to the checks (or on a fresh clone) builds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .. import manifest as manifests
from ..paths import KIT_ROOT

FOLDER = KIT_ROOT / ".cache" / "draws"
FORMAT = 1
#: ``AUTOGRADER_DRAWS=off`` grades without the store (every check through Hypothesis's engine);
#: ``AUTOGRADER_DRAWS=<folder>`` keeps it there instead (the kit's tests).
ENV = "AUTOGRADER_DRAWS"


def store_folder() -> Path | None:
    """The folder of the stores (None when ``AUTOGRADER_DRAWS=off``), made now: the grader calls this
    before a worker starts, so that the worker is kept out of it like the rest of the kit."""
    setting = os.environ.get(ENV, "")
    if setting == "off":
        return None
    folder = Path(setting) if setting else FOLDER
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def fingerprint(manifest: manifests.Manifest) -> str:
    """SHA-256 of what decides the cases Hypothesis draws for ``manifest``'s checks."""
    import hypothesis
    import numpy

    digest = hashlib.sha256(repr((FORMAT, sys.version_info[:2], hypothesis.__version__, numpy.__version__)).encode())
    paths = [p for folder in manifest.check_dirs for p in sorted(folder.rglob("*.py"))]
    paths += sorted((KIT_ROOT / "autograder" / "checklib").glob("*.py"))
    for p in paths:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()


class DrawStore:
    """The draws of one assignment's checks under one fingerprint (``path``); see the module doc.

    ``settings.for_all`` asks ``key`` (once per call), ``get`` and ``put``; the grader says which
    check runs (``begin``) and writes the file at the end (``save``).
    """

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[tuple, bytes] = self._read(path)
        self.added = False
        self.check: str | None = None
        self.calls = 0

    @classmethod
    def of(cls, manifest: manifests.Manifest, folder: Path | None = None) -> "DrawStore | None":
        """The store of ``manifest``'s checks as they are now, in ``folder`` (default: ``store_folder()``;
        None when ``AUTOGRADER_DRAWS=off``)."""
        folder = folder or store_folder()
        return None if folder is None else cls(folder / f"{manifest.name}-{fingerprint(manifest)[:20]}.pickle")

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            with open(path, "rb") as f:
                data = pickle.load(f)  # written by a grader: same protection as the check files beside it
            return data if isinstance(data, dict) else {}
        except Exception:  # missing, half written by a crashed grader, another format: start empty
            return {}

    def begin(self, check: str) -> None:
        """Check ``check`` (a pytest node id) starts: its ``for_all`` calls are numbered from 1."""
        self.check, self.calls = check, 0

    def key(self, max_examples: int, shrink: bool, state: int) -> tuple | None:
        """The key of the running check's next ``for_all`` call (None outside a check)."""
        if self.check is None:
            return None
        self.calls += 1
        return (self.check, self.calls, max_examples, shrink, state)

    def get(self, key: tuple | None) -> tuple[list, list] | None:
        """The cases stored under ``key`` and the Hypothesis state each was drawn in (None if none)."""
        blob = self.entries.get(key) if key is not None else None
        if blob is None:
            return None
        try:
            kept = pickle.loads(blob)
        except Exception:  # a case class that changed shape: as if not stored
            return None
        if isinstance(kept, tuple) and len(kept) == 2 and all(isinstance(part, list) for part in kept) \
                and len(kept[0]) == len(kept[1]):  # a state for every case
            return kept
        return None

    def put(self, key: tuple | None, cases: list, states: list) -> None:
        """Keep ``cases`` and their ``states`` under ``key`` (cases that cannot be pickled are not kept)."""
        if key is None or key in self.entries:
            return
        try:
            self.entries[key] = pickle.dumps((cases, states), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        self.added = True

    def save(self) -> None:
        """Write the file if this grading added entries (merged with what another grading wrote in the
        meantime; replaced atomically; a read-only kit keeps no file, and that is all: a failure to
        write is never a grading's failure)."""
        if not self.added:
            return
        with contextlib.suppress(Exception):  # a cache: never the reason a grading fails
            self.path.parent.mkdir(parents=True, exist_ok=True)
            entries = {**self._read(self.path), **self.entries}
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".draws-")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(entries, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self.path)
                assignment = self.path.name.rsplit("-", 1)[0]
                for stale in self.path.parent.glob(f"{assignment}-*.pickle"):  # other fingerprints: older checks
                    if stale != self.path and "-" not in stale.name[len(assignment) + 1:]:
                        stale.unlink()
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            self.added = False
