"""Hidden checks of the recurrent assignment: every output against the reference solutions on
Hypothesis-generated inputs (N = 1, T = 1, D != H, nonzero initial states, relu, leaky, saturating
pre-activations), one check per gradient so that one wrong gradient costs only its own points.

The inputs come from ``strategies_recurrent_hidden`` (next to this file, never shipped): it sizes the
cases on their exact pre-activations, which takes SPEC's forward recurrence."""

import pytest

from autograder.checklib.registry import check
from autograder.checklib.settings import for_all
import checks_recurrent as rc
import variants_recurrent as vr
from strategies_recurrent_hidden import (
    gru_cases, gru_step_cases, lstm_cases, lstm_step_cases, rnn_cases, rnn_step_cases,
)

#: (forward function, regime) -> Hypothesis cases: the RNN's regimes (``rc.RNN_REGIMES``), and the
#: LSTM's and GRU's unit and saturating pre-activations.
REGIMES = {
    **{("rnn_step_forward", r): rnn_step_cases(**kwargs) for r, kwargs in rc.RNN_REGIMES.items()},
    **{("rnn_forward", r): rnn_cases(**kwargs) for r, kwargs in rc.RNN_REGIMES.items()},
    ("lstm_step_forward", "unit"): lstm_step_cases(scale="unit"),
    ("lstm_step_forward", "saturating"): lstm_step_cases(scale="large"),
    ("lstm_forward", "unit"): lstm_cases(scale="unit"),
    ("lstm_forward", "saturating"): lstm_cases(scale="large"),
    ("gru_step_forward", "unit"): gru_step_cases(scale="unit"),
    ("gru_step_forward", "saturating"): gru_step_cases(scale="large"),
    ("gru_forward", "unit"): gru_cases(scale="unit"),
    ("gru_forward", "saturating"): gru_cases(scale="large"),
}
#: How check names describe each regime.
REGIME_TEXT = {**rc.RNN_REGIME_TEXT, "unit": "unit", "saturating": "saturating"}
#: The LSTM's and GRU's backward checks draw from both scales at once.
MIXED = {
    "lstm_step_backward": (lstm_step_cases(), ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")),
    "lstm_backward": (lstm_cases(), ("dx", "dh0", "dWx", "dWh", "db")),
    "gru_step_backward": (gru_step_cases(), ("dx", "dprev_h", "dWx", "dWh", "db")),
    "gru_backward": (gru_cases(), ("dx", "dh0", "dWx", "dWh", "db")),
}
BACKWARD_OUTPUTS = [(f, o) for f, (_, outs) in MIXED.items() for o in outs]
#: The RNN's backward checks, one per gradient and regime (its examples split between the regimes).
RNN_BACKWARD = [(f, o, r) for f, outs in (("rnn_step_backward", ("dx", "dprev_h", "dWx", "dWh", "db")),
                                          ("rnn_backward", ("dx", "dh0", "dWx", "dWh", "db")))
                for r in rc.RNN_REGIMES for o in outs]
#: Examples per check: the latest on which an entry of the mutation suite or the bundled class first
#: fails one of these checks is case 5 of 20 (``python -m autograder.devtools.first_failures
#: recurrent``; 10 is the fewest that draws the same first cases); the RNN's backward checks, split
#: by regime, draw 4 (case 4 needed; they drew 5).
REFERENCE_EXAMPLES = 10
RNN_BACKWARD_EXAMPLES = 4


@check("{function}", points=1, hidden=True)
@pytest.mark.parametrize("function,regime,inputs", [(f, r, REGIME_TEXT[r]) for f, r in REGIMES],
                         ids=[f"{f}-{r}" for f, r in REGIMES])
def test_forward_matches_reference(student, reference, function, regime, inputs):
    """outputs match the reference ({inputs})"""
    for_all(REGIMES[function, regime], lambda case: vr.explained(rc.forward_matches, student, reference, case),
            max_examples=REFERENCE_EXAMPLES, shrink=False)


@check("{function}", points=1, hidden=True)
@pytest.mark.parametrize("function,output", BACKWARD_OUTPUTS, ids=[f"{f}-{o}" for f, o in BACKWARD_OUTPUTS])
def test_backward_matches_reference(student, reference, function, output):
    """{output} matches the reference"""
    for_all(MIXED[function][0],
            lambda case: vr.explained(rc.backward_output_matches, student, reference, case, output),
            max_examples=REFERENCE_EXAMPLES, shrink=False)


@check("{function}", points=0.25, hidden=True)
@pytest.mark.parametrize("function,output,regime,inputs", [(f, o, r, REGIME_TEXT[r]) for f, o, r in RNN_BACKWARD],
                         ids=[f"{f}-{o}-{r}" for f, o, r in RNN_BACKWARD])
def test_rnn_backward_matches_reference(student, reference, function, output, regime, inputs):
    """{output} matches the reference ({inputs})"""
    cases = REGIMES[function.replace("_backward", "_forward"), regime]
    for_all(cases, lambda case: vr.explained(rc.backward_output_matches, student, reference, case, output),
            max_examples=RNN_BACKWARD_EXAMPLES, shrink=False)
