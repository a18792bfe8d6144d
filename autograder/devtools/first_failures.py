"""Which Hypothesis examples find the bugs: the evidence for each check's number of examples.

    python -m autograder.devtools.first_failures recurrent [--jobs 2]

Grades the reference, every example submission (``assignments/<a>/submissions/``) and every entry
of the bundled class (``class/``) with the grader's profile on (``grading.grade.PROFILE_ENV``), and
prints, per check family (one test function and its parameters): the examples each check draws,
how many gradings failed one of its checks on an input, how many of those first on a generated
case (the others on a worked ``first`` case), and the latest generated case on which one first
failed. Derandomized Hypothesis draws the same first k cases whatever ``max_examples`` is (a test
holds it to that), so a check with at least that many examples keeps every one of these failures,
found on the same case and shrunk the same way: its feedback unchanged. Failures no input changes
(not implemented, missing file, timeout, crash) are not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import manifest as manifests
from ..classroom.batch import discover
from ..grading.grade import PROFILE_ENV
from .snapshot import sources


@dataclass
class Family:
    """What the gradings say about one test function's checks."""

    examples: set = field(default_factory=set)  # max_examples of its for_all calls that failed
    failed: int = 0  # gradings x checks that failed on an input
    on_generated: int = 0  # ... first on a generated case
    latest: int = 0  # the latest generated case (1-based) on which one first failed; 0: none
    where: str = ""  # the entry and check of ``latest``


def family_of(node: str) -> str:
    """``file.py::test_name`` of a pytest id ``path/file.py::test_name[params]``."""
    path, _, name = node.partition("::")
    return f"{Path(path).name}::{name.split('[')[0]}"


def summarize(profiles: dict[str, dict]) -> dict[str, Family]:
    """Per check family, from the profiles (``grade``'s ``first_failures``) of graded entries."""
    families: dict[str, Family] = {}
    for entry, profile in sorted(profiles.items()):
        for node, (n, n_first, index, on_input) in sorted(profile.get("first_failures", {}).items()):
            if not on_input:
                continue
            family = families.setdefault(family_of(node), Family())
            family.examples.add(n)
            family.failed += 1
            generated = index - n_first + 1  # 1-based among the generated cases; <= 0: a worked case
            if generated > 0:
                family.on_generated += 1
                if generated > family.latest:
                    family.latest, family.where = generated, f"{entry}: {node.split('::', 1)[-1]}"
    return families


def entries(assignment: str) -> dict[str, Path]:
    """Label -> path of what ``profile_all`` grades: "reference", and "<label>/<student>" for the
    example submissions and the bundled class (found as ``snapshot`` and the batch grader find them)."""
    manifest = manifests.load(assignment)
    out = {"reference": manifest.solutions}
    for label, folder in sources(manifest).items():
        for sub in discover(folder)[0]:
            out[f"{label}/{sub.student}"] = sub.path
    return out


def profile_all(assignment: str, jobs: int) -> dict[str, dict]:
    """Grade every entry with the profile on; entry label -> its profile."""
    from .bench import grade_once

    def one(item: tuple[str, Path]) -> tuple[str, dict]:
        name, path = item
        with tempfile.TemporaryDirectory(prefix="ag-first-") as tmp:
            profile = Path(tmp) / "profile.json"
            grade_once(assignment, path, Path(tmp) / "results.json", env={PROFILE_ENV: str(profile)})
            return name, json.loads(profile.read_text(encoding="utf-8"))

    with ThreadPoolExecutor(jobs) as pool:
        return dict(pool.map(one, entries(assignment).items()))


def report(families: dict[str, Family], entries_graded: int) -> str:
    """The table ``main`` prints."""
    lines = [f"{entries_graded} gradings; per check family: examples per check, checks failed on an input, "
             "of them first on a generated case, the latest generated case that was the first to fail one"]
    for name, f in sorted(families.items()):
        latest = f"case {f.latest} ({f.where})" if f.latest else "none (all on a worked case)"
        lines.append(f"  {name}: {'/'.join(str(n) for n in sorted(f.examples))} examples; {f.failed} failed, "
                     f"{f.on_generated} on a generated case; latest first failure: {latest}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.first_failures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", choices=manifests.available())
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    profiles = profile_all(args.assignment, args.jobs)
    print(report(summarize(profiles), len(profiles)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
