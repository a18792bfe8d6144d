"""The build's gate: a distribution is written only when the sources are consistent and the real
grader gives the reference solutions full marks and the templates nothing.

    solutions/ ---grade---> 100 %  and  student_templates/ ---grade---> 0   (else DistError)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import manifest as manifests
from ..grading.grade import grade
from .expected import expected_path, expected_values
from .strip import stale_templates


class DistError(RuntimeError):
    """The distribution cannot be built (the message says what to fix)."""


@dataclass(frozen=True)
class SelfCheck:
    """The grader's results (Gradescope JSON) on the reference solutions and on the templates."""

    reference: dict
    templates: dict

    def public_points(self) -> dict[str, float]:
        """Function -> points of its public (visible) checks, e.g. {"rnn_step_forward": 4.5}."""
        return _points(self.reference, visible=True)

    def hidden_points(self) -> dict[str, float]:
        """Function -> points of its hidden checks."""
        return _points(self.reference, visible=False)


def _points(results: dict, visible: bool) -> dict[str, float]:
    points: dict[str, float] = {}
    for t in results["tests"]:
        if (t["visibility"] == "visible") == visible:
            function = t["name"].split(":")[0]
            points[function] = points.get(function, 0.0) + t["max_score"]
    return points


def check_sources(manifest: manifests.Manifest) -> None:
    """The templates and the public expected values must match the reference solutions."""
    stale = [f for f in stale_templates() if f.split("/")[0] == manifest.name]
    if stale:
        raise DistError(f"{manifest.name}: student_templates/ is out of date for {', '.join(stale)}; run `make templates`")
    stored_path = expected_path(manifest)
    fresh = expected_values(manifest)
    if fresh:
        if not stored_path.is_file():
            raise DistError(f"{manifest.name}: {stored_path} is missing; run `make templates`")
        with np.load(stored_path, allow_pickle=False) as stored:
            same = set(stored.files) == set(fresh) and all(np.array_equal(stored[k], v) for k, v in fresh.items())
        if not same:
            raise DistError(f"{manifest.name}: {stored_path.name} does not match the reference; run `make templates`")


def verify(manifest: manifests.Manifest, report_dir: Path) -> SelfCheck:
    """Grade the reference and the templates with the real (sandboxed) grader.

    Writes ``report_dir/{reference,templates}-results.json`` and raises DistError unless the
    reference scores full marks on every check and the templates score 0.
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    runs = {}
    for label, folder in (("reference", manifest.solutions), ("templates", manifest.templates)):
        path = report_dir / f"{label}-results.json"
        grade(manifest.name, folder, path)
        runs[label] = json.loads(path.read_text(encoding="utf-8"))
    ref, tpl = runs["reference"], runs["templates"]
    problems = []
    max_score = ref["extra_data"]["max_score"]
    failed = [t["name"] for t in ref["tests"] if t["score"] < t["max_score"]]
    if max_score <= 0 or ref["score"] < max_score or failed or "grader_error" in ref["extra_data"]:
        problems.append(f"the reference scores {ref['score']:g} / {max_score:g} (must be full marks); "
                        f"failed: {', '.join(failed[:10]) or 'none'}; "
                        f"grader error: {ref['extra_data'].get('grader_error', 'none')[:2000]}")
    if tpl["score"] != 0:
        earned = [t["name"] for t in tpl["tests"] if t["score"] > 0]
        problems.append(f"the templates score {tpl['score']:g} (must be 0); credit from: {', '.join(earned[:10])}")
    if problems:
        raise DistError(f"{manifest.name}: refusing to build the distribution: " + "; ".join(problems)
                        + f" (details in {report_dir})")
    return SelfCheck(ref, tpl)
