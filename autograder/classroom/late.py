"""Late work: a due date, a late policy, per-student extensions, and what each submission loses.

The policy comes from the assignment's manifest, table ``[late]``, and the command line overrides
each value (``--due``, ``--late-per-day``, ``--late-cap``, ``--grace-minutes``, ``--extensions``):

    [late]
    due = "2026-12-01T23:59:00+00:00"   # ISO 8601; without an offset: this machine's local time
    per_day = 10                          # percent of the earned score per day late (started days)
    cap = 50                              # the penalty never exceeds this percent
    grace_minutes = 15                    # this long after a due time still counts as on time

Rules (a course's usual reading of "10% per day, at most 50%"):

- A submission is late when it was handed in more than ``grace_minutes`` after its due time (the
  class's, or the student's extension). Days late = started 24-hour periods after due + grace, so
  the grace applies at every day boundary (due 23:59, grace 15 min: 00:10 the next night is 1 day).
- Penalty percent = min(cap, per_day x days late); the penalty is that percent of the points earned
  (raw score), so the final score = raw x (1 - percent / 100): never negative, and late work is
  never dropped (a cap of 100 can bring it to 0, but it stays in the gradebook).
- Extensions (CSV ``id,new_due``; a date alone means 23:59 of that day) replace the due time of the
  students they name (any identifier: roster id, SID, email, Canvas id, login).
- The time handed in: Gradescope's ``:created_at`` from ``submission_metadata.yml``; for Canvas's
  bulk download, whether it is late at all is Canvas's (``late`` in the file names: Canvas applied
  its own due dates and overrides), and how late is told by the files' modification times (unzip
  keeps them); for plain folders, the files' modification times. Unknown times are never late.
"""

from __future__ import annotations

import csv
import io
import math
import re
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (requirements/)
    import tomli as tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

DAY = timedelta(days=1)


class LateError(ValueError):
    """A due date, policy value or extensions file that cannot be used."""


_TIME = re.compile(
    r"^\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T\s]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?\s*$", re.IGNORECASE)


