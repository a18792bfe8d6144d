"""What a graded class produces for people: the gradebooks and each student's feedback.

- ``gradebook.csv`` (``lms_gradebook_csv``): one row per student: identity (student id, name, SID,
  email, section), the submission and its status, the time handed in and the late penalty, raw
  score, penalty, total, and one subtotal per function (a check's function is the text before the
  first ``:`` of its name); the second row is ``Points Possible``.
- ``checks.csv`` (``gradebook_csv``): the per-check detail, one column per check.
- ``<student>/feedback.md`` (``feedback_markdown``) and ``feedback.html`` (``feedback_html``,
  rendered with markdown-it-py, every text from the student escaped).

``ClassBook`` is the class as these files and the report see it: every submission with its results,
grading record and lateness, and the roster students who handed in nothing.
"""

from __future__ import annotations

import csv
import re
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..runner.grouping import first_line, function_of, is_withheld_text
from ..runner.results import GRADER_ENTRY, write_atomic
from .late import Lateness, LatePolicy, fmt_time
from .roster import Person, Submission

WITHHELD = "withheld"
POINTS_POSSIBLE = "Points Possible"


def _fmt(x: float) -> str:
    return f"{float(x):g}"


def is_withheld(test: dict) -> bool:
    """Whether a failed check was withheld (its gate failed) rather than wrong itself."""
    return test.get("status") != "passed" and is_withheld_text(test.get("output", ""))


def failure_kind(test: dict, kinds: dict) -> str:
    """A failed check's kind for reports: ``withheld`` for gated checks, else results.json's
    ``extra_data.failure_kinds`` entry ("wrong value", "timeout", "crash", ...)."""
    if is_withheld(test):
        return WITHHELD
    return kinds.get(test["name"], "failed")


def check_names(classes: dict[str, dict]) -> list[str]:
    """Every check name in the class, in the order the grader ran them (first seen first)."""
    names: dict[str, None] = {}
    for results in classes.values():
        for t in results.get("tests", []):
            if t.get("name") != GRADER_ENTRY:
                names.setdefault(t["name"], None)
    return list(names)


def check_points(classes: dict[str, dict]) -> dict[str, float]:
    """Each check's points (from the first results that have it)."""
    points: dict[str, float] = {}
    for results in classes.values():
        for t in results.get("tests", []):
            if t.get("name") != GRADER_ENTRY:
                points.setdefault(t["name"], float(t.get("max_score", 0.0)))
    return points


def function_points(classes: dict[str, dict]) -> dict[str, float]:
    """Function -> its points, in the order the grader ran their checks."""
    out: dict[str, float] = {}
    for name, points in check_points(classes).items():
        fn = function_of(name)
        out[fn] = round(out.get(fn, 0.0) + points, 4)
    return out


def function_scores(results: dict) -> dict[str, float]:
    """Function -> points earned in ``results``."""
    out: dict[str, float] = {}
    for t in results.get("tests", []):
        if t.get("name") != GRADER_ENTRY:
            fn = function_of(t["name"])
            out[fn] = round(out.get(fn, 0.0) + float(t.get("score", 0.0)), 4)
    return out


def gradebook_csv(classes: dict[str, dict], points_possible: bool = False) -> str:
    """The per-check detail (``checks.csv``): columns ``student``, ``total``, then one per check; one
    row per student (sorted); with ``points_possible``, a ``Points Possible`` row first.

    A check a student's results do not have (the grader failed for them) is left empty.
    """
    names = check_names(classes)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "total", *names])
    if points_possible and names:
        points = check_points(classes)
        writer.writerow([POINTS_POSSIBLE, _fmt(sum(points.values())), *(_fmt(points[n]) for n in names)])
    for student in sorted(classes):
        results = classes[student]
        scores = {t["name"]: t.get("score", 0.0) for t in results.get("tests", [])}
        writer.writerow([student, _fmt(results.get("score", 0.0)),
                         *(_fmt(scores[n]) if n in scores else "" for n in names)])
    return buf.getvalue()


def write_gradebook(path: Path, classes: dict[str, dict], points_possible: bool = False) -> Path:
    """Write the per-check CSV (atomically) and return its path."""
    write_atomic(path, gradebook_csv(classes, points_possible))
    return path


# ---------------------------------------------------------------------------------------------------
# the class as the gradebooks and the report see it


