"""The shapes a class's submissions come in, read as they are (and written, for the kit's tests).

``read_export(folder, files, roster, work)`` finds every submission in ``folder`` and whose it is:

- **Gradescope** "Export Submissions": ``submission_<id>/`` folders and ``submission_metadata.yml``
  (``submission_<id>: {":submitters": [{":name", ":sid", ":email"}], ":created_at": ...}``). The
  student is the submitter (every submitter of a group submission gets the grade); the time handed
  in is ``:created_at``. An export unzipped into one folder of its own is found one level down.
- **Canvas** bulk download: flat files ``<name>_<userid>_<submissionid>_<file>`` (``<name>_late_...``
  when Canvas counted it late), grouped per student by the user id; Canvas's re-upload copies
  (``rnn-1.py`` for ``rnn.py``, highest number wins) are graded under the manifest's name. The files
  are put together in ``<work>/<student>/`` (a single uploaded ``.zip`` is graded as it is).
- **Folders**: one folder or ``.zip`` per student, named after them (``alice.zip`` -> ``alice``).

With a roster (``roster.py``), students are named by it. A file or folder whose student cannot be
identified is listed (``Discovery.unidentified``) and never dropped silently: a Canvas file without
the name pattern is not graded (there is no way to group it); a folder not on the roster, or a
Gradescope folder the metadata does not name, is graded under its own name. Other files (the
metadata itself, a README) are listed as ignored.

``write_gradescope_export`` / ``write_canvas_export`` / ``write_example_exports`` build such exports
from a class folder (e.g. ``assignments/sequences/class/``), for the kit's tests and a try-out.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

from .late import LateError, parse_time
from .roster import Person, Roster, Submission, roster_csv, safe_key

GRADESCOPE_METADATA = "submission_metadata.yml"
IGNORED_NAMES = ("__MACOSX",)
#: Canvas's bulk-download file name: ``<name>[_late]_<user id>_<submission id>_<original file name>``.
CANVAS_FILE = re.compile(r"^(?P<name>[^_]+?)(?P<late>_late)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$", re.IGNORECASE)
#: Canvas's copy of a re-uploaded file: ``rnn-1.py`` for ``rnn.py``.
REUPLOAD = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)(?P<ext>\.[^.]+)$")


@dataclass
class Discovery:
    """What ``read_export`` found.

    Attributes:
        layout: "gradescope", "canvas" or "folders".
        submissions: one per submission, sorted by key.
        ignored: entries that are not submissions (an export's metadata, notes).
        unidentified: "<entry>: <why>" for files or folders whose student could not be identified.
        missing: roster students without a submission.
        ungraded: the unidentified entries that are not graded (Canvas files without the name pattern).
        notes: other remarks (a superseded submission, an export found one folder down).
    """

    layout: str
    submissions: list[Submission] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unidentified: list[str] = field(default_factory=list)
    missing: list[Person] = field(default_factory=list)
    ungraded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Gradescope's submission_metadata.yml


def _yaml_scalar(text: str):
    text = text.strip()
    if text in ("", "~", "null"):
        return None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    return text


def parse_simple_yaml(text: str):
    """A small, tolerant reader of the YAML subset Gradescope writes (block mappings and lists of
    mappings, plain or quoted scalars); used when PyYAML is not installed."""
    lines = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#") or raw.startswith("---"):
            continue
        lines.append((len(raw) - len(raw.lstrip(" ")), raw.strip()))
    pos = 0

    def block(indent: int):
        nonlocal pos
        if pos >= len(lines):
            return None
        if lines[pos][1].startswith("- ") or lines[pos][1] == "-":
            items = []
            while pos < len(lines) and lines[pos][0] == indent and (lines[pos][1].startswith("- ") or lines[pos][1] == "-"):
                ind, content = lines[pos]
                rest = content[1:].lstrip()
                inner = ind + (len(content) - len(rest))
                if not rest:
                    pos += 1
                    items.append(block(lines[pos][0]) if pos < len(lines) and lines[pos][0] > ind else None)
                else:
                    lines[pos] = (inner, rest)  # the item's first line, as a line of its own block
                    items.append(block(inner) if _is_key(rest) else _scalar_line())
            return items
        mapping = {}
        while pos < len(lines) and lines[pos][0] == indent and not lines[pos][1].startswith("- "):
            _, content = lines[pos]
            key, _, value = _split_key(content)
            pos += 1
            if value.strip():
                mapping[key] = _yaml_scalar(value)
            elif pos < len(lines) and (lines[pos][0] > indent or
                                       (lines[pos][0] == indent and lines[pos][1].startswith("- "))):
                mapping[key] = block(lines[pos][0])
            else:
                mapping[key] = None
        return mapping

    def _scalar_line():
        nonlocal pos
        value = _yaml_scalar(lines[pos][1])
        pos += 1
        return value

    return block(lines[0][0]) if lines else None


def _is_key(content: str) -> bool:
    return bool(re.match(r"^(?:'[^']*'|\"[^\"]*\"|[^'\"\s][^:]*?|:[^:\s]+):(?:\s|$)", content))


def _split_key(content: str) -> tuple[str, str, str]:
    m = re.match(r"^('(?:[^']|'')*'|\"[^\"]*\"|:?[^:]*?):(?:\s+|$)(.*)$", content)
    if not m:
        return content, ":", ""
    return str(_yaml_scalar(m.group(1))), ":", m.group(2)


def load_gradescope_metadata(path: Path) -> dict | None:
    """``submission_<id> -> its metadata`` from ``submission_metadata.yml``; None when the file is not
    Gradescope's (not a mapping of ``submission_...`` keys) or cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
    except ImportError:  # pragma: no cover - PyYAML comes with otter-grader
        data = None
    if not isinstance(data, dict):
        try:
            data = parse_simple_yaml(text)
        except (IndexError, ValueError):
            data = None
    if not isinstance(data, dict) or not any(str(k).startswith("submission_") for k in data):
        return None
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def _meta(entry: dict, key: str):
    """A metadata value by its Ruby-symbol key (``:created_at``) or a plain one (``created_at``)."""
    for k in (f":{key}", key):
        if k in entry:
            return entry[k]
    return None


def _submitters(entry: dict) -> list[Person]:
    people = []
    for s in _meta(entry, "submitters") or []:
        if not isinstance(s, dict):
            continue
        name, sid, email = (str(_meta(s, k) or "").strip() for k in ("name", "sid", "email"))
        ident = sid or email or name
        if ident:
            people.append(Person(ident, name=name, email=email, sid=sid))
    return people


# ---------------------------------------------------------------------------------------------------
# reading an export


def _is_hidden(entry: Path) -> bool:
    return entry.name.startswith(".") or entry.name in IGNORED_NAMES


def _entries(folder: Path) -> list[Path]:
    return [e for e in sorted(folder.iterdir()) if not _is_hidden(e)]


def export_root(folder: Path) -> tuple[Path, list[str]]:
    """The folder holding the export: ``folder``, or its only sub-folder when that one holds a
    Gradescope export (an export unzipped into a folder of its own)."""
    entries = _entries(folder)
    if not (folder / GRADESCOPE_METADATA).is_file() and len(entries) == 1 and entries[0].is_dir() \
            and (entries[0] / GRADESCOPE_METADATA).is_file():
        return entries[0], [f"the export is in {entries[0].name}/"]
    return folder, []


def _handed_in(path: Path) -> bool:
    """Whether ``path`` can be part of what a student handed in: not hidden, not a link, not Python's
    bytecode (``__pycache__/``, ``.pyc``: running the checks in a student's folder writes those, and
    their times would make the student late)."""
    return not (_is_hidden(path) or path.is_symlink() or path.name == "__pycache__"
                or path.suffix.lower() in (".pyc", ".pyo"))


def _file_time(path: Path) -> datetime | None:
    """The latest modification time of the regular files of ``path`` (a file, or a folder two levels
    deep) that a student handed in (``_handed_in``), timezone-aware."""
    times = []
    try:
        if path.is_file():
            times.append(path.stat().st_mtime)
        else:
            for p in filter(_handed_in, path.iterdir()):
                if p.is_file():
                    times.append(p.stat().st_mtime)
                elif p.is_dir():
                    times += [q.stat().st_mtime for q in filter(_handed_in, p.iterdir()) if q.is_file()]
    except OSError:
        return None
    return datetime.fromtimestamp(max(times), tz=timezone.utc).astimezone() if times else None


#: What the batch grader writes at the top of its output folder (and reads beside it): a student's
#: key, which names their output folder, is never one of these (compared without case).
OUTPUT_NAMES = frozenset({"batch.json", "canvas.csv", "checks.csv", "gradebook.csv", "report.html", ".tmp",
                          ".inputs", "due.txt", "roster.csv"})


def _unique(subs: list[Submission]) -> list[Submission]:
    """Keys made unique (a second ``alice`` becomes ``alice-2``) and never an output name of the
    batch (an entry ``gradebook.csv.zip`` is graded as ``gradebook.csv-2``), sorted by key."""
    taken: set[str] = set()
    out = []
    for s in subs:
        key, n = s.student, 1
        while key in taken or key.lower() in OUTPUT_NAMES:
            n += 1
            key = f"{s.student}-{n}"
        taken.add(key)
        out.append(replace(s, student=key) if key != s.student else s)
    return sorted(out, key=lambda s: s.student)


def _match(roster: Roster, person: Person, *values: str, **kw) -> Person:
    return roster.merge(person, *values, **kw) if len(roster) else person


def _read_gradescope(root: Path, metadata: dict, roster: Roster, found: Discovery) -> None:
    candidates: list[Submission] = []
    extra: list[Submission] = []
    for entry in _entries(root):
        if entry.name == GRADESCOPE_METADATA:
            continue  # read already: it names the submitters and times
        if not entry.name.startswith("submission_") or not (entry.is_dir() or entry.suffix.lower() == ".zip"):
            found.ignored.append(entry.name)
            continue
        name = entry.name[:-4] if entry.suffix.lower() == ".zip" else entry.name
        meta = metadata.get(name)
        people = _submitters(meta) if meta else []
        if not people:
            why = "not in submission_metadata.yml" if meta is None else "no submitters in submission_metadata.yml"
            found.unidentified.append(f"{entry.name}: {why}; graded as {name}")
            extra.append(Submission(name, entry, entry.name, (Person(name),), _file_time(entry), "file times",
                                    identified=False))
            continue
        people = [_match(roster, p, p.sid, p.email) for p in people]
        for p in people:
            if len(roster) and not p.on_roster:
                found.unidentified.append(f"{entry.name}: {p.name or p.id} ({p.email or p.sid}) is not on the roster")
        created = _meta(meta, "created_at")
        try:
            when, source = (parse_time(created), "Gradescope :created_at") if created else (_file_time(entry), "file times")
        except LateError:
            when, source = _file_time(entry), "file times"
            found.notes.append(f"{entry.name}: unreadable :created_at {created!r}; file times used")
        candidates.append(Submission(safe_key(people[0].id), entry, entry.name, tuple(people), when, source,
                                     identified=all(p.on_roster for p in people) if len(roster) else True))
    # a student in two submissions (say a group's and their own): the newer one counts for them
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    newest: dict[str, Submission] = {}
    for sub in candidates:
        for p in sub.members:
            old = newest.get(p.id)
            if old is None or (sub.submitted_at or oldest) >= (old.submitted_at or oldest):
                newest[p.id] = sub
    final = []
    for sub in candidates:
        members = tuple(p for p in sub.members if newest[p.id] is sub)
        for p in sub.members:
            if newest[p.id] is not sub:
                found.notes.append(f"{p.id} ({p.name}) is in {sub.source} and {newest[p.id].source}: "
                                   f"the newer, {newest[p.id].source}, counts for them")
        if not members:
            found.notes.append(f"{sub.source}: superseded for every submitter; not graded")
            continue
        final.append(replace(sub, members=members, student=safe_key(members[0].id)))
    present = {e.name.removesuffix(".zip") for e in _entries(root)}
    for name in sorted(set(metadata) - present):
        found.notes.append(f"{name} is in submission_metadata.yml but not in the export")
    found.submissions = _unique(final + extra)


def canvas_name(text: str) -> str:
    """A name as Canvas writes it in bulk-download file names: lower-case letters, no spaces
    ("Smith, John" -> "smithjohn")."""
    return re.sub(r"[^a-z]", "", text.lower())


def _canonical(file: str, wanted: list[str]) -> tuple[str, int]:
    """(the manifest name a Canvas file stands for, its re-upload number)."""
    if file in wanted:
        return file, 0
    m = REUPLOAD.match(file)
    if m and f"{m['stem']}{m['ext']}" in wanted:
        return f"{m['stem']}{m['ext']}", int(m["n"])
    return file, 0


def _read_canvas(root: Path, files: list[Path], wanted: list[str], roster: Roster, work: Path,
                 found: Discovery) -> list[Submission]:
    groups: dict[str, list[tuple[Path, re.Match]]] = {}
    for f in files:
        m = CANVAS_FILE.match(f.name)
        groups.setdefault(m["uid"], []).append((f, m))
    subs = []
    by_name: dict[str, list[Person]] = {}
    for p in roster.people:
        for n in {canvas_name(p.name), canvas_name(" ".join(reversed(p.name.split(" ", 1))))}:
            if n:
                by_name.setdefault(n, []).append(p)
    for uid, items in sorted(groups.items()):
        login = items[0][1]["name"]
        person = Person(uid, name=login, canvas_id=uid)
        if len(roster):
            merged = roster.merge(person, uid, fields=("canvas_id", "id"))
            if not merged.on_roster and len(by_name.get(login, [])) == 1:
                merged = roster.merge(person, by_name[login][0].id, fields=("id",))
                merged = replace(merged, canvas_id=merged.canvas_id or uid)
            person = merged
            if not person.on_roster:
                found.unidentified.append(f"{items[0][0].name}: Canvas user {uid} ({login}) is not on the roster")
        key = safe_key(person.id)
        chosen: dict[str, tuple[int, Path]] = {}
        for path, m in items:
            name, n = _canonical(m["file"], wanted)
            if name not in chosen or n > chosen[name][0]:
                chosen[name] = (n, path)
        late = any(m["late"] for _, m in items)
        times = [p.stat().st_mtime for p, _ in items]
        when = datetime.fromtimestamp(max(times), tz=timezone.utc).astimezone() if times else None
        zips = [p for _, p in chosen.values() if p.suffix.lower() == ".zip"]
        source = ", ".join(p.name for p, _ in items)
        if not set(chosen) & set(wanted) and len(zips) == 1:
            path = zips[0]  # the student uploaded one zip: graded as it is
        else:
            path = work / key
            if path.exists():
                shutil.rmtree(path)
            path.mkdir(parents=True)
            for name, (_, src) in chosen.items():
                shutil.copy2(src, path / name)
        subs.append(Submission(key, path, source, (person,), when, "file times", late,
                               identified=person.on_roster if len(roster) else True))
    return subs


def _read_folders(root: Path, roster: Roster, found: Discovery, canvas_files: set[Path]) -> list[Submission]:
    subs: list[Submission] = []
    for entry in _entries(root):
        if entry in canvas_files:
            continue
        if entry.is_dir():
            subs.append(Submission(entry.name, entry, entry.name))
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            subs.append(Submission(entry.name[: -len(".zip")], entry, entry.name))
        elif canvas_files:
            found.unidentified.append(f"{entry.name}: not named <name>_<userid>_<submissionid>_<file>; not graded")
            found.ungraded.append(entry.name)
        else:
            found.ignored.append(entry.name)
    counts: dict[str, int] = {}
    for s in subs:
        counts[s.student] = counts.get(s.student, 0) + 1
    # ``alice/`` and ``alice.zip`` side by side: keep the entries' full names apart
    subs = [replace(s, student=s.path.name) if counts[s.student] > 1 else s for s in subs]
    out = []
    for s in subs:
        person = Person(s.student)
        if len(roster):
            person = roster.merge(person, s.student)
            if not person.on_roster:
                found.unidentified.append(f"{s.source}: {s.student!r} is not on the roster; graded as {s.student}")
        out.append(replace(s, student=safe_key(person.id) if person.on_roster else s.student, members=(person,),
                           submitted_at=_file_time(s.path), time_source="file times",
                           identified=person.on_roster if len(roster) else True))
    return out


def read_export(folder: Path, files: list[str], roster: Roster | None = None, work: Path | None = None) -> Discovery:
    """Every submission in ``folder`` (see the module's docstring). ``files``: the manifest's student
    file names; ``work``: where Canvas's files are put together per student (a temporary folder
    when None)."""
    roster = roster or Roster()
    root, notes = export_root(Path(folder))
    metadata = load_gradescope_metadata(root / GRADESCOPE_METADATA) if (root / GRADESCOPE_METADATA).is_file() else None
    if metadata is not None:
        found = Discovery("gradescope", notes=notes)
        _read_gradescope(root, metadata, roster, found)
    else:
        canvas_files = [e for e in _entries(root) if e.is_file() and CANVAS_FILE.match(e.name)]
        found = Discovery("canvas" if canvas_files else "folders", notes=notes)
        subs = []
        if canvas_files:
            if work is None:
                work = Path(tempfile.mkdtemp(prefix="ag-canvas-"))
            subs += _read_canvas(root, canvas_files, list(files), roster, Path(work), found)
        subs += _read_folders(root, roster, found, set(canvas_files))
        found.submissions = _unique(subs)
    if len(roster):
        members = {p.id for s in found.submissions for p in s.people}
        found.missing = [p for p in roster.people if p.id not in members]
    return found


# ---------------------------------------------------------------------------------------------------
# writing example exports (the kit's tests; a try-out of the batch grader on realistic layouts)

FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Katherine", "Claude",
         "Radia", "Tim", "Margaret", "Dennis", "Shafi", "Ken", "Leslie", "Niklaus", "Sophie", "Guido"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Johnson", "Shannon",
        "Perlman", "Berners-Lee", "Hamilton", "Ritchie", "Goldwasser", "Thompson", "Lamport", "Wirth", "Wilson",
        "van Rossum"]


