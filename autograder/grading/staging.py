"""Copy a submission's student files (and nothing else) into a fresh folder for the worker.

A submission is a folder or a .zip holding the student files at its top level or inside exactly one
folder. Only the manifest's file names are taken, only as regular files (no symlinks), each at most
``MAX_FILE`` bytes; zip members are read with a size cap, so `../` paths, symlinks, nested folders
and zip bombs cannot reach or fill anything.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILE = 1 << 20  # 1 MiB per student file
IGNORED_DIRS = ("__MACOSX",)


class SubmissionError(ValueError):
    """The submission path cannot be read at all (the grader cannot run)."""


@dataclass
class Stage:
    """The staged copy: ``folder`` holds the found files; ``notes`` explains what was skipped."""

    folder: Path
    present: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _pick_prefix(names: list[PurePosixPath], wanted: set[str]) -> PurePosixPath | None:
    """The folder (top level, or exactly one folder one level down) holding the student files."""
    top = {n.name for n in names if len(n.parts) == 1}
    if top & wanted:
        return PurePosixPath()
    folders = {n.parts[0] for n in names if len(n.parts) == 2 and n.name in wanted and n.parts[0] not in IGNORED_DIRS}
    if len(folders) == 1:
        return PurePosixPath(folders.pop())
    return None


def _stage_folder(src: Path, wanted: set[str], stage: Stage) -> None:
    names = []
    for entry in src.iterdir():
        names.append(PurePosixPath(entry.name))
        if entry.is_dir() and not entry.is_symlink():
            names.extend(PurePosixPath(entry.name, sub.name) for sub in entry.iterdir())
    prefix = _pick_prefix(names, wanted)
    if prefix is None:
        return
    for name in sorted(wanted):
        path = src / prefix / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            stage.notes.append(f"{name} is not a regular file (symlink or folder?) and was ignored")
            continue
        if info.st_size > MAX_FILE:
            stage.notes.append(f"{name} is larger than {MAX_FILE} bytes and was ignored")
            continue
        try:  # no symlink and no FIFO may take the checked file's place between lstat and open
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                continue
            (stage.folder / name).write_bytes(f.read(MAX_FILE + 1)[:MAX_FILE])
        stage.present.add(name)


def _stage_zip(src: Path, wanted: set[str], stage: Stage) -> None:
    try:
        archive = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        stage.notes.append(f"the zip file could not be read ({exc}); no files were graded")
        return
    with archive:
        members = {}
        for info in archive.infolist():
            pure = PurePosixPath(info.filename)
            if info.is_dir() or pure.is_absolute() or ".." in pure.parts:
                continue
            members[pure] = info
        prefix = _pick_prefix(list(members), wanted)
        if prefix is None:
            return
        for name in sorted(wanted):
            info = members.get(prefix / name)
            if info is None:
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                stage.notes.append(f"{name} is a symlink in the zip and was ignored")
                continue
            if info.file_size > MAX_FILE:
                stage.notes.append(f"{name} is larger than {MAX_FILE} bytes and was ignored")
                continue
            try:
                with archive.open(info) as f:
                    data = f.read(MAX_FILE + 1)
            except Exception as exc:  # corrupt member, bad compression, encryption
                stage.notes.append(f"{name} could not be read from the zip ({type(exc).__name__}) and was ignored")
                continue
            if len(data) > MAX_FILE:
                stage.notes.append(f"{name} is larger than {MAX_FILE} bytes and was ignored")
                continue
            (stage.folder / name).write_bytes(data)
            stage.present.add(name)


def stage_submission(path: Path, files: list[str]) -> Stage:
    """Copy the student ``files`` found in the submission ``path`` into a new temporary folder.

    Raises:
        SubmissionError: ``path`` does not exist or is neither a folder nor a file.
    """
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"submission not found: {path}")
    folder = Path(tempfile.mkdtemp(prefix="ag-stage-"))
    stage = Stage(folder)
    wanted = set(files)
    try:
        if path.is_dir():
            _stage_folder(path, wanted, stage)
        elif path.is_file():
            _stage_zip(path, wanted, stage)
        else:
            raise SubmissionError(f"submission is neither a folder nor a file: {path}")
    except PermissionError as exc:
        raise SubmissionError(f"cannot read the submission: {exc}") from None
    for name in sorted(wanted - stage.present):
        stage.notes.append(f"{name} was not found in the submission: its checks score 0")
    return stage