@dataclass
class Entry:
    """One submission of the class with what the grader and the late policy made of it."""

    sub: Submission
    results: dict | None  # None: not graded (yet)
    record: object | None  # batch.Record
    lateness: Lateness = field(default_factory=Lateness)

    @property
    def key(self) -> str:
        return self.sub.student

    @property
    def status(self) -> str:
        if self.results is None:
            return "not graded yet"
        if self.record is not None and getattr(self.record, "status", "graded") != "graded":
            return "grader error"
        if any(t.get("name") == GRADER_ENTRY for t in self.results.get("tests", [])):
            return "grader error"
        return "graded"

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    @property
    def raw(self) -> float | None:
        return float(self.results.get("score", 0.0)) if self.graded else None

    @property
    def penalty(self) -> float | None:
        return self.lateness.penalty(self.raw) if self.graded else None

    @property
    def final(self) -> float | None:
        return self.lateness.final(self.raw) if self.graded else None

    @property
    def name(self) -> str:
        return ", ".join(p.name for p in self.sub.people if p.name)

    @property
    def section(self) -> str:
        return ", ".join(sorted({p.section for p in self.sub.people if p.section}))


@dataclass
class ClassBook:
    """A graded class: its entries (sorted by key), roster students without a submission, the late
    policy, and the points of each function and check."""

    assignment: str
    title: str
    entries: list[Entry]
    missing: list[Person] = field(default_factory=list)
    policy: LatePolicy = field(default_factory=LatePolicy)
    unidentified: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layout: str = "folders"

    @property
    def results(self) -> dict[str, dict]:
        """key -> results.json of every entry that has one."""
        return {e.key: e.results for e in self.entries if e.results is not None}

    @property
    def graded_results(self) -> dict[str, dict]:
        return {e.key: e.results for e in self.entries if e.graded}

    @property
    def max_score(self) -> float:
        for e in self.entries:
            if e.graded:
                return float(e.results.get("extra_data", {}).get("max_score", 0.0))
        return 0.0

    @property
    def functions(self) -> dict[str, float]:
        return function_points(self.graded_results)


IDENTITY = ["student", "name", "sid", "email", "section"]


