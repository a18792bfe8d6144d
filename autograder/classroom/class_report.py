"""The instructor's view of a graded class: the gradebooks (``gradebook.csv``, ``canvas.csv``,
``checks.csv``), each student's ``feedback.html``, and ``report.html``.

``report.html`` is self-contained (its images embedded; also written as ``score_histogram.png`` and
``heatmap.png``) and made to fit on a screen or two for a class of 300; first what needs a decision,
then the detail, folded:

1. summary: students, submissions, grader errors, late work, missing and unidentified submissions;
   score statistics, histogram and a per-section table (one per TA);
2. a students x functions heatmap (share of each function's points, students sorted by score);
3. per function: points, pass rate, mean, and the failures grouped by kind (wrong value, withheld,
   timeout, crash, ...), each with its checks and one student's feedback; "withheld" is a check
   that earns credit only once the function's worked example is right (checklib's gates), shown
   apart from checks that are wrong themselves; then the likely causes: students grouped by the
   misconception the grader's diagnosis hinted at (``extra_data.hint``);
4. what needs a look: timeouts, crashes and grader errors; late work; similar code (``similarity.py``;
   for a person to look at, never scored);
5. folded at the end: every student (score, penalty, link to their feedback page), the failures per
   check, the pass rate per check; the grading time.
"""

from __future__ import annotations

import base64
import html
import io
import shutil
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

from .. import manifest as manifests
from ..grading.staging import SubmissionError, stage_submission
from ..runner.results import GRADER_ENTRY, write_atomic
from .batch import INPUTS, BatchSummary, load_class
from .canvas import canvas_csv
from .exports import Discovery, read_export
from .gradebook import (WITHHELD, ClassBook, Entry, check_names, check_points, failure_kind, feedback_html,
                        feedback_markdown, function_of, function_scores, lms_gradebook_csv, write_gradebook,
                        write_if_changed)
from .late import LatePolicy, assess, fmt_time
from .roster import Roster
from .similarity import Pair, find_similar

HISTOGRAM = "score_histogram.png"
HEATMAP = "heatmap.png"
FEEDBACK_HTML = "feedback.html"
TROUBLE_KINDS = ("timeout", "crash")
EXAMPLE_CHARS = 1500
SHOWN = 8  # rows of a "needs a look" list shown before the rest is folded
KIND_ORDER = ("wrong value", WITHHELD, "exception", "error", "not implemented", "missing function", "missing file",
              "timeout", "crash", "not run")

