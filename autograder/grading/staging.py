"""Copy a submission's student files (and nothing else) into a fresh folder for the worker.

A submission is a folder or a .zip holding the student files at its top level or inside exactly one
folder. Only the manifest's file names are taken, only as regular files (no symlinks), each at most
``MAX_FILE`` bytes; zip members are read with a size cap, so `../` paths, symlinks, nested folders
and zip bombs cannot reach or fill anything.

A file handed in under another name is not graded, but the stage says which ``.py`` files the
submission held and which of them is probably the missing one (``gru_final.py`` for ``gru.py``); with
``accept_numbered_copies`` (a manifest option), a browser's or an LMS's numbered copy (``rnn (1).py``,
``rnn-1.py``) is graded as ``rnn.py`` when it is the only candidate.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..checklib.text import inert
from . import scratch

MAX_FILE = 1 << 20  # 1 MiB per student file
MAX_ZIP = 64 << 20  # a submission zip larger than this is not opened
MAX_MEMBERS = 50_000  # nor one claiming more entries (its directory alone, ~1 KiB per entry, could fill memory)
IGNORED_DIRS = ("__MACOSX",)
#: A browser's or an LMS's copy of ``<stem>.py``: ``<stem> (1).py``, ``<stem>(2).py``, ``<stem>-1.py``.
NUMBERED_COPY = r"^{stem}\s?\(\d+\)\.py$|^{stem}-\d+\.py$"


class SubmissionError(ValueError):
    """The submission path cannot be read at all (the grader cannot run)."""


@dataclass
class Stage:
    """The staged copy.

    Attributes:
        folder: holds the student files that were found, under their manifest names.
        present: the manifest names staged.
        notes: what was skipped, renamed or missing, for the student.
        received: the ``.py`` files the submission held where the student files were looked for.
        hints: missing manifest name -> a received file that is probably it.
    """

    folder: Path
    present: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)


def numbered_copy_of(name: str, candidates: list[str]) -> str | None:
    """The one candidate that is a numbered copy of ``name`` (``rnn (1).py`` for ``rnn.py``), or None."""
    pattern = re.compile(NUMBERED_COPY.format(stem=re.escape(Path(name).stem)))
    found = [c for c in candidates if pattern.match(c)]
    return found[0] if len(found) == 1 else None


def likely_match(name: str, candidates: list[str]) -> str | None:
    """The received file that is most probably the missing ``name``: a numbered copy, the one name
    containing its stem (``gru_final.py``, ``my_gru.py``), or a close spelling (``gru .py``)."""
    candidates = [c for c in candidates if c != name]
    copy = numbered_copy_of(name, candidates)
    if copy:
        return copy
    stem = Path(name).stem.lower()
    containing = [c for c in candidates if stem in Path(c).stem.lower()]
    if containing:
        return containing[0] if len(containing) == 1 else None  # several: no guess
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def _pick_prefix(names: list[PurePosixPath], wanted) -> PurePosixPath | None:
    """The folder (top level, or exactly one folder one level down) holding the student files
    (``wanted(name)`` says whether a file name is one of them)."""
    if any(len(n.parts) == 1 and wanted(n.name) for n in names):
        return PurePosixPath()
    folders = {n.parts[0] for n in names if len(n.parts) == 2 and wanted(n.name) and n.parts[0] not in IGNORED_DIRS}
    if len(folders) == 1:
        return PurePosixPath(folders.pop())
    return None


def _python_files(names: list[PurePosixPath], prefix: PurePosixPath | None) -> list[str]:
    """The ``.py`` names in ``prefix`` (at the top and one folder down when there is none)."""
    if prefix is not None:
        return sorted({n.name for n in names if n.parent == prefix and n.suffix == ".py"})
    return sorted({n.as_posix() for n in names if len(n.parts) <= 2 and n.suffix == ".py"
                   and n.parts[0] not in IGNORED_DIRS})


class _FolderSource:
    """A submission folder: names one level deep, files read without following links."""

    def __init__(self, path: Path):
        self.path = path

    def names(self) -> list[PurePosixPath]:
        names = []
        for entry in self.path.iterdir():
            names.append(PurePosixPath(entry.name))
            if entry.is_dir() and not entry.is_symlink():
                names.extend(PurePosixPath(entry.name, sub.name) for sub in entry.iterdir())
        return names

    def read(self, rel: PurePosixPath, name: str, notes: list[str]) -> bytes | None:
        path = self.path / rel
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            notes.append(f"{name} is not a regular file (symlink or folder?) and was ignored")
            return None
        if info.st_size > MAX_FILE:
            notes.append(f"{name} is larger than {MAX_FILE} bytes and was ignored")
            return None
        try:  # no symlink and no FIFO may take the checked file's place between lstat and open
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            return f.read(MAX_FILE + 1)[:MAX_FILE]


class _ZipSource:
    """A submission zip: members read one by one with a size cap, never extracted."""

    def __init__(self, archive: zipfile.ZipFile):
        self.members = {}
        for info in archive.infolist():
            pure = PurePosixPath(info.filename)
            if info.is_dir() or pure.is_absolute() or ".." in pure.parts:
                continue
            self.members[pure] = info
        self.archive = archive

    def names(self) -> list[PurePosixPath]:
        return list(self.members)

    def read(self, rel: PurePosixPath, name: str, notes: list[str]) -> bytes | None:
        info = self.members.get(rel)
        if info is None:
            return None
        if stat.S_ISLNK(info.external_attr >> 16):
            notes.append(f"{name} is a symlink in the zip and was ignored")
            return None
        if info.file_size > MAX_FILE:
            notes.append(f"{name} is larger than {MAX_FILE} bytes and was ignored")
            return None
        try:
            with self.archive.open(info) as f:
                data = f.read(MAX_FILE + 1)
        except Exception as exc:  # corrupt member, bad compression, encryption
            notes.append(f"{name} could not be read from the zip ({type(exc).__name__}) and was ignored")
            return None
        if len(data) > MAX_FILE:
            notes.append(f"{name} is larger than {MAX_FILE} bytes and was ignored")
            return None
        return data


def _zip_too_big(path: Path) -> str:
    """Why the zip at ``path`` must not be opened ('' when it may): its size, or the entry count its
    end-of-central-directory record claims, read before ``zipfile`` builds the whole directory."""
    size = path.stat().st_size
    if size > MAX_ZIP:
        return f"the zip file is {size} bytes, more than the {MAX_ZIP} allowed"
    try:
        with open(path, "rb") as f:
            end = zipfile._EndRecData(f)  # the standard library's own reader of that record
    except Exception:  # noqa: BLE001 - an unreadable record: zipfile will say so below
        return ""
    if end and end[zipfile._ECD_ENTRIES_TOTAL] > MAX_MEMBERS:
        return f"the zip file claims {end[zipfile._ECD_ENTRIES_TOTAL]} entries, more than the {MAX_MEMBERS} allowed"
    return ""


def _stage_from(source, wanted: list[str], stage: Stage, accept_numbered_copies: bool) -> None:
    names = source.names()
    copies = [re.compile(NUMBERED_COPY.format(stem=re.escape(Path(w).stem))) for w in wanted]

    def is_student_file(name: str) -> bool:
        return name in wanted or (accept_numbered_copies and any(c.match(name) for c in copies))

    prefix = _pick_prefix(names, is_student_file)
    stage.received = _python_files(names, prefix)
    if prefix is None:
        return
    for name in sorted(wanted):
        handed_in = name
        if PurePosixPath(prefix, name) not in names and accept_numbered_copies:
            handed_in = numbered_copy_of(name, stage.received) or name
        data = source.read(PurePosixPath(prefix, handed_in), name, stage.notes)
        if data is None:
            continue
        (stage.folder / name).write_bytes(data)
        stage.present.add(name)
        if handed_in != name:
            stage.notes.append(f"{handed_in} was graded as {name} (a numbered copy of it, and the only candidate)")


def stage_submission(path: Path, files: list[str], *, accept_numbered_copies: bool = False) -> Stage:
    """Copy the student ``files`` found in the submission ``path`` into a new temporary folder.

    ``accept_numbered_copies``: take ``rnn (1).py`` (or ``rnn-1.py``) for a missing ``rnn.py`` when it
    is the only numbered copy.

    Raises:
        SubmissionError: ``path`` does not exist or is neither a folder nor a file.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise SubmissionError(f"submission not found: {path}")
    folder = scratch.make("ag-stage-")
    stage = Stage(folder)
    wanted = sorted(set(files))
    try:
        if path.is_symlink():  # read without following links: a link to solutions/ is not a submission
            stage.notes.append("the submission is a symbolic link; links are not followed, so no files were graded")
        elif path.is_dir():
            _stage_from(_FolderSource(path), wanted, stage, accept_numbered_copies)
        elif path.is_file() and (too_big := _zip_too_big(path)):
            stage.notes.append(f"{too_big}; no files were graded")
        elif path.is_file():
            try:
                archive = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                stage.notes.append(f"the zip file could not be read ({exc}); no files were graded")
            else:
                with archive:
                    _stage_from(_ZipSource(archive), wanted, stage, accept_numbered_copies)
        else:
            raise SubmissionError(f"submission is neither a folder nor a file: {path}")
    except PermissionError as exc:
        raise SubmissionError(f"cannot read the submission: {exc}") from None
    received = [r for r in stage.received if r not in stage.present]
    for name in sorted(set(wanted) - stage.present):
        note = f"{name} was not found in the submission: its checks score 0."
        guess = likely_match(name, received)
        if guess:
            stage.hints[name] = guess
            note += f" Did you mean {guess}? Rename it to {name} and submit again."
        stage.notes.append(note)
    if set(wanted) - stage.present:
        shown = ", ".join(stage.received[:20]) + (" ..." if len(stage.received) > 20 else "")
        stage.notes.append(f"Python files received: {shown or 'none'}; expected: {', '.join(wanted)}.")
    stage.notes = [inert(note, 2000) for note in stage.notes]  # file names are the student's text
    return stage
