"""The kit's command line: ``python -m autograder <command>``. Thin: each command calls one function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import manifest as manifests


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_grade(args) -> int:
    from .engine import grade
    from .staging import SubmissionError

    try:
        results = grade(args.assignment, Path(args.submission), Path(args.output), isolation=args.isolation)
    except (manifests.ManifestError, SubmissionError) as exc:
        return _fail(str(exc))
    print(f"{args.assignment}: {results.score:g} / {results.max_score:g} -> {args.output}")
    return 0


def cmd_check(args) -> int:
    from .checklib.local import LocalSubmission
    from .engine import run_checks
    from .report import check_report
    from .results import Results

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
    from .strip import stale_templates, write_templates

    if args.check:
        stale = stale_templates()
        if stale:
            return _fail(f"student_templates/ is out of date for {', '.join(stale)}: run `make templates`")
        print("student_templates/ matches solutions/")
        return 0
    for path in write_templates():
        print(f"wrote {path.relative_to(path.parent.parent)}")
    from .expected import write_all

    for path in write_all():
        print(f"wrote {path.relative_to(path.parents[3])}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("grade", help="grade one submission into a Gradescope results.json")
    p.add_argument("--assignment", required=True, help=f"one of: {', '.join(manifests.available())}")
    p.add_argument("--submission", required=True, help="a folder or .zip holding the student files")
    p.add_argument("--output", default="results.json", help="where to write results.json")
    p.add_argument("--isolation", choices=("bwrap", "uid", "process"), default=None,
                   help="force an isolation level (default: the strongest that works here)")
    p.set_defaults(run=cmd_grade)

    p = sub.add_parser("check", help="run the public checks on your files (for students)")
    p.add_argument("--assignment", default=None, help="needed in the kit; the student folder has a manifest.toml")
    p.add_argument("--folder", default=".", help="the folder holding your files (default: here)")
    p.add_argument("--function", action="append", help="only report checks of this function (repeatable)")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("templates", help="regenerate student_templates/ and the public expected values")
    p.add_argument("--check", action="store_true", help="only report whether the templates are up to date")
    p.set_defaults(run=cmd_templates)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