CSS = """
body { font-family: system-ui, sans-serif; margin: 1.2em auto; max-width: 80em; padding: 0 1em; color: #222;
  font-size: 15px; line-height: 1.35; }
h1 { font-size: 1.45em; margin: 0 0 .3em; } h2 { font-size: 1.15em; margin: 1.1em 0 .4em;
  border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .3em 0; } td, th { padding: .12em .5em; text-align: left;
  border-bottom: 1px solid #eee; vertical-align: top; } th { background: #f4f4f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #4a7; height: .75em; display: inline-block; vertical-align: middle; }
.barbg { background: #eee; width: 7em; display: inline-block; line-height: 0; }
.bad { color: #b22; } .muted, .note { color: #666; font-size: .9em; }
.lead { font-size: 1.05em; margin: .2em 0; } .lead b { font-variant-numeric: tabular-nums; }
.row { display: flex; gap: 1.5em; align-items: flex-start; } .row > div { flex: 1 1 22em; min-width: 0; }
.alert { background: #fff4e5; border-left: 4px solid #e90; padding: .3em .8em; margin: .5em 0; }
.alert.err { background: #fdecea; border-color: #c33; }
.kind { display: inline-block; padding: 0 .4em; margin: 0 .2em .1em 0; border-radius: .6em; font-size: .85em;
  background: #eef; white-space: nowrap; } .kind.withheld { background: #eee; color: #555; }
.kind.timeout, .kind.crash { background: #fde2c8; } .kind.wrong { background: #fbd5d5; }
.fgrid { display: grid; grid-template-columns: 14.5em 3.2em 5.8em 10.5em 3.2em minmax(0, 1fr) 7.5em;
  gap: 0 .6em; align-items: center; padding: .12em .5em; border-bottom: 1px solid #eee; }
.fhead { background: #f4f4f4; font-weight: 600; } .fgrid .num { text-align: right; }
.fgrid > span:first-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
details.fn { margin: 0; } details.fn > summary { list-style: none; }
details.fn > summary::-webkit-details-marker { display: none; }
details.fn > summary:hover { background: #f6f8ff; } details.fn[open] > summary { background: #eef2ff; }
.more { color: #2a5db0; white-space: nowrap; } .more::before { content: "\\25B8  "; }
details.fn[open] .more::before { content: "\\25BE  "; }
details.fn > table { margin: .3em 0 .9em 1.5em; }
details { margin: .2em 0; } summary { cursor: pointer; } details.fold > summary { font-weight: 600; font-size: 1.05em; }
details.fold > summary h2 { display: inline; border: 0; }
pre { background: #f7f7f7; padding: .5em; white-space: pre-wrap; max-width: 72em; font-size: .82em;
  overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _g(x: float | None) -> str:
    return "" if x is None else f"{float(x):g}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def histogram_png(scores: list[float], max_score: float, raw: list[float] | None = None) -> bytes:
    """A PNG histogram of ``scores`` on 0..``max_score`` (matplotlib, Agg backend); ``raw``, when given
    and different, is drawn as an outline (the scores before late penalties)."""
    plt = _pyplot()
    top = max_score or max(scores, default=1.0) or 1.0
    fig, ax = plt.subplots(figsize=(5.6, 2.7), dpi=100)
    bins = [top * i / 20 for i in range(21)]
    ax.hist(scores, bins=bins, color="#4a7", edgecolor="white", label="final score")
    if raw is not None and raw != scores:
        ax.hist(raw, bins=bins, histtype="step", color="#333", linewidth=1, label="before late penalty")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_xlim(0, top)
    ax.set_xlabel(f"score (out of {_g(top)})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Scores of {len(scores)} graded submissions", fontsize=11)
    fig.tight_layout()
    return _png(fig)


def heatmap_png(book: ClassBook) -> bytes:
    """Students x functions: the share of each function's points each student earned (students sorted
    by final score, highest first; grey: no grade)."""
    import numpy as np

    plt = _pyplot()
    functions = book.functions
    entries = sorted(book.entries, key=lambda e: (-(e.final if e.final is not None else -1), e.key))
    data = np.full((max(1, len(functions)), max(1, len(entries))), np.nan)
    for j, e in enumerate(entries):
        if e.graded:
            earned = function_scores(e.results)
            for i, (fn, points) in enumerate(functions.items()):
                data[i, j] = earned.get(fn, 0.0) / points if points else 1.0
    n = len(entries)
    labels = n <= 60
    height = 0.9 + 0.21 * len(functions) + (0.9 if labels else 0.0)
    fig, ax = plt.subplots(figsize=(11.5, height), dpi=100)
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#bbbbbb")
    im = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_yticks(range(len(functions)))
    ax.set_yticklabels(list(functions), fontsize=8)
    if labels:
        ax.set_xticks(range(n))
        ax.set_xticklabels([e.key for e in entries], rotation=90, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{n} submissions, highest final score on the left", fontsize=9)
    bar = fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01)
    bar.set_label("share of points", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.set_title("Students x functions: share of each function's points", fontsize=10)
    fig.tight_layout()
    return _png(fig)


def class_sources(manifest: manifests.Manifest, submissions, students: set[str]) -> dict[str, dict[str, str]]:
    """student -> {file name: source} of the student files the grader takes (as text).
    ``submissions``: an export folder, or the list of ``Submission``s."""
    if isinstance(submissions, (str, Path)):
        with tempfile.TemporaryDirectory(prefix="ag-sources-") as work:
            subs = read_export(Path(submissions), list(manifest.files), None, Path(work)).submissions
            return class_sources(manifest, subs, students)
    out = {}
    subs = submissions
    for sub in subs:
        if sub.student not in students:
            continue
        try:
            stage = stage_submission(sub.path, list(manifest.files),
                                     accept_numbered_copies=manifest.accept_numbered_copies)
        except (SubmissionError, OSError):
            continue
        try:
            out[sub.student] = {n: (stage.folder / n).read_text(encoding="utf-8", errors="replace")
                                for n in sorted(stage.present)}
        finally:
            shutil.rmtree(stage.folder, ignore_errors=True)
    return out


def template_sources(manifest: manifests.Manifest) -> dict[str, str]:
    return {n: (manifest.templates / n).read_text(encoding="utf-8") for n in manifest.files
            if (manifest.templates / n).is_file()}


def common_failures(classes: dict[str, dict]) -> list[tuple[str, str, list[str], str]]:
    """(check, failure kind, students, one student's feedback) for every failure, most common first.
    A check withheld by its gate (worked example wrong) has the kind ``withheld``."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    example: dict[tuple[str, str], str] = {}
    order = {name: i for i, name in enumerate(check_names(classes))}
    for student in sorted(classes):
        results = classes[student]
        kinds = results.get("extra_data", {}).get("failure_kinds", {})
        for t in results.get("tests", []):
            if t.get("status") == "passed" or t["name"] == GRADER_ENTRY:
                continue
            key = (t["name"], failure_kind(t, kinds))
            groups[key].append(student)
            example.setdefault(key, t.get("output", ""))
    rows = [(check, kind, students, example[(check, kind)]) for (check, kind), students in groups.items()]
    return sorted(rows, key=lambda r: (-len(r[2]), order.get(r[0], 0), r[1]))


# ---------------------------------------------------------------------------------------------------
# the class


def unknown_extensions(policy: LatePolicy, found: Discovery) -> list[str]:
    """The ids of ``policy``'s extensions that name no student of ``found`` (a typo, a dropped student)."""
    known = {x for s in found.submissions for x in s.identifiers()} | {x for p in found.missing for x in p.identifiers()}
    return sorted(set(policy.extensions) - known)


def build_class(manifest: manifests.Manifest, found: Discovery, out_dir: Path, policy: LatePolicy | None = None
                ) -> ClassBook:
    """The class as the gradebooks and the report see it: every submission ``found`` with its results
    and record in ``out_dir`` and its lateness under ``policy``."""
    policy = policy or LatePolicy()
    loaded = load_class(out_dir, [s.student for s in found.submissions])
    entries = []
    for sub in found.submissions:
        results, record = loaded.get(sub.student, (None, None))
        lms = "Canvas" if found.layout == "canvas" else "the platform"
        lateness = assess(policy, sub.submitted_at, sub.identifiers(), sub.lms_late, lms)
        entries.append(Entry(sub, results, record, lateness))
    notes = list(found.notes) + [f"the extension for {ident!r} matches no student"
                                 for ident in unknown_extensions(policy, found)]
    return ClassBook(manifest.name, manifest.title, entries, list(found.missing), policy, list(found.unidentified),
                     list(found.ignored), notes, found.layout)


def _stats(values: list[float], top: float) -> str:
    if not values:
        return "no graded submission yet"
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (f"mean <b>{statistics.mean(values):.1f}</b>, median <b>{statistics.median(values):g}</b> "
            f"(quartiles {q[0]:.1f}-{q[2]:.1f}), min {min(values):g}, max {max(values):g} of {_g(top)}; "
            f"{sum(1 for s in values if top and s >= top)} full marks, {sum(1 for s in values if s == 0)} zero")


def _folded(rows: list[str], header: str, what: str, shown: int = SHOWN) -> str:
    """A table of ``rows`` showing the first ``shown``; the rest in a ``<details>``."""
    if len(rows) <= shown + 2:
        return f"<table>{header}{''.join(rows)}</table>"
    return (f"<table>{header}{''.join(rows[:shown])}</table><details><summary>{len(rows) - shown} more {what}"
            f"</summary><table>{header}{''.join(rows[shown:])}</table></details>")


def _section_summary(book: ClassBook, summary: BatchSummary | None) -> str:
    graded = [e for e in book.entries if e.graded]
    errors = [e for e in book.entries if e.status == "grader error"]
    pending = [e for e in book.entries if e.results is None]
    late = [e for e in book.entries if e.lateness.late]
    people = sum(len(e.sub.people) for e in book.entries) + len(book.missing)
    top = book.max_score
    parts = [f"<b>{people}</b> students", f"<b>{len(book.entries)}</b> submissions ({book.layout})",
             f"<b>{len(graded)}</b> graded"]
    if errors:
        parts.append(f"<b class=bad>{len(errors)}</b> <span class=bad>grader errors</span>")
    if pending:
        parts.append(f"<b>{len(pending)}</b> not graded yet")
    if book.missing:
        parts.append(f"<b>{len(book.missing)}</b> without a submission")
    if book.policy.active or late:
        parts.append(f"<b>{len(late)}</b> late")
    if book.unidentified:
        parts.append(f"<b class=bad>{len(book.unidentified)}</b> <span class=bad>unidentified</span>")
    finals = [e.final for e in graded]
    out = [f"<p class=lead>{' · '.join(parts)}</p>",
           f"<p class=lead>Final scores: {_stats(finals, top)}.</p>",
           f"<p class=muted>{_e(book.policy.describe())}. Files: <a href=gradebook.csv>gradebook.csv</a> (LMS import, "
           "per function) · <a href=canvas.csv>canvas.csv</a> (Canvas import) · <a href=checks.csv>checks.csv</a> "
           f"(per check) · generated {_e(time.strftime('%Y-%m-%d %H:%M'))}.</p>"]
    alerts = []
    if errors:
        names = ", ".join(_e(e.key) for e in errors[:12]) + (" ..." if len(errors) > 12 else "")
        alerts.append(f"<div class='alert err'><b>Grader errors ({len(errors)}):</b> {names}. They have no grade "
                      "(left out of canvas.csv); the next run retries them (details below).</div>")
    if summary is not None and summary.grader_changed:
        alerts.append("<div class='alert err'>The grader's checks or reference changed during this run: run it "
                      "again to regrade everyone.</div>")
    if book.unidentified:
        alerts.append(_alert_list("Unidentified (whose is not known; listed, never dropped)", book.unidentified))
    if book.missing:
        alerts.append(_alert_list("On the roster without a submission",
                                  [f"{p.id} {p.name}".strip() + (f" ({p.section})" if p.section else "")
                                   for p in book.missing]))
    if book.notes:
        alerts.append(_alert_list("Notes on the export", book.notes))
    return "".join(out + alerts)


def _alert_list(title: str, items: list[str]) -> str:
    shown = "; ".join(_e(x) for x in items[:5])
    more = ""
    if len(items) > 5:
        more = ("<details><summary>all " + str(len(items)) + "</summary><ul>"
                + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul></details>")
    return f"<div class=alert><b>{_e(title)} ({len(items)}):</b> {shown}{' ...' if len(items) > 5 else ''}{more}</div>"


def _section_sections(book: ClassBook) -> str:
    """A table per section (one per TA): students, graded, mean and median final, late, problems."""
    by: dict[str, list] = defaultdict(list)
    for e in book.entries:
        for p in e.sub.people:
            by[p.section or "(none)"].append(e)
    missing = Counter(p.section or "(none)" for p in book.missing)
    if set(by) | set(missing) <= {"(none)"}:
        return ""
    rows = []
    for section in sorted(set(by) | set(missing)):
        es = by.get(section, [])
        finals = [e.final for e in es if e.final is not None]
        problems = sum(1 for e in es if not e.graded)
        rows.append(f"<tr><td>{_e(section)}</td><td class=num>{len(es) + missing.get(section, 0)}</td>"
                    f"<td class=num>{len(finals)}</td>"
                    f"<td class=num>{statistics.mean(finals):.1f}</td><td class=num>{statistics.median(finals):.1f}</td>"
                    if finals else
                    f"<tr><td>{_e(section)}</td><td class=num>{len(es) + missing.get(section, 0)}</td>"
                    "<td class=num>0</td><td></td><td></td>")
        rows[-1] += (f"<td class=num>{sum(1 for e in es if e.lateness.late)}</td>"
                     f"<td class=num>{missing.get(section, 0)}</td>"
                     f"<td class='num{' bad' if problems else ''}'>{problems}</td></tr>")
    return ("<div><h2 style='margin-top:0'>Per section</h2><table><tr><th>section</th><th class=num>students</th>"
            "<th class=num>graded</th><th class=num>mean</th><th class=num>median</th><th class=num>late</th>"
            "<th class=num>missing</th><th class=num>no grade</th></tr>" + "".join(rows) + "</table>"
            "<p class=note>Final scores. Missing: on the roster, nothing handed in; no grade: grader error "
            "or not graded yet.</p></div>")


def _kind_class(kind: str) -> str:
    return {"wrong value": "wrong", WITHHELD: "withheld", "timeout": "timeout", "crash": "crash"}.get(kind, "")


def _section_functions(book: ClassBook) -> str:
    """Per function: points, pass rate (full marks), mean share, failures by kind with their checks."""
    graded = [e for e in book.entries if e.graded]
    functions = book.functions
    # function -> kind -> check -> students; and one feedback per (check, kind)
    fails: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    example: dict[tuple[str, str], tuple[str, str, bool]] = {}  # (student, feedback, points to another check)
    for e in graded:
        kinds = e.results.get("extra_data", {}).get("failure_kinds", {})
        for t in e.results.get("tests", []):
            if t.get("status") == "passed" or t["name"] == GRADER_ENTRY:
                continue
            kind = failure_kind(t, kinds)
            fails[function_of(t["name"])][kind][t["name"]].append(e.key)
            if (t["name"], kind) not in example or example[(t["name"], kind)][2]:  # prefer a full message
                example[(t["name"], kind)] = (e.key, t.get("output", ""), "same_cause_as" in t.get("extra_data", {}))
    rows = []
    for fn, points in functions.items():
        earned = [function_scores(e.results).get(fn, 0.0) for e in graded]
        full = sum(1 for x in earned if points and x >= points - 1e-9)
        rate = full / len(graded) if graded else 0.0
        mean = statistics.mean(earned) / points if earned and points else 0.0
        chips, detail = [], []
        for kind in sorted(fails[fn], key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k)):
            checks = fails[fn][kind]
            students = {s for who in checks.values() for s in who}
            chips.append(f"<span class='kind {_kind_class(kind)}'>{_e(kind)} {len(students)}</span>")
            for check, who in sorted(checks.items(), key=lambda kv: -len(kv[1])):
                student, text, _ = example[(check, kind)]
                text = text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + "\n..."
                detail.append(f"<tr><td>{_e(kind)}</td><td>{_e(check.split(':', 1)[-1].strip())}</td>"
                              f"<td class=num>{len(who)}</td><td><details><summary>{_e(student)}'s feedback"
                              f"</summary><pre>{_e(text)}</pre><p class=note>Students: "
                              f"{_e(', '.join(who[:40]))}{' ...' if len(who) > 40 else ''}</p></details></td></tr>")
        cells = (f"<span title=\"{_e(fn)}\"><b>{_e(fn)}</b></span><span class=num>{_g(points)}</span>"
                 f"<span class=num>{full}/{len(graded)}</span><span><span class=barbg><span class=bar "
                 f"style=\"width:{rate * 7:.2f}em\"></span></span> {rate:.0%}</span><span class=num>{mean:.0%}</span>"
                 f"<span>{''.join(chips) or '<span class=muted>none</span>'}</span>")
        if detail:
            failed = len({check for checks in fails[fn].values() for check in checks})
            rows.append(f"<details class=fn><summary class=fgrid>{cells}<span class=more>{_plural(failed, 'check')}"
                        "</span></summary><table><tr><th>kind</th><th>check</th><th class=num>students</th>"
                        "<th>one student's feedback, and who</th></tr>" + "".join(detail) + "</table></details>")
        else:
            rows.append(f"<div class=fgrid>{cells}<span></span></div>")
    return ("<h2>Per function: pass rate and failures</h2><p class=note>Pass rate: students with all of the "
            "function's points. Failures: students with at least one failed check of that kind; <i>withheld</i>: "
            "checks that earn credit only once the function's worked example (or the forward it differentiates) "
            "is right, not wrong themselves. Click a function for its failed checks, each with its count and one "
            f"student's feedback. Over the {len(graded)} graded submissions.</p>"
            "<div class='fgrid fhead'><span>function</span><span class=num>points</span><span class=num>full marks"
            "</span><span>pass rate</span><span class=num>mean</span><span>failures by kind (students)</span>"
            "<span>failed checks</span></div>" + "".join(rows))


def likely_causes(book: ClassBook) -> list[tuple[str, str, list[str], str]]:
    """(function, hint id, students, one hint text) for every misconception the grader's diagnosis
    hinted at (``extra_data.hint`` of a failed check), most students first."""
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    text: dict[tuple[str, str], str] = {}
    for e in book.entries:
        if not e.graded:
            continue
        for t in e.results.get("tests", []):
            hint = t.get("extra_data", {}).get("hint")
            if t.get("status") == "passed" or not hint:
                continue
            key = (function_of(t["name"]), hint)
            who[key].add(e.key)
            line = next((x.strip() for x in t.get("output", "").splitlines() if x.strip().startswith("Hint: ")), "")
            text.setdefault(key, line)
    rows = [(fn, hint, sorted(students), text[(fn, hint)]) for (fn, hint), students in who.items()]
    return sorted(rows, key=lambda r: (-len(r[2]), r[0], r[1]))


def _section_causes(book: ClassBook) -> str:
    rows = [f"<tr><td>{_e(fn)}</td><td>{_e(hint)}</td><td class=num>{len(students)}</td><td>{_e(text)}"
            f"<p class=note>Students: {_e(', '.join(students[:40]))}{' ...' if len(students) > 40 else ''}</p></td></tr>"
            for fn, hint, students, text in likely_causes(book)]
    head = ("<h2>Likely causes</h2><p class=note>Students grouped by the misconception the grader's diagnosis "
            "recognised in a failed check (its output matches a variant of the reference with that mistake): a "
            "hint, not a verdict.</p>")
    if not rows:
        return head + "<p>None recognised.</p>"
    return head + _folded(rows, "<tr><th>function</th><th>cause</th><th class=num>students</th><th>the hint</th></tr>",
                          "causes", shown=10)


def _section_trouble(book: ClassBook) -> str:
    rows = []
    for e in book.entries:
        if e.status == "grader error":
            detail = e.record.detail if e.record is not None and getattr(e.record, "detail", "") else \
                next((t.get("output", "") for t in e.results.get("tests", []) if t.get("name") == GRADER_ENTRY), "")
            rows.append(f"<tr><td>{_e(e.key)}</td><td class=bad>grader error</td><td>{_e(detail)} "
                        "(retried on the next run)</td></tr>")
            continue
        if not e.graded:
            continue
        kinds = e.results.get("extra_data", {}).get("failure_kinds", {})
        trouble = defaultdict(list)
        for check, kind in kinds.items():
            if kind in TROUBLE_KINDS:
                trouble[kind].append(check)
        for kind, checks in sorted(trouble.items()):
            functions = sorted({function_of(c) for c in checks})
            rows.append(f"<tr><td>{_e(e.key)}</td><td>{_e(kind)}</td><td>{len(checks)} checks, in "
                        f"{_e(', '.join(functions))}</td></tr>")
    head = "<h2>Timed out, crashed, grader errors</h2>"
    if not rows:
        return head + "<p>None.</p>"
    return head + _folded(rows, "<tr><th>student</th><th>what</th><th>where</th></tr>", "rows", shown=5)


def _section_late(book: ClassBook) -> str:
    late = [e for e in book.entries if e.lateness.late or e.lateness.note or e.lateness.extended]
    if not book.policy.active and not late:
        return ""
    head = "<h2>Late work</h2>"
    if not late:
        return head + "<p>Nothing late.</p>"
    late.sort(key=lambda e: (-e.lateness.days, e.key))
    rows = [f"<tr><td>{_e(e.key)}</td><td>{_e(e.name)}</td><td>{_e(fmt_time(e.lateness.submitted_at))}</td>"
            f"<td>{_e(fmt_time(e.lateness.due))}{' (extension)' if e.lateness.extended else ''}</td>"
            f"<td class=num>{e.lateness.days}</td><td class=num>{_g(e.lateness.percent)}%</td>"
            f"<td class=num>{_g(e.raw)}</td><td class=num>{_g(e.final)}</td><td class=note>{_e(e.lateness.note)}"
            f"{' (' + _e(e.sub.time_source) + ')' if e.sub.time_source else ''}</td></tr>" for e in late]
    days = Counter(e.lateness.days for e in late if e.lateness.late)
    spread = ", ".join(f"{n} by {d} day{'s' if d != 1 else ''}" for d, n in sorted(days.items()))
    return (head + f"<p>{_plural(sum(days.values()), 'late submission')}" + (f": {spread}" if spread else "")
            + ". Nothing late is dropped: gradebook.csv has the raw score, the penalty and the final score.</p>"
            + _folded(rows, "<tr><th>student</th><th>name</th><th>handed in</th><th>due</th><th class=num>days</th>"
                      "<th class=num>penalty</th><th class=num>raw</th><th class=num>final</th><th>note</th></tr>",
                      "rows", shown=5))


def _section_similarity(pairs: list[Pair], compared: int) -> str:
    intro = ("<h2>Similar code</h2><p class=note>Pairs whose code is alike after dropping comments, whitespace, "
             "docstrings, variable names, the template's lines and code most of the class shares "
             f"({compared} submissions compared). For a person to look at; never scored, and alike code "
             "can have innocent reasons.</p>")
    if not pairs:
        return intro + "<p>No pair above the threshold.</p>"
    rows = [f"<tr><td>{_e(p.a)}</td><td>{_e(p.b)}</td><td class=num>{p.similarity:.0%}</td>"
            f"<td class=num>{p.shared}</td><td class=num>{p.a_size} / {p.b_size}</td></tr>" for p in pairs]
    return intro + _folded(rows, "<tr><th>student</th><th>student</th><th>similarity</th><th>shared shingles</th>"
                                 "<th>distinctive shingles</th></tr>", "pairs", shown=5)


def _section_scores(book: ClassBook) -> str:
    top = book.max_score
    rows = []
    for e in book.entries:
        failed = 0 if not e.graded else sum(1 for t in e.results.get("tests", [])
                                             if t.get("status") != "passed" and t["name"] != GRADER_ENTRY)
        link = f'<a href="{quote(e.key)}/{FEEDBACK_HTML}">feedback</a>' if e.results is not None else ""
        seconds = _g(e.record.seconds) if e.record is not None else ""
        rows.append(f"<tr><td>{_e(e.key)}</td><td>{_e(e.name)}</td><td>{_e(e.section)}</td>"
                    f"<td{' class=bad' if e.status != 'graded' else ''}>{_e(e.status)}</td>"
                    f"<td class=num>{_g(e.raw)}</td><td class=num>{_g(e.penalty) if e.lateness.late else ''}</td>"
                    f"<td class=num>{_g(e.final)}</td><td class=num>{_g(top)}</td><td class=num>{failed}</td>"
                    f"<td class=num>{seconds}</td><td>{link}</td></tr>")
    for p in book.missing:
        rows.append(f"<tr><td>{_e(p.id)}</td><td>{_e(p.name)}</td><td>{_e(p.section)}</td><td class=bad>no submission"
                    "</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>")
    return (f"<details class=fold><summary><h2>Scores</h2> "
            f"({len(rows)} students, with links to each one's feedback page)</summary>"
            "<table><tr><th>student</th><th>name</th><th>section</th><th>status</th><th class=num>raw</th>"
            "<th class=num>late penalty</th><th class=num>final</th><th class=num>max</th><th class=num>failed checks"
            "</th><th class=num>grading s</th><th></th></tr>" + "".join(rows) + "</table></details>")


def _section_failures(book: ClassBook) -> str:
    rows = []
    for check, kind, students, example in common_failures(book.graded_results):
        shown = ", ".join(students[:12]) + (f", ... ({len(students) - 12} more)" if len(students) > 12 else "")
        text = example if len(example) <= EXAMPLE_CHARS else example[:EXAMPLE_CHARS] + "\n..."
        rows.append(f"<tr><td>{_e(check)}</td><td>{_e(kind)}</td><td class=num>{len(students)}</td>"
                    f"<td>{_e(shown)}<details><summary>feedback of {_e(students[0])}</summary>"
                    f"<pre>{_e(text)}</pre></details></td></tr>")
    body = ("<table><tr><th>check</th><th>failure kind</th><th>students</th><th>who</th></tr>" + "".join(rows)
            + "</table>") if rows else "<p>No check failed.</p>"
    return (f"<details class=fold><summary><h2>Most common failures</h2> "
            f"(per check and failure kind, {len(rows)} rows)</summary>{body}</details>")


def _section_pass_rates(book: ClassBook) -> str:
    graded = book.graded_results
    points = check_points(graded)
    rows = []
    for name in check_names(graded):
        entries = [t for r in graded.values() for t in r.get("tests", []) if t["name"] == name]
        passed = sum(1 for t in entries if t.get("status") == "passed")
        rate = passed / len(entries) if entries else 0.0
        rows.append(f"<tr><td>{_e(name)}</td><td class=num>{_g(points.get(name, 0))}</td>"
                    f"<td class=num>{passed}/{len(entries)}</td><td class=num>{rate:.0%}</td>"
                    f"<td><span class=bar style=\"width:{rate * 10:.2f}em\"></span></td></tr>")
    return (f"<details class=fold><summary><h2>Pass rate per check</h2> "
            f"({len(rows)} checks, over the {len(graded)} graded submissions)</summary>"
            "<table><tr><th>check</th><th>points</th><th>passed</th><th>rate</th><th></th></tr>"
            + "".join(rows) + "</table></details>")


def _section_time(book: ClassBook, summary: BatchSummary | None) -> str:
    secs = sorted((e.record.seconds, e.key) for e in book.entries if e.record is not None)
    parts = []
    headline = ""
    if summary is not None:
        rate = len(summary.graded) / summary.wall_s * 60 if summary.wall_s and summary.graded else 0.0
        headline = (f"this run: {len(summary.graded)} graded, {len(summary.skipped)} left as they were, "
                    f"{summary.wall_s:.0f} s" + (f", {rate:.1f} per minute" if rate else ""))
        parts.append(f"<p>This run: {len(summary.graded)} graded, {len(summary.skipped)} unchanged or not asked for "
                     f"(skipped), {summary.wall_s:.1f} s wall with {summary.jobs} parallel graders"
                     + (f" ({rate:.1f} submissions per minute)." if rate else ".")
                     + (f" Regraded as asked (--student): {_e(', '.join(summary.requested))}." if summary.requested
                        else "") + "</p>")
    if secs:
        values = [s for s, _ in secs]
        headline = headline or f"median {statistics.median(values):.1f} s per submission"
        slow = ", ".join(f"{_e(s)} {t:.1f} s" for t, s in reversed(secs[-5:]))
        parts.append(f"<p>Per submission (each when it was last graded): median "
                     f"{statistics.median(values):.1f} s, mean {statistics.mean(values):.1f} s, max {values[-1]:.1f} s. "
                     f"Slowest: {slow}.</p>")
    return (f"<details class=fold><summary><h2>Grading time</h2> ({_e(headline)})"
            f"</summary>{''.join(parts)}</details>")


def report_html(manifest: manifests.Manifest, book: ClassBook, pairs: list[Pair], compared: int,
                summary: BatchSummary | None, histogram: bytes, heatmap: bytes) -> str:
    """The instructor's report as one self-contained HTML page."""
    hist = base64.b64encode(histogram).decode()
    heat = base64.b64encode(heatmap).decode()
    return "".join([
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content=\"width=device-width, initial-scale=1\">",
        f"<title>{_e(manifest.name)}: class report</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(manifest.title)}</h1>",
        _section_summary(book, summary),
        f'<div class=row><img alt="score histogram" width=560 height=270 src="data:image/png;base64,{hist}">',
        _section_sections(book), "</div>",
        f'<h2>Students × functions</h2><img alt="heatmap: students x functions" src="data:image/png;base64,{heat}">',
        _section_functions(book),
        _section_causes(book),
        _section_trouble(book),
        _section_late(book),
        _section_similarity(pairs, compared),
        "<h2>Details</h2>",
        _section_scores(book),
        _section_failures(book),
        _section_pass_rates(book),
        _section_time(book, summary),
        "</body></html>\n",
    ])


def write_feedback_pages(book: ClassBook, out_dir: Path) -> int:
    """``<student>/feedback.md`` (with the student's name and late penalty) and ``feedback.html`` for
    every submission with results; returns how many files changed."""
    changed = 0
    for e in book.entries:
        if e.results is None:
            continue
        text = feedback_markdown(e.key, e.results, book.title, people=e.sub.members, lateness=e.lateness)
        changed += write_if_changed(out_dir / e.key / "feedback.md", text)
        changed += write_if_changed(out_dir / e.key / FEEDBACK_HTML, feedback_html(text, f"Feedback: {book.title}"))
    return changed


def write_class_outputs(manifest: manifests.Manifest, submissions: Path, out_dir: Path,
                        summary: BatchSummary | None = None, *, policy: LatePolicy | None = None,
                        roster: Roster | None = None, canvas_column: str | None = None,
                        **similarity_options) -> dict[str, Path]:
    """Write gradebook.csv, canvas.csv, checks.csv, the feedback pages, report.html and its images
    for the submissions of ``submissions`` (as ``summary`` found them, else read again with
    ``roster``) that have results in ``out_dir``; returns the files' paths."""
    out_dir = Path(out_dir)
    found = summary.discovery if summary is not None and summary.discovery is not None else \
        read_export(Path(submissions), list(manifest.files), roster, out_dir / INPUTS)
    book = build_class(manifest, found, out_dir, policy)
    paths = {"gradebook": out_dir / "gradebook.csv", "canvas": out_dir / "canvas.csv", "checks": out_dir / "checks.csv",
             "report": out_dir / "report.html", "histogram": out_dir / HISTOGRAM, "heatmap": out_dir / HEATMAP}
    write_atomic(paths["gradebook"], lms_gradebook_csv(book))
    text, unmatched = canvas_csv(book, canvas_column)
    write_atomic(paths["canvas"], text)
    if unmatched:
        book.notes.append(canvas_unmatched_text(unmatched))
        if summary is not None:
            summary.canvas_unmatched = unmatched
    write_gradebook(paths["checks"], book.results, points_possible=True)
    write_feedback_pages(book, out_dir)
    graded = [e for e in book.entries if e.graded]
    histogram = histogram_png([e.final for e in graded], book.max_score, [e.raw for e in graded])
    heatmap = heatmap_png(book)
    paths["histogram"].write_bytes(histogram)
    paths["heatmap"].write_bytes(heatmap)
    subs = [e.sub for e in book.entries if e.results is not None]
    sources = class_sources(manifest, subs, {s.student for s in subs})
    pairs = find_similar(sources, template_sources(manifest), **similarity_options)
    write_atomic(paths["report"], report_html(manifest, book, pairs, len(sources), summary, histogram, heatmap))
    return paths


def canvas_unmatched_text(unmatched: list[str]) -> str:
    """Why Canvas will not take the rows of ``unmatched`` (student ids) from canvas.csv."""
    shown = ", ".join(unmatched[:10]) + (", ..." if len(unmatched) > 10 else "")
    many = len(unmatched) != 1
    return (f"canvas.csv: {len(unmatched)} student{'s' if many else ''} without a Canvas id, SIS User ID or login "
            f"({shown}): Canvas cannot match {'them' if many else 'it'} on import; grade with --roster giving a "
            "canvas_id, sid or login column (Canvas's own gradebook export is a roster that has them)")


def common_failures_text(out_dir: Path, students: list[str], top: int = 8) -> str:
    """The most common failures as lines like ``lstm_step_backward: ... -- wrong value: 23 students``."""
    classes = {s: r for s, (r, _) in load_class(out_dir, students).items()}
    rows = common_failures(classes)
    if not rows:
        return "most common failures: none"
    lines = ["most common failures:"]
    for check, kind, who, _ in rows[:top]:
        lines.append(f"  {check} -- {kind}: {len(who)} student{'s' if len(who) != 1 else ''}")
    if len(rows) > top:
        lines.append(f"  ... and {len(rows) - top} more (report.html)")
    return "\n".join(lines)


def score_table_text(out_dir: Path, students: list[str]) -> str:
    """One line per student: score, max, failed checks (and grader errors)."""
    loaded = load_class(out_dir, students)
    class_max = next((r.get("extra_data", {}).get("max_score", 0) for r, rec in loaded.values()
                      if rec is None or rec.status == "graded"), 0)
    width = max((len(s) for s in loaded), default=7)
    lines = [f"{'student':<{width}}  {'score':>7}  {'max':>5}  failed checks"]
    for student in sorted(loaded):
        results, rec = loaded[student]
        failed = sum(1 for t in results.get("tests", []) if t.get("status") != "passed" and t["name"] != GRADER_ENTRY)
        note = f"  (grader error: {rec.detail})" if rec is not None and rec.status != "graded" else ""
        lines.append(f"{student:<{width}}  {_g(results.get('score', 0)):>7}  {_g(class_max):>5}  {failed}{note}")
    return "\n".join(lines)