def parse_time(value, default_tz=None, *, end_of_day: bool = False) -> datetime:
    """A timezone-aware datetime from ``value``: a datetime, or text such as ``2026-12-01T23:59:00+00:00``,
    ``2026-12-01 23:50:12.345678000 -08:00`` (Gradescope's), ``2026-12-01 23:59`` or ``2026-12-01``.
    Without an offset, ``default_tz`` (None: this machine's local time); a date alone is 00:00, or
    23:59 with ``end_of_day``."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value)
        m = _TIME.match(text)
        if not m:
            raise LateError(f"not a date and time: {text!r} (expected e.g. 2026-12-01T23:59:00+00:00)")
        try:
            y, mo, d = (int(x) for x in m["date"].split("-"))
            if m["h"] is None:
                t = time(23, 59) if end_of_day else time(0, 0)
            else:
                frac = (m["frac"] or "0")[:6].ljust(6, "0")
                t = time(int(m["h"]), int(m["m"]), int(m["s"] or 0), int(frac))
            dt = datetime.combine(datetime(y, mo, d).date(), t)
        except ValueError as exc:
            raise LateError(f"not a date and time: {text!r} ({exc})") from None
        tz = m["tz"]
        if tz:
            if tz.upper() in ("Z", "UTC", "GMT"):
                dt = dt.replace(tzinfo=timezone.utc)
            else:
                digits = tz.replace(":", "")
                sign = -1 if digits[0] == "-" else 1
                hours, minutes = int(digits[1:3]), int(digits[3:5] or 0)
                dt = dt.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz) if default_tz is not None else dt.astimezone()
    return dt


@dataclass(frozen=True)
class LatePolicy:
    """A due date and a late policy (see the module's docstring). ``due`` None: nothing is late."""

    due: datetime | None = None
    per_day: float = 0.0
    cap: float = 100.0
    grace_minutes: float = 0.0
    extensions: dict[str, datetime] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.due is not None

    def describe(self) -> str:
        if self.due is None:
            return "no due date"
        text = f"due {fmt_time(self.due)}"
        if self.grace_minutes:
            text += f" (grace {self.grace_minutes:g} min)"
        if self.per_day:
            text += f"; {self.per_day:g}% of the earned score per day late, at most {self.cap:g}%"
        else:
            text += "; no late penalty"
        if self.extensions:
            text += f"; {len(self.extensions)} extension{'s' if len(self.extensions) != 1 else ''}"
        return text


@dataclass(frozen=True)
class Lateness:
    """How late one submission was and what it loses."""

    submitted_at: datetime | None = None
    due: datetime | None = None
    days: int = 0
    percent: float = 0.0
    extended: bool = False
    note: str = ""  # e.g. "Canvas: late; file times not after the due date"

    @property
    def late(self) -> bool:
        return self.days > 0

    def penalty(self, raw: float) -> float:
        """Points lost from ``raw`` (rounded like results.json's scores)."""
        return round(raw * self.percent / 100.0, 4)

    def final(self, raw: float) -> float:
        return round(raw - self.penalty(raw), 4)


def fmt_time(dt: datetime | None) -> str:
    return dt.isoformat(timespec="minutes") if dt is not None else ""


def _number(value, what: str, low: float = 0.0, high: float | None = None) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise LateError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(x) or x < low or (high is not None and x > high):
        raise LateError(f"{what} must be between {low:g} and {high:g}, got {value!r}" if high is not None
                        else f"{what} must be at least {low:g}, got {value!r}")
    return x


def manifest_late_table(manifest_file: Path) -> dict:
    """The ``[late]`` table of a manifest file ({} when it has none)."""
    try:
        data = tomllib.loads(Path(manifest_file).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    table = data.get("late", {})
    if not isinstance(table, dict):
        raise LateError(f"{manifest_file}: [late] must be a table")
    return table


def parse_extensions(text: str, default_tz=None, where: str = "extensions") -> dict[str, datetime]:
    """``id -> new due`` from CSV text: ``id,new_due`` rows (a header row is optional; a date alone
    means 23:59 of that day)."""
    out: dict[str, datetime] = {}
    for line, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise LateError(f"{where}, line {line}: expected id,new_due, got {row!r}")
        try:
            due = parse_time(cells[1], default_tz, end_of_day=True)
        except LateError as exc:
            if line == 1:  # a header row
                continue
            raise LateError(f"{where}, line {line}: {exc}") from None
        out[cells[0]] = due
    return out


def load_policy(manifest_file: Path | None = None, *, due: str | None = None, per_day: float | None = None,
                cap: float | None = None, grace_minutes: float | None = None,
                extensions: Path | str | None = None) -> LatePolicy:
    """The late policy: the manifest's ``[late]`` table, each value overridden by the arguments."""
    table = manifest_late_table(manifest_file) if manifest_file is not None else {}
    where = f"{manifest_file}: [late]" if manifest_file is not None else "[late]"
    unknown = set(table) - {"due", "per_day", "cap", "grace_minutes"}
    if unknown:
        raise LateError(f"{where}: unknown keys {sorted(unknown)} (known: due, per_day, cap, grace_minutes)")
    due_value = due if due is not None else table.get("due")
    policy = LatePolicy(
        due=parse_time(due_value) if due_value not in (None, "") else None,
        per_day=_number(per_day if per_day is not None else table.get("per_day", 0.0), "late per_day", 0, 100),
        cap=_number(cap if cap is not None else table.get("cap", 100.0), "late cap", 0, 100),
        grace_minutes=_number(grace_minutes if grace_minutes is not None else table.get("grace_minutes", 0.0),
                              "grace_minutes"),
    )
    if extensions is not None:
        path = Path(extensions)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise LateError(f"cannot read the extensions file {path}: {exc.strerror or exc}") from None
        tz = policy.due.tzinfo if policy.due is not None else None
        policy = replace(policy, extensions=parse_extensions(text, tz, str(path)))
        if policy.due is None and policy.extensions:
            raise LateError("extensions were given but no due date (manifest [late] due, or --due)")
    return policy


def days_late(submitted: datetime, due: datetime, grace_minutes: float) -> int:
    """Started days after ``due`` + grace (0 when on time)."""
    over = submitted - (due + timedelta(minutes=grace_minutes))
    if over <= timedelta(0):
        return 0
    return math.ceil(over / DAY)


def assess(policy: LatePolicy, submitted_at: datetime | None, identifiers: list[str] = (),
           lms_late: bool | None = None, lms_name: str = "the platform") -> Lateness:
    """How late a submission handed in at ``submitted_at`` by the student(s) with ``identifiers`` was.

    ``lms_late``: the platform's own verdict (Canvas's ``late`` flag); when it is given, it decides
    whether the submission is late, and the time only how late."""
    if policy.due is None:
        note = f"{lms_name}: late" if lms_late else ""
        return Lateness(submitted_at, None, note=note)
    due, extended = policy.due, False
    for ident in identifiers:
        if ident in policy.extensions and (not extended or policy.extensions[ident] > due):
            due, extended = policy.extensions[ident], True
    if submitted_at is None:
        return Lateness(None, due, extended=extended, note="time handed in unknown: counted as on time")
    days = days_late(submitted_at, due, policy.grace_minutes)
    note = ""
    if lms_late is False and days:
        note = f"{lms_name}: on time (its own due date or an override); file times say {days} day(s) after the due date"
        days = 0
    elif lms_late and not days:
        note = f"{lms_name}: late; its times are within the due date and grace here"
    percent = min(policy.cap, policy.per_day * days)
    return Lateness(submitted_at, due, days, percent, extended, note)
