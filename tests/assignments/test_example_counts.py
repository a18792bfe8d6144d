"""The recurrent checks' numbers of examples (issue 13) keep what the grader found before.

The counts were lowered where ``python -m autograder.devtools.first_failures recurrent`` showed the
later examples find nothing in the mutation suite or the bundled class. That keeps every one of
their failures (and its feedback) only because derandomized Hypothesis draws the same first cases
whatever ``max_examples`` is: checked here for every strategy whose count changed, against the
counts they had (20 for the property and hidden reference checks, 8 for the LSTM's and GRU's
gradient checks, 5 for the RNN's hidden backward checks). The edge sizes each strategy is meant to
reach (N = 1, T = 1, D != H) are still among the cases a check draws.
"""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from autograder.checklib import settings

import checks_recurrent as rc
import test_recurrent as public
import test_recurrent_hidden as hidden


@pytest.fixture(autouse=True)
def grading_profile():
    settings.load()
    yield
    hypothesis_settings.load_profile("kit")


def _drawn(strategy, n: int) -> list[tuple]:
    """(digest of the inputs, N, T, D, H) of the cases Hypothesis's engine draws, in order."""
    seen = []

    def record(case):
        seen.append((rc._digest(case), case.N, getattr(case, "T", 1), case.D, case.H))

    settings._hypothesis_run(strategy, record, max_examples=n)
    return seen


STRATEGIES = [
    *[(f"public {f}", s, public.PROPERTY_EXAMPLES, 20) for f, s in public.CASES_OF.items()],
    *[(f"gradient {f}", s, public.GRADIENT_EXAMPLES, 8) for f, s in public.CASES_OF.items() if not f.startswith("rnn")],
    *[(f"hidden backward {f} {r}", hidden.REGIMES[f, r], hidden.RNN_BACKWARD_EXAMPLES, 5)
      for f, r in sorted({(f.replace("_backward", "_forward"), r) for f, _, r in hidden.RNN_BACKWARD})],
    *[(f"hidden {f} {r}", s, hidden.REFERENCE_EXAMPLES, 20) for (f, r), s in hidden.REGIMES.items()],
    *[(f"hidden {f}", s, hidden.REFERENCE_EXAMPLES, 20) for f, (s, _) in hidden.MIXED.items()],
]


@pytest.mark.parametrize("name,strategy,now,before", STRATEGIES, ids=[s[0] for s in STRATEGIES])
def test_fewer_examples_are_the_first_of_the_former_ones(name, strategy, now, before):
    fewer, former = _drawn(strategy, now), _drawn(strategy, before)
    assert len(fewer) == now and fewer == former[:now]
    if now >= 10:  # the property and reference checks: the edge sizes are drawn
        assert any(c[1] == 1 for c in fewer) and any(c[1] > 1 for c in fewer), "N = 1 and N > 1"
        assert any(c[3] != c[4] for c in fewer) and any(c[3] > 1 for c in fewer), "D != H and D > 1"
        if "step" not in name:
            assert any(c[2] == 1 for c in fewer) and any(c[2] > 1 for c in fewer), "T = 1 and T > 1"