def example_people(n: int, sections: int = 4) -> list[Person]:
    """``n`` made-up students with ids, names, emails, sections ``L01``.., SIS logins, Canvas ids."""
    people = []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
        login = f"{first[0]}{canvas_name(last)}{i + 1}".lower()
        people.append(Person(f"{2026000 + i + 1}", name=f"{first} {last}", email=f"{login}@example.edu",
                             section=f"L{i % sections + 1:02d}", sid=f"{2026000 + i + 1}", login=login,
                             canvas_id=f"{51000 + i * 13}", on_roster=True))
    return people


@dataclass(frozen=True)
class ExampleStudent:
    """One student of an example export: who, their entry in a class folder, when they handed it in."""

    person: Person
    entry: Path
    submitted_at: datetime


def _files_of(entry: Path) -> dict[str, bytes]:
    """The files a class entry holds (folder: two levels; zip: every regular member), flattened to
    their base names, macOS junk left out."""
    out: dict[str, bytes] = {}
    if entry.is_dir():
        for p in sorted(entry.rglob("*")):
            if p.is_file() and not p.is_symlink() and not any(part in IGNORED_NAMES or part.startswith(".")
                                                                 for part in p.relative_to(entry).parts):
                out.setdefault(p.name, p.read_bytes())
    else:
        with zipfile.ZipFile(entry) as z:
            for info in z.infolist():
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or any(part in IGNORED_NAMES or part.startswith(".") for part in parts):
                    continue
                out.setdefault(parts[-1], z.read(info))
    return out


