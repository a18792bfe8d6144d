"""Who the students are: the people behind each submission, and the class list (roster CSV).

A class's submissions come from an export (``exports.py`` reads Gradescope's, Canvas's and plain
folders); each ``Submission`` names its student(s) with ``Person`` records. A roster CSV, when given,
is the authority on names, emails and sections: the export's people are matched to it by any
identifier they share (roster id, SID, SIS login, Canvas user id, email).

Roster CSV: a header row, then one row per student. Columns (any order, case and spacing ignored):

    id        the student's id in this course (default: SID, then login, then email)
    name      full name (or ``first name`` + ``last name``)
    email     email address
    section   section, lab group or TA
    sid       student number / SIS User ID            (optional)
    login     SIS login / Canvas login               (optional)
    canvas_id Canvas's numeric user id               (optional)

Canvas's own gradebook export (``Student, ID, SIS User ID, SIS Login ID, Section``) and Gradescope's
roster export (``First Name, Last Name, SID, Email, Sections``) are read as rosters too.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path


class RosterError(ValueError):
    """The roster CSV cannot be used (missing, no id column, duplicate ids)."""


@dataclass(frozen=True)
class Person:
    """One student. ``id`` is the course's id for them (the gradebook's ``student`` column)."""

    id: str
    name: str = ""
    email: str = ""
    section: str = ""
    sid: str = ""
    login: str = ""
    canvas_id: str = ""
    on_roster: bool = False

    def identifiers(self) -> list[str]:
        """Every non-empty identifier, ``id`` first (emails lower-cased)."""
        out = [self.id, self.sid, self.login, self.canvas_id, self.email.lower()]
        return [x for i, x in enumerate(out) if x and x not in out[:i]]


@dataclass(frozen=True)
class Submission:
    """One submission to grade.

    Attributes:
        student: its key, unique in the class: the name of its output folder ``<out>/<student>/``
            and the gradebook's ``student`` column (the roster id when the student is on the roster).
        path: the folder or ``.zip`` the grader takes.
        source: where it came from in the export (an entry's name, or Canvas's file names).
        members: the students it counts for (a Gradescope group submission has several).
        submitted_at: when it was handed in (timezone-aware), if the export says or the files tell.
        time_source: where ``submitted_at`` comes from ("Gradescope :created_at", "file times").
        lms_late: the platform's own late flag (Canvas's ``late`` in the file name); None if not given.
        identified: False when the export did not say whose it is, or the roster does not know them.
    """

    student: str
    path: Path
    source: str = ""
    members: tuple[Person, ...] = ()
    submitted_at: datetime | None = None
    time_source: str = ""
    lms_late: bool | None = None
    identified: bool = True

    @property
    def people(self) -> tuple[Person, ...]:
        return self.members or (Person(self.student),)

    def identifiers(self) -> list[str]:
        """Everything ``--student`` may name it by: its key, its source, each member's identifiers."""
        out = [self.student, self.source]
        for p in self.people:
            out += p.identifiers()
        return [x for i, x in enumerate(out) if x and x not in out[:i]]


#: Header spellings -> field, for our roster, Canvas's gradebook export and Gradescope's roster.
HEADERS = {
    "id": "id", "student id": "id", "studentid": "id", "username": "id", "user": "id",
    "name": "name", "full name": "name", "student name": "name", "student": "name",
    "first name": "first", "firstname": "first", "given name": "first",
    "last name": "last", "lastname": "last", "surname": "last", "family name": "last",
    "email": "email", "e-mail": "email", "email address": "email",
    "section": "section", "sections": "section", "group": "section", "ta": "section",
    "sid": "sid", "sis user id": "sid", "sis id": "sid", "student number": "sid",
    "login": "login", "sis login id": "login", "login id": "login",
    "canvas id": "canvas_id", "canvas user id": "canvas_id", "canvas_id": "canvas_id",
}
#: Canvas's gradebook export calls its numeric user id plain ``ID``.
CANVAS_HEADERS = {"student": "name", "id": "canvas_id", "sis user id": "sid", "sis login id": "login",
                  "section": "section"}


def _norm(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lstrip("\ufeff").lower())