def lms_gradebook_csv(book: ClassBook) -> str:
    """``gradebook.csv``: identity columns, submission, status, time handed in, lateness, raw score,
    penalty, total, one subtotal per function; a ``Points Possible`` row second; one row per student
    (each member of a group submission; roster students without a submission too), sorted by id."""
    functions = book.functions
    header = [*IDENTITY, "submission", "status", "submitted", "due", "days late", "late penalty %",
              "raw score", "late penalty", "total", *functions, "note"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    top = book.max_score
    writer.writerow([POINTS_POSSIBLE, *[""] * (len(IDENTITY) - 1), "", "", "", "", "", "", _fmt(top), "", _fmt(top),
                     *(_fmt(p) for p in functions.values()), ""])
    rows = []
    for e in book.entries:
        subtotals = function_scores(e.results) if e.graded else {}
        missing = (e.results or {}).get("extra_data", {}).get("missing_files") if e.graded else None
        notes = [n for n in (e.lateness.note, "" if e.sub.identified else "not identified: see report.html",
                             f"missing files: {', '.join(missing)}" if missing else "") if n]
        if len(e.sub.people) > 1:
            notes.append("group: " + ", ".join(p.id for p in e.sub.people))
        for p in e.sub.people:
            rows.append([p.id, p.name, p.sid, p.email, p.section, e.key, e.status,
                         fmt_time(e.lateness.submitted_at), fmt_time(e.lateness.due) if book.policy.active else "",
                         str(e.lateness.days) if book.policy.active else "",
                         _fmt(e.lateness.percent) if book.policy.active else "",
                         *("" if x is None else _fmt(x) for x in (e.raw, e.penalty, e.final)),
                         *(_fmt(subtotals[f]) if f in subtotals else "" for f in functions), "; ".join(notes)])
    for p in book.missing:
        rows.append([p.id, p.name, p.sid, p.email, p.section, "", "no submission", "", "", "", "", "", "", "",
                     *[""] * len(functions), ""])
    for row in sorted(rows, key=lambda r: r[0]):
        writer.writerow(row)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------------
# feedback


def _fence(text: str) -> str:
    """A markdown code block that the text itself cannot close."""
    # Longer than any run of backticks anywhere in the text: no line of it (indented by up to three
    # spaces, followed by anything) can close the fence.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


def _md_text(text: str) -> str:
    """Plain text (a name from a roster) safe in a markdown line: markdown's punctuation escaped."""
    return "".join("\\" + c if c in "\\`*_[]|<>&~" else c for c in text)


def feedback_markdown(student: str, results: dict, title: str | None = None, *, people: tuple[Person, ...] = (),
                      lateness: Lateness | None = None) -> str:
    """A student's feedback: the score (and late penalty), each check with pass/fail and points, then
    what failed and why."""
    extra = results.get("extra_data", {})
    title = title or extra.get("assignment", "assignment")
    tests = results.get("tests", [])
    named = ", ".join(_md_text(p.name) for p in people if p.name)
    lines = [f"# Feedback: {title}", "", f"Student: `{student}`" + (f" ({named})" if named else ""), ""]
    raw, top = float(results.get("score", 0)), float(extra.get("max_score", 0))
    if lateness is not None and lateness.late and lateness.percent:
        lines += [f"**Score: {_fmt(lateness.final(raw))} / {_fmt(top)}** (checks: {_fmt(raw)}; handed in "
                  f"{lateness.days} day{'s' if lateness.days != 1 else ''} late: -{_fmt(lateness.percent)}%, "
                  f"-{_fmt(lateness.penalty(raw))} points)", ""]
    else:
        lines += [f"**Score: {_fmt(raw)} / {_fmt(top)}**", ""]
        if lateness is not None and lateness.late:
            lines += [f"Handed in {lateness.days} day{'s' if lateness.days != 1 else ''} late (no penalty).", ""]
    if results.get("output"):
        lines += [_fence(results["output"]), ""]
    lines += ["| result | check | points |", "|---|---|---|"]
    for t in tests:
        mark = "pass" if t.get("status") == "passed" else ("withheld" if is_withheld(t) else "**FAIL**")
        name = t["name"].replace("|", "\\|")
        lines.append(f"| {mark} | {name} | {_fmt(t.get('score', 0))} / {_fmt(t.get('max_score', 0))} |")
    failed = [t for t in tests if t.get("status") != "passed"]
    if failed:
        lines += ["", "## What to fix", ""] + _what_to_fix(failed)
    else:
        lines += ["", "Every check passed."]
    return "\n".join(lines).rstrip() + "\n"


def _what_to_fix(failed: list[dict]) -> list[str]:
    """Per function (in the order of their first failure): each root cause in full, the checks that
    fail for the same cause one line each under it, then the checks withheld by a gate."""
    if any(is_withheld(t) for t in failed):
        head = ["Checks marked *withheld* earn their points once the function's worked example (or the "
                "check they depend on) is right: fix that first.", ""]
    else:
        head = []
    functions: dict[str, list[dict]] = {}
    for t in failed:
        functions.setdefault(function_of(t["name"]), []).append(t)
    lines = head
    for function, checks in functions.items():
        lines += [f"### {function}", ""]
        followers: dict[str, list[dict]] = {}  # leader's name -> the checks failing for its cause
        for t in checks:
            leader = t.get("extra_data", {}).get("same_cause_as")
            if leader:
                followers.setdefault(leader, []).append(t)
        for t in checks:
            if t.get("extra_data", {}).get("same_cause_as") or is_withheld(t):
                continue
            lines += [f"#### {t['name']}", "", _fence(t.get("output", "")), ""]
            same = followers.pop(t["name"], [])
            if same:  # in a code block, as every text that may quote the student's code
                lines += ["Failing for the same cause:", "",
                          _fence("\n".join(f"{_without(function, f['name'])}: "
                                            f"{_without(function, first_line(f.get('output', '')))}" for f in same)),
                          ""]
        withheld = [t for t in checks if is_withheld(t)]
        if withheld:
            lines += ["Withheld until the check they wait for passes:", ""]
            lines += [f"- {_md_text(t['name'])}" for t in withheld] + [""]
    return lines


def _without(function: str, line: str) -> str:
    """A check name or feedback line without its leading ``function: `` (the list it is in names the
    function)."""
    return line.removeprefix(f"{function}: ")


FEEDBACK_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222;
  line-height: 1.4; }
table { border-collapse: collapse; } td, th { padding: .15em .6em; border-bottom: 1px solid #eee;
  text-align: left; vertical-align: top; } th { background: #f4f4f4; } td:last-child { white-space: nowrap; }
pre { background: #f7f7f7; padding: .6em; white-space: pre-wrap; font-size: .85em; overflow-wrap: anywhere; }
h3 { font-size: 1em; margin-top: 1.5em; } code { background: #f3f3f3; padding: 0 .2em; }
"""


def render_markdown(text: str) -> str:
    """Markdown as HTML: markdown-it-py (CommonMark + tables) with raw HTML disabled, so every text
    in it is escaped; without markdown-it-py, the text escaped in a ``<pre>``."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - markdown-it-py comes with the pinned requirements
        return f"<pre>{html.escape(text)}</pre>"
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def feedback_html(markdown_text: str, title: str) -> str:
    """A feedback markdown file as one self-contained HTML page."""
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{FEEDBACK_CSS}</style></head><body>\n"
            + render_markdown(markdown_text) + "</body></html>\n")


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` atomically unless the file already holds it; whether it wrote."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(path, text)
    return True
