"""The Hypothesis profile every check runs under: derandomized, so a submission always gets the
same inputs and the same score, locally and in the grader."""

from hypothesis import HealthCheck, Phase, settings

PROFILE = "autograder"
MAX_EXAMPLES = 20

#: Every phase but "explain": it only adds notes to a failure (which feedback does not show) and takes
#: most of the time spent on a wrong answer (a minute or more for a subtly wrong backward).
PHASES = tuple(p for p in Phase if p is not Phase.explain)

settings.register_profile(
    PROFILE,
    phases=PHASES,
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=MAX_EXAMPLES,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)


def load() -> None:
    """Make the grading profile the active one."""
    settings.load_profile(PROFILE)


class _Abort(BaseException):
    """Carries a failure that does not depend on the input out of Hypothesis without shrinking
    (Hypothesis lets BaseExceptions that are not Exceptions through at once)."""

    def __init__(self, error: Exception):
        super().__init__(error)
        self.error = error


def _input_independent(exc: Exception) -> bool:
    from .errors import MissingFile, MissingFunction, NotImplementedYet, StudentCrash, StudentException, StudentTimeout

    if isinstance(exc, StudentException):
        return exc.during == "import"
    return isinstance(exc, (NotImplementedYet, MissingFile, MissingFunction, StudentTimeout, StudentCrash))


def for_all(strategy, body, *, max_examples: int | None = None, shrink: bool = True, first: tuple = ()) -> None:
    """Run ``body(case)`` on cases drawn from ``strategy`` under the grading profile.

    Lets a check do its once-only work (a gate, a lookup) before Hypothesis starts, and keeps
    fixtures out of ``@given``. The minimal failing case is reported as ``case=...``. A failure
    that no input can change (not implemented, missing file, timeout, crash) stops at once instead
    of being shrunk. ``shrink=False`` (hidden checks, whose inputs are never shown) reports the first
    failing case as found, which saves seconds per failing check. ``first`` are small fixed cases
    tried before any generated one: a bug they show is reported on them at once, with no shrinking.
    """
    from hypothesis import example, given

    phases = PHASES if shrink else (Phase.explicit, Phase.reuse, Phase.generate)

    @settings(max_examples=max_examples or settings.default.max_examples, phases=phases,
              report_multiple_bugs=False)
    @given(case=strategy)
    def run(case):
        try:
            body(case)
        except Exception as exc:
            if _input_independent(exc):
                raise _Abort(exc) from None
            raise

    for case in reversed(first):
        run = example(case=case)(run)

    try:
        run()
    except _Abort as abort:
        raise abort.error from None
