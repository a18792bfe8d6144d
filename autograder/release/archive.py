"""Write reproducible zips: sorted entries, a fixed timestamp, explicit permissions.

A distribution is described as a mapping ``archive path -> content`` before it is written, so each
build step only adds entries, and the same sources always give byte-identical zips.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

FIXED_TIME = (2025, 1, 1, 0, 0, 0)
EXECUTABLE = 0o755
REGULAR = 0o644


class Entries(dict):
    """Archive path (posix, relative) -> bytes; ``executable`` holds the paths marked +x."""

    def __init__(self):
        super().__init__()
        self.executable: set[str] = set()

    def add_text(self, path: str, text: str, *, executable: bool = False) -> None:
        self._add(path, text.encode("utf-8"), executable)

    def add_file(self, path: str, source: Path, *, executable: bool = False) -> None:
        self._add(path, Path(source).read_bytes(), executable)

    def add_tree(self, path: str, folder: Path, *, skip=("__pycache__",)) -> None:
        """Every file under ``folder`` (except ``skip`` folders and .pyc files) at ``path/...``."""
        for source in sorted(Path(folder).rglob("*")):
            rel = source.relative_to(folder)
            if source.is_file() and not set(rel.parts) & set(skip) and source.suffix != ".pyc":
                self.add_file(f"{path}/{rel.as_posix()}" if path else rel.as_posix(), source)

    def _add(self, path: str, data: bytes, executable: bool) -> None:
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"archive paths must be relative and stay inside the archive, got {path!r}")
        if path in self:
            raise ValueError(f"{path!r} added twice to one archive")
        self[path] = data
        if executable:
            self.executable.add(path)

    def write_zip(self, target: Path, prefix: str = "") -> Path:
        """Write the entries (under ``prefix/`` if given) into the zip ``target``."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(self):
                info = zipfile.ZipInfo(f"{prefix}/{path}" if prefix else path, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = ((EXECUTABLE if path in self.executable else REGULAR) | 0o100000) << 16
                zf.writestr(info, self[path])
        return target
