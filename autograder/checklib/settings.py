"""The Hypothesis profile every check runs under: derandomized, so a submission always gets the
same inputs and the same score, locally and in the grader."""

import copy
import os
import sys

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


class SkipCase(Exception):
    """Raised by a check's body for a case it cannot judge (the student's own forward raises on it, and
    the forward's checks charge that): ``for_all`` judges the other cases; if it could judge none,
    ``verdict`` (an exception) is the check's failure."""

    def __init__(self, verdict: Exception):
        super().__init__(str(verdict))
        self.verdict = verdict


class _Tally:
    """``body`` counting the cases it ran and the cases it skipped (``SkipCase``)."""

    def __init__(self, body):
        self.body, self.ran, self.skipped = body, 0, []

    def __call__(self, case) -> None:
        self.ran += 1
        try:
            self.body(case)
        except SkipCase as skip:
            self.skipped.append(skip)

    def restart(self) -> "_Tally":
        self.ran, self.skipped = 0, []
        return self

    def judge(self) -> None:
        """Fail when every case was skipped: a check never passes without judging a case."""
        if self.ran and len(self.skipped) == self.ran:
            raise self.skipped[0].verdict


def for_all(strategy, body, *, max_examples: int | None = None, shrink: bool = True, first: tuple = ()) -> None:
    """Run ``body(case)`` on cases drawn from ``strategy`` under the grading profile.

    Lets a check do its once-only work (a gate, a lookup) before Hypothesis starts, and keeps
    fixtures out of ``@given``. The minimal failing case is reported as ``case=...``. A failure
    that no input can change (not implemented, missing file, timeout, crash) stops at once instead
    of being shrunk. ``shrink=False`` (hidden checks, whose inputs are never shown) reports the first
    failing case as found, which saves seconds per failing check. ``first`` are small fixed cases
    tried before any generated one: a bug they show is reported on them at once, with no shrinking.
    A case ``body`` cannot judge (it raises ``SkipCase``: the student's own forward raises on it) is
    passed over; a check that judged no case at all fails with the skip's verdict.

    Fast path, same verdicts and feedback: derandomized Hypothesis generates the same cases from a
    strategy every time a check of it passes. The first passing check of a strategy runs through
    Hypothesis and keeps a copy of the cases it generated; later checks of that strategy run
    ``body`` on copies of them (``first`` ones first) without Hypothesis's engine. Hypothesis runs
    such a check itself, from the start, only when a case fails (to find and shrink the failure
    exactly as it always has; with ``shrink=False`` the first failing case is the failure Hypothesis
    would report, and is raised as is) or when the constants Hypothesis mixes into its draws were not
    what they were when it drew each case (``hypothesis_state``: a local module imported at another
    point of the check; one imported at the same point, such as the reference solution on a hidden
    check's first case, replays). In the grader, the cases of a passing check are also kept between
    gradings (``STORE``), so the first check of a strategy replays them too.
    """
    n = max_examples or settings.default.max_examples
    key = (id(strategy), n, shrink, hypothesis_state())
    store = STORE[0]
    stored = store.key(n, shrink, key[3]) if store is not None else None
    if key not in _DRAWN and (kept := store.get(stored) if store is not None else None) is not None:
        _DRAWN[key] = (strategy, *kept)  # drawn by an earlier grading: replayed as if drawn in this one
    tally = _Tally(body)
    if key in _DRAWN:
        _, cases, trail = _DRAWN[key]  # a state for every case (``STORE``'s entries are checked for it)
        replayed = True
        try:
            for i, case in enumerate((*first, *cases)):
                before = hypothesis_state()
                if i >= len(first) and replayed:
                    replayed = before == trail[i - len(first)]  # the constants Hypothesis drew this case with
                tally(copy.deepcopy(case))
        except Exception as exc:
            _note_failure(n, len(first), tally.ran - 1, exc)
            if _input_independent(exc):
                raise
            if not shrink and replayed and hypothesis_state() == before:
                RUNS["replayed"] += 1
                raise  # what Hypothesis would report without shrinking: this first failing case, as raised
            replayed = False
        RUNS["replayed" if replayed else "rerun"] += 1
        if not replayed:
            _hypothesis_run(strategy, tally.restart(), max_examples=n, shrink=shrink, first=first)
        elif store is not None:
            store.put(stored, cases, trail)
        tally.judge()
        return
    seen: list = []
    states: list = []  # hypothesis_state() as Hypothesis drew each case (before its body runs)

    def recorded(case):
        seen.append(copy.deepcopy(case))
        states.append(hypothesis_state())
        try:
            tally(case)
        except Exception as exc:
            _note_failure(n, len(first), len(seen) - 1, exc)  # kept: the first (shrinking comes after it)
            raise

    RUNS["engine"] += 1
    _hypothesis_run(strategy, recorded, max_examples=n, shrink=shrink, first=first)  # raises if a case fails
    _DRAWN[key] = (strategy, seen[len(first):], states[len(first):])  # Hypothesis runs the ``first`` cases first
    if store is not None:
        store.put(stored, *_DRAWN[key][1:])
    tally.judge()


def hypothesis_state() -> int:
    """What, besides the derandomized seed, decides Hypothesis's draws: the constants it collects
    from the source of local modules as they are imported (only ever more of them, so their count
    identifies the state; ``len(sys.modules)``, which is when Hypothesis looks again, where its
    internals differ)."""
    try:
        from hypothesis.internal.conjecture.providers import _get_local_constants
        return len(_get_local_constants())
    except Exception:  # another Hypothesis version: the coarser signal it uses itself
        return -len(sys.modules)


#: The grader's store of draws kept between gradings (``autograder.grading.draws.DrawStore``: ``key``,
#: ``get``, ``put``), or None (a student's checks, the kit's tests of this module): set by the grader.
STORE: list = [None]

#: How ``for_all`` ran its checks in this process: "engine" (through Hypothesis), "replayed" (kept
#: cases, without the engine), "rerun" (a replayed case failed: through Hypothesis again).
RUNS: dict[str, int] = {"engine": 0, "replayed": 0, "rerun": 0}

#: Where each failing ``for_all`` first failed, in this process: pytest's id of the check (its
#: PYTEST_CURRENT_TEST) -> [max_examples, number of ``first`` cases, index of the first failing case
#: among first + generated ones, whether the failure depends on the input]. The evidence for a check's
#: number of examples (``autograder.devtools.first_failures``).
FIRST_FAILURES: dict[str, list] = {}


def _note_failure(n: int, n_first: int, index: int, exc: Exception) -> None:
    """Record where the running check first failed (its first failure; later ones are not kept)."""
    node = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    FIRST_FAILURES.setdefault(node, [n, n_first, index, not _input_independent(exc)])

#: (id of a strategy, max_examples, shrink, hypothesis_state()) -> (the strategy, kept alive so its
#: id stays its own; the cases Hypothesis generates from it when every one passes; the
#: hypothesis_state() as it drew each of them)
_DRAWN: dict[tuple, tuple] = {}


def _hypothesis_run(strategy, body, *, max_examples: int | None = None, shrink: bool = True, first: tuple = ()) -> None:
    """``for_all`` through Hypothesis's engine (generation, and shrinking of a failure). The block
    defining ``run`` must stay as it is: derandomized Hypothesis seeds from its source, so its
    text decides which cases every check draws."""
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
