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

    if Path(args.output).is_dir():
        return _fail(f"--output {args.output}: is a folder; give the path of the results.json to write")
    try:
        results = grade(args.assignment, Path(args.submission), Path(args.output), isolation=args.isolation,
                        call_timeout_s=args.call_timeout, max_examples=args.max_examples, budget_s=args.budget)
    except (manifests.ManifestError, SubmissionError) as exc:
        return _fail(str(exc))
    print(f"{args.assignment}: {results.score:g} / {results.max_score:g} -> {args.output}")
    return 0


def cmd_grade_server(args) -> int:
    from .grading.grade import serve

    return serve()


def cmd_check(args) -> int:
    from .checklib.local import LocalSubmission
    from .runner.collector import run_checks
    from .runner.report import check_report
    from .runner.results import Results

    folder = Path(args.folder).resolve()
    if not folder.is_dir():
        return _fail(f"--folder {args.folder}: no such folder (the folder holding your files, e.g. --folder .)")
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
    unknown = sorted(set(args.function or ()) - set(manifest.functions))
    if unknown:
        return _fail(f"--function: unknown function(s) {', '.join(unknown)}; "
                     f"this assignment has: {', '.join(manifest.functions)}")
    files = list(manifest.public_checks)
    submission = LocalSubmission(folder, manifest.functions, timeout_s=manifest.call_timeout_s,
                                 function_timeouts=manifest.function_timeouts,
                                 extra_paths=manifest.provided_dirs)
    results = Results(manifest.name)
    collector = run_checks(manifest, submission, None, results, files, functions=frozenset(args.function or ()))
    print(check_report(results))
    if collector.errors:
        print("\nThe checks themselves had problems:\n" + "\n".join(collector.errors), file=sys.stderr)
        return 2
    return 0 if all(t.status == "passed" for t in results.tests) else 1  # as pytest: 1 when a check failed


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
    from .classroom import DEFAULT_TIMEOUT_S, BatchError, grade_batch, late_policy
    from .classroom.class_report import canvas_unmatched_text, common_failures_text, unknown_extensions

    out = Path(args.output)
    overrides = {k: v for k, v in {"due": args.due, "per_day": args.late_per_day, "cap": args.late_cap,
                                   "grace_minutes": args.grace_minutes, "extensions": args.extensions}.items()
                 if v is not None}
    try:
        policy = late_policy(args.assignment, **overrides)
        summary = grade_batch(args.assignment, Path(args.submissions), out, jobs=args.jobs,
                              timeout_s=args.timeout or DEFAULT_TIMEOUT_S, force=args.force, progress=not args.quiet,
                              isolation=args.isolation, call_timeout_s=args.call_timeout,
                              max_examples=args.max_examples, roster=args.roster, students=args.student,
                              late=policy, canvas_column=args.canvas_assignment)
    except BatchError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted: the results finished so far are kept; run the same command again to go on",
              file=sys.stderr)
        return 130
    print(f"{args.assignment}: {len(summary.students)} submissions ({summary.layout}), {len(summary.graded)} graded, "
          f"{len(summary.skipped)} {'left as they are' if args.student else 'unchanged'}, "
          f"{len(summary.errors)} grader errors, {summary.wall_s:.1f} s")
    if summary.ignored:
        print(f"ignored (not a submission): {', '.join(summary.ignored)}")
    for line in summary.unidentified:
        print(f"unidentified: {line}", file=sys.stderr)
    if summary.missing:
        print(f"on the roster without a submission ({len(summary.missing)}): {', '.join(summary.missing)}",
              file=sys.stderr)
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    for ident in unknown_extensions(policy, summary.discovery):
        print(f"warning: the extension for {ident!r} matches no student", file=sys.stderr)
    if summary.canvas_unmatched:
        print(f"warning: {canvas_unmatched_text(summary.canvas_unmatched)}", file=sys.stderr)
    if summary.grader_changed:
        print("warning: the grader's checks or reference changed during this run; run again to regrade everyone",
              file=sys.stderr)
    print(common_failures_text(out, summary.students))
    print(f"gradebook: {out / 'gradebook.csv'} (Canvas: {out / 'canvas.csv'}, per check: {out / 'checks.csv'})\n"
          f"report:    {out / 'report.html'}")
    if summary.errors:
        print(f"error: {len(summary.errors)} grader error{'s' if len(summary.errors) != 1 else ''} "
              f"({', '.join(summary.errors)}): no grade for them; run the same command again to retry",
              file=sys.stderr)
        return 1
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
    if args.profile_of_submission is not None:
        if len(args.assignment or []) != 1:
            return _fail(f"bench --profile-of-submission: give exactly one --assignment (got {len(args.assignment or [])})")
        if not args.profile_of_submission.exists():
            return _fail(f"bench --profile-of-submission: {args.profile_of_submission} does not exist")
    return run_bench(args.assignment or manifests.available(), runs=args.runs, jobs=args.jobs,
                     compare=not args.no_compare, large=args.large, warm_vs_cold=args.warm_vs_cold,
                     pinned_vs_not=args.one_core_vs_any_core, profile_of=args.profile_of_submission)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("grade", help="grade one submission into a Gradescope results.json")
    p.add_argument("--assignment", required=True, help=f"one of: {', '.join(manifests.available())}")
    p.add_argument("--submission", required=True, help="a folder or .zip holding the student files")
    p.add_argument("--output", default="results.json", help="where to write results.json")
    p.add_argument("--isolation", choices=("bwrap", "namespaces", "uid", "process"), default=None,
                   help="force an isolation level (default: the strongest that works here)")
    p.add_argument("--call-timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit per call into student code (default: the manifest's; for the kit's tests)")
    p.add_argument("--max-examples", type=int, default=None, metavar="N",
                   help="Hypothesis examples per check (default: the grading profile's; for the kit's tests)")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="time budget of all calls into student code (default: the manifest's; for the kit's tests)")
    p.set_defaults(run=cmd_grade)

    p = sub.add_parser("grade-server", help="grade submissions sent on stdin, one after another (the batch grader's)")
    p.set_defaults(run=cmd_grade_server)

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

    p = sub.add_parser(
        "grade-batch", help="grade a class (a Gradescope export, a Canvas bulk download or folders), in parallel",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Grade every submission of a class into OUTPUT: results, feedback (markdown and HTML), "
                    "gradebook.csv, canvas.csv, checks.csv, report.html. Rerunning regrades only what changed.",
        epilog="exit status:\n"
               "  0    every submission found has a grade (graded now or unchanged since the last run)\n"
               "  1    grader errors: some submissions have no grade (listed; the next run retries them)\n"
               "  2    nothing to grade or a usage error: no submission found, unknown --student, unreadable\n"
               "       roster or extensions, bad due date or late policy, unknown assignment\n"
               "  130  interrupted (Ctrl-C); what was finished is kept\n"
               "Files whose student cannot be identified are listed on stderr and in report.html, never dropped.")
    p.add_argument("--assignment", required=True, help=f"one of: {', '.join(manifests.available())}")
    p.add_argument("--submissions", required=True,
                   help="the class: a Gradescope export (submission_<id>/ + submission_metadata.yml), a Canvas "
                        "bulk download (<name>_<userid>_<submissionid>_<file>), or one folder or .zip per student")
    p.add_argument("--output", required=True, help="where results, gradebooks and report.html go")
    p.add_argument("--roster", default=None, metavar="CSV",
                   help="the class list: id,name,email,section (optional sid,login,canvas_id; Canvas's and "
                        "Gradescope's roster exports work too); names students and finds who handed in nothing")
    p.add_argument("--student", action="append", default=None, metavar="ID",
                   help="regrade only this student (any id: roster id, SID, email, Canvas id; repeatable), even "
                        "when unchanged; everyone else stays as they are")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="limit per submission before its grading is stopped (default: 1800)")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    late = p.add_argument_group("late work (default: the manifest's [late] table; each option overrides it)")
    late.add_argument("--due", default=None, metavar="TIME", help="due date and time, ISO 8601, e.g. 2026-12-01T23:59:00+00:00")
    late.add_argument("--late-per-day", type=float, default=None, metavar="PERCENT",
                      help="penalty per started day late, percent of the earned score")
    late.add_argument("--late-cap", type=float, default=None, metavar="PERCENT", help="largest penalty, percent")
    late.add_argument("--grace-minutes", type=float, default=None, metavar="MINUTES",
                      help="minutes after the due time that still count as on time")
    late.add_argument("--extensions", default=None, metavar="CSV", help="per-student extensions: id,new_due rows")
    p.add_argument("--canvas-assignment", default=None, metavar="NAME",
                   help="canvas.csv's assignment column, e.g. 'RNN lab (123456)' to fill that Canvas assignment "
                        "(default: the assignment's title: Canvas makes a new assignment)")
    p.add_argument("--isolation", choices=("bwrap", "namespaces", "uid", "process"), default=None, help=argparse.SUPPRESS)
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
    p.add_argument("--large", type=int, default=0, metavar="N",
                   help="also grade a class of N students (the bundled class repeated) for recurrent (make bench: 300)")
    p.add_argument("--warm-vs-cold", action="store_true",
                   help="only grade the bundled class twice each way, alternating: a grade process per submission "
                        "(cold) and forked from warm grade-servers (warm, the batch's way)")
    p.add_argument("--one-core-vs-any-core", action="store_true",
                   help="only compare gradings on one core each (the default) with gradings on any core: the "
                        "correct submission --runs times each way, then the bundled class twice each way")
    p.add_argument("--profile-of-submission", type=Path, default=None,
                   help="only grade this submission --runs times with the grader's profile on (a profile line "
                        "each, then the medians); give one --assignment")
    p.set_defaults(run=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
