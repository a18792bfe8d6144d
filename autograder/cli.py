"""The kit's command line: ``python -m autograder <command>``. Thin: each command calls one function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import manifest as manifests
from .paths import DIST


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_grade(args) -> int:
    from .grading.grade import grade
    from .grading.staging import SubmissionError

    try:
        results = grade(args.assignment, Path(args.submission), Path(args.output), isolation=args.isolation,
                        call_timeout_s=args.call_timeout, max_examples=args.max_examples)
    except (manifests.ManifestError, SubmissionError) as exc:
        return _fail(str(exc))
    print(f"{args.assignment}: {results.score:g} / {results.max_score:g} -> {args.output}")
    return 0


def cmd_check(args) -> int:
    from .checklib.local import LocalSubmission
    from .runner.collector import run_checks
    from .runner.report import check_report
    from .runner.results import Results

    folder = Path(args.folder).resolve()
    try:
        if args.assignment:
            manifest = manifests.load(args.assignment)
        elif (folder / "manifest.toml").is_file():
            manifest = manifests.load_file(folder / "manifest.toml")
        else:
            return _fail(f"no manifest.toml in {folder}; pass --assignment NAME "
                         f"(one of: {', '.join(manifests.available()) or 'none'})")
    except manifests.ManifestError as exc:
        return _fail(str(exc))
    files = list(manifest.public_checks)
    submission = LocalSubmission(folder, manifest.functions)
    results = Results(manifest.name)
    collector = run_checks(manifest, submission, None, results, files)
    if args.function:
        results.tests = [t for t in results.tests if t.name.split(":")[0] in args.function]
    print(check_report(results))
    if collector.errors:
        print("\nThe checks themselves had problems:\n" + "\n".join(collector.errors), file=sys.stderr)
    return 0


def cmd_templates(args) -> int:
    from .release.strip import stale_templates, write_templates

    if args.check:
        stale = stale_templates()
        if stale:
            return _fail(f"student_templates/ is out of date for {', '.join(stale)}: run `make templates`")
        print("student_templates/ matches solutions/")
        return 0
    for path in write_templates():
        print(f"wrote {path.relative_to(path.parents[2])}")
    from .release.expected import write_all

    for path in write_all():
        print(f"wrote {path.relative_to(path.parents[3])}")
    return 0


def cmd_dist(args) -> int:
    from .release import DistError, build, build_all

    out = Path(args.out)
    try:
        written = [p for name in args.assignment for p in build(name, out)] if args.assignment else build_all(out)
    except (DistError, manifests.ManifestError) as exc:
        return _fail(str(exc))
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_grade_batch(args) -> int:
    from .classroom import DEFAULT_TIMEOUT_S, BatchError, grade_batch
    from .classroom.class_report import common_failures_text

    try:
        summary = grade_batch(args.assignment, Path(args.submissions), Path(args.output), jobs=args.jobs,
                              timeout_s=args.timeout or DEFAULT_TIMEOUT_S, force=args.force, progress=not args.quiet,
                              isolation=args.isolation, call_timeout_s=args.call_timeout,
                              max_examples=args.max_examples)
    except BatchError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted: the results finished so far are kept; run the same command again to go on",
              file=sys.stderr)
        return 130
    print(f"{args.assignment}: {len(summary.students)} submissions, {len(summary.graded)} graded, "
          f"{len(summary.skipped)} unchanged, {len(summary.errors)} grader errors, {summary.wall_s:.1f} s")
    if summary.ignored:
        print(f"ignored (not a folder or .zip): {', '.join(summary.ignored)}")
    if summary.grader_changed:
        print("warning: the grader's checks or reference changed during this run; run again to regrade everyone",
              file=sys.stderr)
    print(common_failures_text(Path(args.output), summary.students))
    print(f"gradebook: {Path(args.output) / 'gradebook.csv'}\nreport:    {Path(args.output) / 'report.html'}")
    return 0


def cmd_classgen(args) -> int:
    from .devtools.classgen import ClassConfigError, stale_classes, write_class

    names = args.assignment or manifests.available()
    unknown = [a for a in names if a not in manifests.available()]
    if unknown:
        return _fail(f"unknown assignment {unknown[0]!r}; known assignments: {', '.join(manifests.available())}")
    try:
        if args.check:
            stale = stale_classes(names)
            if stale:
                return _fail(f"the bundled class is out of date for {', '.join(stale)}: run `python -m autograder classgen`")
            print("every assignments/<name>/class/ matches its generator")
            return 0
        for name in names:
            folder = write_class(name, Path(args.out) / name if args.out else None)
            print(f"wrote {folder}")
    except ClassConfigError as exc:
        return _fail(str(exc))
    return 0


def cmd_demo(args) -> int:
    from .devtools.demo import run_demo

    return run_demo(jobs=args.jobs)


def cmd_bench(args) -> int:
    from .devtools.bench import run_bench

    unknown = [a for a in args.assignment or [] if a not in manifests.available()]
    if unknown:
        return _fail(f"unknown assignment {unknown[0]!r}; known assignments: {', '.join(manifests.available())}")
    return run_bench(args.assignment or manifests.available(), runs=args.runs, jobs=args.jobs,
                     compare=not args.no_compare)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("grade", help="grade one submission into a Gradescope results.json")
    p.add_argument("--assignment", required=True, help=f"one of: {', '.join(manifests.available())}")
    p.add_argument("--submission", required=True, help="a folder or .zip holding the student files")
    p.add_argument("--output", default="results.json", help="where to write results.json")
    p.add_argument("--isolation", choices=("bwrap", "uid", "process"), default=None,
                   help="force an isolation level (default: the strongest that works here)")
    p.add_argument("--call-timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit per call into student code (default: the manifest's; for the kit's tests)")
    p.add_argument("--max-examples", type=int, default=None, metavar="N",
                   help="Hypothesis examples per check (default: the grading profile's; for the kit's tests)")
    p.set_defaults(run=cmd_grade)

    p = sub.add_parser("check", help="run the public checks on your files (for students)")
    p.add_argument("--assignment", default=None, help="needed in the kit; the student folder has a manifest.toml")
    p.add_argument("--folder", default=".", help="the folder holding your files (default: here)")
    p.add_argument("--function", action="append", help="only report checks of this function (repeatable)")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("templates", help="regenerate student_templates/ and the public expected values")
    p.add_argument("--check", action="store_true", help="only report whether the templates are up to date")
    p.set_defaults(run=cmd_templates)

    p = sub.add_parser("dist", help="build dist/<assignment>/: the student zip and the Gradescope zip")
    p.add_argument("--assignment", action="append", help="only this assignment (repeatable; default: all)")
    p.add_argument("--out", default=str(DIST), help="where to build (default: dist/ in the kit)")
    p.set_defaults(run=cmd_dist)

    p = sub.add_parser("grade-batch", help="grade a class: every folder or .zip in a folder, in parallel")
    p.add_argument("--assignment", required=True, help=f"one of: {', '.join(manifests.available())}")
    p.add_argument("--submissions", required=True, help="a folder with one folder or .zip per student")
    p.add_argument("--output", required=True, help="where results, gradebook.csv and report.html go")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="limit per submission before its grading is stopped (default: 1800)")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--isolation", choices=("bwrap", "uid", "process"), default=None, help=argparse.SUPPRESS)
    p.add_argument("--call-timeout", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--max-examples", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=cmd_grade_batch)

    p = sub.add_parser("classgen", help="regenerate the bundled example class assignments/<assignment>/class/")
    p.add_argument("--assignment", action="append", help="only this assignment (repeatable; default: all)")
    p.add_argument("--out", default=None, help="write <out>/<assignment>/ instead of assignments/<assignment>/class/")
    p.add_argument("--check", action="store_true", help="only report whether the committed classes are up to date")
    p.set_defaults(run=cmd_classgen)

    p = sub.add_parser("demo", help="build the distributions, grade the bundled class, print the scores")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: the number of cores)")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("bench", help="time the grader: one correct submission, and the bundled class in batch")
    p.add_argument("--assignment", action="append", help="only this assignment (repeatable; default: all)")
    p.add_argument("--runs", type=int, default=3, help="gradings of the correct submission (median; default 3)")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--no-compare", action="store_true", help="skip grading the class again one by one")
    p.set_defaults(run=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
