"""Before/after snapshots of every score and feedback text the kit produces for its own submissions.

A change that should keep grades (a refactor, a speed-up) is checked by grading every example
submission (``assignments/<a>/submissions/``) and every bundled class entry (``assignments/<a>/class/``)
before and after it, and comparing::

    python -m autograder.devtools.snapshot write /tmp/before     # on the old commit
    python -m autograder.devtools.snapshot write /tmp/after      # on the new one
    python -m autograder.devtools.snapshot compare /tmp/before /tmp/after

``write`` grades through the batch grader (a fresh sandboxed worker per submission) and stores, per
entry, each check's score and feedback text in ``<dir>/snapshot.json``; ``compare`` lists every
entry whose total, check scores or texts differ and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import manifest as manifests
from ..classroom.batch import grade_submissions, load_class

SNAPSHOT = "snapshot.json"


def sources(manifest: manifests.Manifest) -> dict[str, Path]:
    """Label -> folder of submissions: the example submissions and the bundled class."""
    found = {"submissions": manifest.submissions, "class": manifest.class_folder}
    return {label: folder for label, folder in found.items() if folder.is_dir()}


def write(out: Path, assignments: list[str] | None = None, jobs: int | None = None) -> dict:
    """Grade everything and write ``out/snapshot.json``: "<assignment>/<label>/<entry>" ->
    {"score": total, "checks": {name: [score, output]}}."""
    table: dict = {}
    for manifest in manifests.load_all():
        if assignments and manifest.name not in assignments:
            continue
        for label, folder in sources(manifest).items():
            graded = out / manifest.name / label
            summary = grade_submissions(manifest.name, folder, graded, jobs=jobs, progress=False)
            for student, (results, _record) in sorted(load_class(graded, summary.students).items()):
                table[f"{manifest.name}/{label}/{student}"] = {
                    "score": results.get("score"),
                    "checks": {t["name"]: [t.get("score"), t.get("output", "")] for t in results.get("tests", [])},
                }
    out.mkdir(parents=True, exist_ok=True)
    (out / SNAPSHOT).write_text(json.dumps(table, indent=1, sort_keys=True), encoding="utf-8")
    return table


def differences(before: dict, after: dict) -> list[str]:
    """One line per difference between two snapshots (entries, totals, check scores, texts)."""
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before or key not in after:
            lines.append(f"{key}: only {'after' if key in after else 'before'}")
            continue
        a, b = before[key], after[key]
        if a["score"] != b["score"]:
            lines.append(f"{key}: total {a['score']} -> {b['score']}")
        for name in sorted(a["checks"].keys() | b["checks"].keys()):
            x, y = a["checks"].get(name), b["checks"].get(name)
            if x is None or y is None:
                lines.append(f"{key}: check {name!r} only {'after' if x is None else 'before'}")
            elif x[0] != y[0]:
                lines.append(f"{key}: {name}: {x[0]} -> {y[0]}")
            elif x[1] != y[1]:
                lines.append(f"{key}: {name}: feedback text differs")
    return lines


def total_changes(before: dict, after: dict) -> list[str]:
    """A markdown table row per entry whose total differs: ``| entry | before | after |``."""
    return [f"| `{key}` | {before[key]['score']:g} | {after[key]['score']:g} |"
            for key in sorted(before.keys() & after.keys()) if before[key]["score"] != after[key]["score"]]


def score_table(table: dict, assignment: str) -> list[str]:
    """The example submissions of ``assignment`` in a snapshot as markdown rows: ``| name | what it does
    | score | points lost per function |`` (the what from ``expected.toml``'s ``why``; points lost against
    a full-marks entry), in the order of ``expected.toml``."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    manifest = manifests.load(assignment)
    with open(manifest.submissions / "expected.toml", "rb") as f:
        expected = tomllib.load(f)
    prefix = f"{assignment}/submissions/"
    entries = {key.removeprefix(prefix): value for key, value in table.items() if key.startswith(prefix)}
    best = max(entries.values(), key=lambda e: e["score"])
    top = {name: score for name, (score, _) in best["checks"].items()}
    rows = ["| submission | what it does | score | points lost |", "|---|---|---|---|"]
    for name, entry in expected.items():
        if name not in entries:
            continue
        lost: dict[str, float] = {}
        for check, (score, _) in entries[name]["checks"].items():
            if top.get(check, 0.0) > score:
                function = check.split(":", 1)[0]
                lost[function] = lost.get(function, 0.0) + top[check] - score
        what = ", ".join(f"`{f}` ({v:g})" for f, v in lost.items()) or "none"
        if entries[name]["score"] == 0:
            what = "all"
        rows.append(f"| `{name}` | {entry.get('why', '')} | {entries[name]['score']:g} | {what} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.snapshot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="grade every example submission and class entry into DIR")
    w.add_argument("dir", type=Path)
    w.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    w.add_argument("--jobs", type=int, default=None)
    c = sub.add_parser("compare", help="list what differs between two snapshot folders")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--totals", action="store_true", help="only the entries whose total differs, as a markdown table")
    t = sub.add_parser("table", help="the example submissions' scores as the markdown table of their README")
    t.add_argument("dir", type=Path)
    t.add_argument("assignment")
    args = parser.parse_args(argv)
    if args.command == "table":
        print("\n".join(score_table(json.loads((args.dir / SNAPSHOT).read_text(encoding="utf-8")), args.assignment)))
        return 0
    if args.command == "write":
        table = write(args.dir, args.assignment, args.jobs)
        print(f"{len(table)} entries graded into {args.dir / SNAPSHOT}")
        return 0
    read = [json.loads((d / SNAPSHOT).read_text(encoding="utf-8")) for d in (args.before, args.after)]
    if args.totals:
        rows = total_changes(*read)
        print("\n".join(["| entry | before | after |", "|---|---|---|", *rows]) if rows else "no total differs")
        return 1 if rows else 0
    lines = differences(*read)
    print("\n".join(lines) if lines else f"no difference in {len(read[0])} entries")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