def safe_key(text: str) -> str:
    """``text`` as a folder name: letters, digits and ``._@+-`` only, never hidden, never empty."""
    key = re.sub(r"[^A-Za-z0-9._@+-]+", "_", text.strip()).lstrip("._").rstrip("_")
    return key or "student"


@dataclass
class Roster:
    """The class list: people by id, and every identifier -> person for matching."""

    people: list[Person] = field(default_factory=list)
    path: Path | None = None

    def __post_init__(self) -> None:
        self._by: dict[str, dict[str, Person]] = {f: {} for f in ("id", "sid", "login", "canvas_id", "email", "local")}
        for p in self.people:
            for f, value in (("id", p.id), ("sid", p.sid), ("login", p.login), ("canvas_id", p.canvas_id),
                             ("email", p.email.lower()), ("local", p.email.lower().split("@")[0])):
                if value:
                    self._by[f].setdefault(value, p)

    def __len__(self) -> int:
        return len(self.people)

    def find(self, *values: str, fields: tuple[str, ...] = ("id", "sid", "login", "canvas_id", "email", "local")
             ) -> Person | None:
        """The person one of ``values`` identifies (tried in field order, then value order)."""
        for f in fields:
            for v in values:
                if not v:
                    continue
                v = v.strip()
                p = self._by[f].get(v.lower() if f in ("email", "local") else v)
                if p is not None:
                    return p
        return None

    def merge(self, person: Person, *values: str, fields=("id", "sid", "login", "canvas_id", "email", "local")
              ) -> Person:
        """``person`` as the roster knows them (its name, email, section, ids; blanks filled from
        ``person``), or ``person`` unchanged when the roster has no match."""
        found = self.find(*(values or person.identifiers()), fields=fields)
        if found is None:
            return person
        return replace(found, name=found.name or person.name, email=found.email or person.email,
                       sid=found.sid or person.sid, login=found.login or person.login,
                       canvas_id=found.canvas_id or person.canvas_id, on_roster=True)


def parse_roster(text: str, where: str = "roster") -> Roster:
    """A roster from CSV text (see the module's docstring for the columns)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise RosterError(f"{where}: empty (expected a header row: id,name,email,section)")
    headers = [_norm(h) for h in rows[0]]
    canvas = "sis user id" in headers or ("student" in headers and "id" in headers and "section" in headers)
    table = {**HEADERS, **CANVAS_HEADERS} if canvas else HEADERS
    columns = {i: table[h] for i, h in enumerate(headers) if h in table}
    if not {"id", "sid", "login", "canvas_id", "email"} & set(columns.values()):
        raise RosterError(f"{where}: no id column in the header {rows[0]!r} (expected id,name,email,section)")
    people: list[Person] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        values: dict[str, str] = {}
        for i, f in columns.items():
            if i < len(row) and row[i].strip() and f not in values:
                values[f] = row[i].strip()
        if canvas and (values.get("name", "").strip().lower() in ("points possible", "student, test", "test student")):
            continue  # Canvas's points-possible row and its test student
        name = values.get("name") or " ".join(x for x in (values.get("first"), values.get("last")) if x)
        ident = values.get("id") or values.get("sid") or values.get("login") or values.get("email") \
            or values.get("canvas_id")
        if not ident:
            raise RosterError(f"{where}, line {line}: no id, SID, login or email")
        if ident in seen:
            raise RosterError(f"{where}, line {line}: id {ident!r} is already on line {seen[ident]}")
        seen[ident] = line
        people.append(Person(ident, name=name, email=values.get("email", ""), section=values.get("section", ""),
                             sid=values.get("sid", ""), login=values.get("login", ""),
                             canvas_id=values.get("canvas_id", ""), on_roster=True))
    return Roster(people, None)


def load_roster(path: Path | str | None) -> Roster:
    """The roster CSV at ``path`` (an empty roster when None)."""
    if path is None:
        return Roster()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    roster = parse_roster(text, str(path))
    roster.path = path
    return roster


def roster_csv(people: list[Person]) -> str:
    """A roster CSV (``id,name,email,section,sid,login,canvas_id``) of ``people``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "name", "email", "section", "sid", "login", "canvas_id"])
    for p in people:
        writer.writerow([p.id, p.name, p.email, p.section, p.sid, p.login, p.canvas_id])
    return buf.getvalue()
