"""Plain-text views of results for a terminal."""

from __future__ import annotations

from .results import Results


def check_report(results: Results, *, verbose_failures: bool = True) -> str:
    """A student's report: one line per check, then the feedback of each failed check."""
    lines = []
    width = max((len(t.name) for t in results.tests), default=20)
    for t in results.tests:
        mark = "PASS" if t.status == "passed" else "FAIL"
        lines.append(f"{mark}  {t.name:<{width}}  {t.score:g}/{t.max_score:g}")
    lines.append(f"\nTotal: {results.score:g} / {results.max_score:g}")
    failed = [t for t in results.tests if t.status != "passed"]
    if verbose_failures and failed:
        lines.append("\nWhat to fix:")
        for t in failed:
            lines.append(f"\n--- {t.name}\n{t.output}")
    return "\n".join(lines)


def score_table(rows: list[tuple[str, Results]]) -> str:
    """One line per graded submission: name, score, max, failed checks."""
    width = max((len(n) for n, _ in rows), default=10)
    lines = [f"{'submission':<{width}}  {'score':>8}  {'max':>6}  failed checks"]
    for name, r in rows:
        failed = sum(1 for t in r.tests if t.status != "passed")
        lines.append(f"{name:<{width}}  {r.score:>8g}  {r.max_score:>6g}  {failed}")
    return "\n".join(lines)