def _touch(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def _ruby_time(when: datetime) -> str:
    """A time as Gradescope's metadata writes it: ``2026-12-01 23:50:12.345678000 -08:00``."""
    offset = when.strftime("%z")
    return when.strftime("%Y-%m-%d %H:%M:%S.%f") + "000 " + f"{offset[:3]}:{offset[3:]}"


def _yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_gradescope_export(students: list[ExampleStudent], dest: Path, groups: list[tuple[int, int]] = (),
                            first_id: int = 200001) -> Path:
    """A Gradescope "Export Submissions" folder: ``submission_<id>/`` with each student's files and
    ``submission_metadata.yml``. ``groups``: pairs of indexes into ``students`` that handed in one
    submission together (the first one's files and time)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    partner = {b: a for a, b in groups}
    lines = []
    for i, s in enumerate(students):
        if i in partner:
            continue
        name = f"submission_{first_id + i}"
        folder = dest / name
        folder.mkdir()
        for file, data in _files_of(s.entry).items():
            (folder / file).write_bytes(data)
            _touch(folder / file, s.submitted_at)
        members = [s] + [students[b] for a, b in groups if a == i]
        lines.append(f"{name}:")
        lines.append("  :submitters:")
        for m in members:
            lines += [f"  - :name: {m.person.name}", f"    :sid: {_yaml_quote(m.person.sid)}",
                      f"    :email: {m.person.email}"]
        lines += [f"  :created_at: {_ruby_time(s.submitted_at)}", "  :score: ", "  :status: processed",
                  "  :history: []"]
    (dest / GRADESCOPE_METADATA).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def write_canvas_export(students: list[ExampleStudent], dest: Path, due: datetime | None = None,
                        reuploads: tuple[int, ...] = (), first_submission: int = 700001) -> Path:
    """A Canvas bulk download: flat files ``<name>[_late]_<userid>_<submissionid>_<file>`` with the
    files' modification times set to the time handed in (``late`` when after ``due``). A student
    whose entry is a zip uploaded that zip; the students at ``reuploads`` re-uploaded their files
    (Canvas names the new copies ``<file>-1.py``; the old ones are not in the download)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(students):
        late = "_late" if due is not None and s.submitted_at > due else ""
        prefix = f"{canvas_name(' '.join(reversed(s.person.name.split(' ', 1))))}{late}_{s.person.canvas_id}_" \
                 f"{first_submission + i}_"
        if s.entry.is_file() and s.entry.suffix.lower() == ".zip":
            files = {s.entry.name: s.entry.read_bytes()}
        else:
            files = _files_of(s.entry)
        for file, data in files.items():
            if i in reuploads and file.endswith(".py"):
                file = f"{file[:-3]}-1.py"
            path = dest / f"{prefix}{file}"
            path.write_bytes(data)
            _touch(path, s.submitted_at)
    return dest


def write_example_exports(class_folder: Path, dest: Path, due: datetime, *, late: dict[int, timedelta] | None = None,
                          limit: int | None = None, groups: list[tuple[int, int]] = (),
                          reuploads: tuple[int, ...] = (0,), absent: int = 1) -> dict[str, Path | list]:
    """From a class folder (one folder or zip per student, e.g. ``assignments/sequences/class/``):
    ``dest/gradescope/`` (folders + metadata), ``dest/canvas/`` (flat files, the late ones flagged),
    ``dest/roster.csv`` (every student plus ``absent`` who handed in nothing) and ``dest/due.txt``.

    Everyone hands in an hour before ``due`` except the students in ``late`` (index -> time after
    the due date). Returns the paths and the ``students`` (ExampleStudent list) and ``roster`` (people).
    """
    late = {2: timedelta(minutes=10), 3: timedelta(hours=5), 4: timedelta(days=2, hours=1)} if late is None else late
    entries = [e for e in sorted(Path(class_folder).iterdir()) if not _is_hidden(e)
               and (e.is_dir() or e.suffix.lower() == ".zip")][:limit]
    people = example_people(len(entries) + absent)
    students = [ExampleStudent(p, e, due + late.get(i, timedelta(hours=-1))) for i, (p, e) in
                enumerate(zip(people, entries))]
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = {
        "gradescope": write_gradescope_export(students, dest / "gradescope", groups=list(groups)),
        "canvas": write_canvas_export(students, dest / "canvas", due=due, reuploads=reuploads),
        "roster": dest / "roster.csv",
        "students": students,
        "roster_people": people,
    }
    (dest / "roster.csv").write_text(roster_csv(people), encoding="utf-8")
    (dest / "due.txt").write_text(due.isoformat() + "\n", encoding="utf-8")
    return out
