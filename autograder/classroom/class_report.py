"""The instructor's view of a graded class: ``gradebook.csv`` and ``report.html`` (self-contained;
the score histogram is embedded and also written next to it as ``score_histogram.png``).

The report shows the score distribution, the pass rate of every check, the most common failures
grouped by check and failure kind (with how many students hit each), the submissions that timed out,
crashed or broke the grader, the grading time, and pairs of submissions whose code is suspiciously
alike (``similarity.py``; listed for a person to look at, never scored).
"""

from __future__ import annotations

import base64
import html
import io
import shutil
import statistics
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from .. import manifest as manifests
from ..grading.staging import SubmissionError, stage_submission
from ..runner.results import GRADER_ENTRY, write_atomic
from .batch import BatchSummary, Record, discover, load_class
from .gradebook import check_names, write_gradebook
from .similarity import Pair, find_similar

HISTOGRAM = "score_histogram.png"
TROUBLE_KINDS = ("timeout", "crash")
EXAMPLE_CHARS = 1500

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; } td, th { padding: .2em .6em; text-align: left;
  border-bottom: 1px solid #eee; vertical-align: top; } th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #4a7; height: .8em; display: inline-block; } .bad { color: #b22; }
pre { background: #f7f7f7; padding: .5em; white-space: pre-wrap; max-width: 68em; font-size: .85em; }
.note { color: #555; font-size: .9em; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _g(x: float) -> str:
    return f"{float(x):g}"


def histogram_png(scores: list[float], max_score: float) -> bytes:
    """A PNG histogram of ``scores`` on 0..``max_score`` (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = max_score or max(scores, default=1.0) or 1.0
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
    bins = [top * i / 20 for i in range(21)]
    ax.hist(scores, bins=bins, color="#4a7", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(f"score (out of {_g(top)})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Scores of {len(scores)} submissions")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def class_sources(manifest: manifests.Manifest, submissions: Path, students: set[str]) -> dict[str, dict[str, str]]:
    """student -> {file name: source} of the student files the grader takes (as text)."""
    subs, _ = discover(submissions)
    out = {}
    for sub in subs:
        if sub.student not in students:
            continue
        try:
            stage = stage_submission(sub.path, list(manifest.files))
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
    """(check, failure kind, students, one student's feedback) for every failure, most common first."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    example: dict[tuple[str, str], str] = {}
    order = {name: i for i, name in enumerate(check_names(classes))}
    for student in sorted(classes):
        results = classes[student]
        kinds = results.get("extra_data", {}).get("failure_kinds", {})
        for t in results.get("tests", []):
            if t.get("status") == "passed" or t["name"] == GRADER_ENTRY:
                continue
            key = (t["name"], kinds.get(t["name"], "failed"))
            groups[key].append(student)
            example.setdefault(key, t.get("output", ""))
    rows = [(check, kind, students, example[(check, kind)]) for (check, kind), students in groups.items()]
    return sorted(rows, key=lambda r: (-len(r[2]), order.get(r[0], 0), r[1]))


def _section_scores(classes, records, max_score) -> str:
    rows = []
    for student in sorted(classes):
        r = classes[student]
        rec = records.get(student)
        failed = [t["name"] for t in r.get("tests", []) if t.get("status") != "passed" and t["name"] != GRADER_ENTRY]
        status = rec.status if rec else "?"
        link = f'<a href="{quote(student)}/feedback.md">feedback</a>'
        rows.append(f"<tr><td>{_e(student)}</td><td class=num>{_g(r.get('score', 0))}</td>"
                    f"<td class=num>{_g(max_score)}</td>"
                    f"<td class=num>{len(failed)}</td><td{' class=bad' if status != 'graded' else ''}>{_e(status)}</td>"
                    f"<td class=num>{_g(rec.seconds) if rec else ''}</td><td>{link}</td></tr>")
    return ("<h2>Scores</h2><table><tr><th>student</th><th>score</th><th>max</th><th>failed checks</th>"
            "<th>status</th><th>grading s</th><th></th></tr>" + "".join(rows) + "</table>")


def _section_failures(classes) -> str:
    rows = []
    for check, kind, students, example in common_failures(classes):
        shown = ", ".join(students[:12]) + (f", ... ({len(students) - 12} more)" if len(students) > 12 else "")
        text = example if len(example) <= EXAMPLE_CHARS else example[:EXAMPLE_CHARS] + "\n..."
        rows.append(f"<tr><td>{_e(check)}</td><td>{_e(kind)}</td><td class=num>{len(students)}</td>"
                    f"<td>{_e(shown)}<details><summary>feedback of {_e(students[0])}</summary>"
                    f"<pre>{_e(text)}</pre></details></td></tr>")
    if not rows:
        return "<h2>Most common failures</h2><p>No check failed.</p>"
    return ("<h2>Most common failures</h2><p class=note>Grouped by check and failure kind; a line reads "
            "\"check ... kind: n students\".</p><table><tr><th>check</th><th>failure kind</th><th>students</th>"
            "<th>who</th></tr>" + "".join(rows) + "</table>")


def _section_pass_rates(classes, records) -> str:
    graded = {s: r for s, r in classes.items() if records.get(s) is None or records[s].status == "graded"}
    rows = []
    for name in check_names(graded):
        entries = [t for r in graded.values() for t in r.get("tests", []) if t["name"] == name]
        passed = sum(1 for t in entries if t.get("status") == "passed")
        rate = passed / len(entries) if entries else 0.0
        points = entries[0].get("max_score", 0) if entries else 0
        rows.append(f"<tr><td>{_e(name)}</td><td class=num>{_g(points)}</td><td class=num>{passed}/{len(entries)}</td>"
                    f"<td class=num>{rate:.0%}</td>"
                    f"<td><span class=bar style=\"width:{rate * 10:.2f}em\"></span></td></tr>")
    return ("<h2>Pass rate per check</h2><p class=note>Over the submissions the grader finished "
            f"({len(graded)}).</p><table><tr><th>check</th><th>points</th><th>passed</th><th>rate</th><th></th></tr>"
            + "".join(rows) + "</table>")


def _section_trouble(classes, records) -> str:
    rows = []
    for student in sorted(classes):
        rec = records.get(student)
        kinds = classes[student].get("extra_data", {}).get("failure_kinds", {})
        trouble = defaultdict(list)
        for check, kind in kinds.items():
            if kind in TROUBLE_KINDS:
                trouble[kind].append(check)
        if rec is not None and rec.status != "graded":
            rows.append(f"<tr><td>{_e(student)}</td><td class=bad>grader error</td><td>{_e(rec.detail)} "
                        "(retried on the next run)</td></tr>")
        for kind, checks in sorted(trouble.items()):
            functions = sorted({c.split(":")[0] for c in checks})
            rows.append(f"<tr><td>{_e(student)}</td><td>{_e(kind)}</td><td>{len(checks)} checks, in "
                        f"{_e(', '.join(functions))}</td></tr>")
    body = ("<table><tr><th>student</th><th>what</th><th>where</th></tr>" + "".join(rows) + "</table>") if rows \
        else "<p>None.</p>"
    return "<h2>Timed out, crashed, grader errors</h2>" + body


def _section_similarity(pairs: list[Pair], compared: int) -> str:
    intro = ("<h2>Similar code</h2><p class=note>Pairs whose code is alike after dropping comments, whitespace, "
             "docstrings, variable names, the template's lines and code most of the class shares "
             f"({compared} submissions compared). For a person to look at; never scored, and alike code "
             "can have innocent reasons.</p>")
    if not pairs:
        return intro + "<p>No pair above the threshold.</p>"
    rows = "".join(f"<tr><td>{_e(p.a)}</td><td>{_e(p.b)}</td><td class=num>{p.similarity:.0%}</td>"
                   f"<td class=num>{p.shared}</td><td class=num>{p.a_size} / {p.b_size}</td></tr>" for p in pairs)
    return (intro + "<table><tr><th>student</th><th>student</th><th>similarity</th><th>shared shingles</th>"
            "<th>distinctive shingles</th></tr>" + rows + "</table>")


def _section_time(records, summary: BatchSummary | None) -> str:
    secs = sorted((r.seconds, s) for s, r in records.items() if r is not None)
    parts = ["<h2>Grading time</h2>"]
    if summary is not None:
        rate = len(summary.graded) / summary.wall_s * 60 if summary.wall_s and summary.graded else 0.0
        parts.append(f"<p>This run: {len(summary.graded)} graded, {len(summary.skipped)} unchanged (skipped), "
                     f"{summary.wall_s:.1f} s wall with {summary.jobs} parallel graders"
                     + (f" ({rate:.1f} submissions per minute)." if rate else ".") + "</p>")
    if secs:
        values = [s for s, _ in secs]
        parts.append(f"<p>Per submission (each when it was last graded): median {statistics.median(values):.1f} s, "
                     f"mean {statistics.mean(values):.1f} s, max {values[-1]:.1f} s ({_e(secs[-1][1])}).</p>")
        slow = ", ".join(f"{_e(s)} {t:.1f} s" for t, s in reversed(secs[-5:]))
        parts.append(f"<p class=note>Slowest: {slow}.</p>")
    return "".join(parts)


def report_html(manifest: manifests.Manifest, classes: dict[str, dict], records: dict[str, Record | None],
                pairs: list[Pair], compared: int, summary: BatchSummary | None, png: bytes) -> str:
    """The instructor's report as one self-contained HTML page."""
    names = check_names(classes)
    max_score = next((r["extra_data"]["max_score"] for s, r in classes.items()
                      if records.get(s) is None or records[s].status == "graded"), 0.0)
    scores = [float(r.get("score", 0)) for r in classes.values()]
    errors = sum(1 for r in records.values() if r is not None and r.status != "graded")
    stats = ""
    if scores:
        stats = (f"mean {statistics.mean(scores):.1f}, median {statistics.median(scores):g}, "
                 f"min {min(scores):g}, max {max(scores):g} of {_g(max_score)}; "
                 f"{sum(1 for s in scores if max_score and s >= max_score)} full marks, "
                 f"{sum(1 for s in scores if s == 0)} zero")
    img = base64.b64encode(png).decode()
    return "".join([
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        f"<title>{_e(manifest.name)}: class report</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(manifest.title)}</h1>",
        f"<p>{len(classes)} submissions, {len(names)} checks; {_e(stats)}. Grader errors: {errors}. "
        f"Generated {_e(time.strftime('%Y-%m-%d %H:%M'))}. Gradebook: <a href=gradebook.csv>gradebook.csv</a>.</p>",
        f'<img alt="score histogram" src="data:image/png;base64,{img}">',
        _section_failures(classes),
        _section_trouble(classes, records),
        _section_similarity(pairs, compared),
        _section_scores(classes, records, max_score),
        _section_pass_rates(classes, records),
        _section_time(records, summary),
        "</body></html>\n",
    ])


def write_class_outputs(manifest: manifests.Manifest, submissions: Path, out_dir: Path,
                        summary: BatchSummary | None = None, **similarity_options) -> dict[str, Path]:
    """Write gradebook.csv, report.html and the histogram for the students of ``submissions`` that
    have results in ``out_dir``; returns their paths."""
    students = summary.students if summary is not None else [s.student for s in discover(submissions)[0]]
    loaded = load_class(out_dir, students)
    classes = {s: r for s, (r, _) in loaded.items()}
    records = {s: rec for s, (_, rec) in loaded.items()}
    gradebook = write_gradebook(out_dir / "gradebook.csv", classes)
    graded = {s for s in classes if records.get(s) is None or records[s].status == "graded"}
    max_score = next((classes[s]["extra_data"].get("max_score", 0.0) for s in sorted(graded)), 0.0)
    png = histogram_png([float(r.get("score", 0)) for r in classes.values()], max_score)
    (out_dir / HISTOGRAM).write_bytes(png)
    sources = class_sources(manifest, submissions, set(classes))
    pairs = find_similar(sources, template_sources(manifest), **similarity_options)
    report = out_dir / "report.html"
    write_atomic(report, report_html(manifest, classes, records, pairs, len(sources), summary, png))
    return {"gradebook": gradebook, "report": report, "histogram": out_dir / HISTOGRAM}


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
        max_score = class_max
        note = f"  (grader error: {rec.detail})" if rec is not None and rec.status != "graded" else ""
        lines.append(f"{student:<{width}}  {_g(results.get('score', 0)):>7}  {_g(max_score):>5}  {failed}{note}")
    return "\n".join(lines)
