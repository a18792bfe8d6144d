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

#: (forward function, regime) -> Hypothesis cases.
REGIMES = {
    ("rnn_step_forward", "tanh"): rnn_step_cases(activations=("tanh",), max_alpha=0.0, scale="unit"),
    ("rnn_step_forward", "relu"): rnn_step_cases(activations=("relu",), max_alpha=0.0),
    ("rnn_step_forward", "leaky"): rnn_step_cases(min_alpha=0.1),
    ("rnn_step_forward", "saturating"): rnn_step_cases(activations=("tanh",), scale="large"),
    ("rnn_forward", "tanh"): rnn_cases(activations=("tanh",), max_alpha=0.0, scale="unit"),
    ("rnn_forward", "relu"): rnn_cases(activations=("relu",), max_alpha=0.0),
    ("rnn_forward", "leaky"): rnn_cases(min_alpha=0.1),
    ("rnn_forward", "saturating"): rnn_cases(activations=("tanh",), scale="large"),
    ("lstm_step_forward", "unit"): lstm_step_cases(scale="unit"),
    ("lstm_step_forward", "saturating"): lstm_step_cases(scale="large"),
    ("lstm_forward", "unit"): lstm_cases(scale="unit"),
    ("lstm_forward", "saturating"): lstm_cases(scale="large"),
    ("gru_step_forward", "unit"): gru_step_cases(scale="unit"),
    ("gru_step_forward", "saturating"): gru_step_cases(scale="large"),
    ("gru_forward", "unit"): gru_cases(scale="unit"),
    ("gru_forward", "saturating"): gru_cases(scale="large"),
}
#: Backward checks draw from every regime at once.
MIXED = {
    "rnn_step_backward": (rnn_step_cases(), ("dx", "dprev_h", "dWx", "dWh", "db")),
    "rnn_backward": (rnn_cases(), ("dx", "dh0", "dWx", "dWh", "db")),
    "lstm_step_backward": (lstm_step_cases(), ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")),
    "lstm_backward": (lstm_cases(), ("dx", "dh0", "dWx", "dWh", "db")),
    "gru_step_backward": (gru_step_cases(), ("dx", "dprev_h", "dWx", "dWh", "db")),
    "gru_backward": (gru_cases(), ("dx", "dh0", "dWx", "dWh", "db")),
}
BACKWARD_OUTPUTS = [(f, o) for f, (_, outs) in MIXED.items() for o in outs]


@check("{function}", points=1, hidden=True)
@pytest.mark.parametrize("function,regime", list(REGIMES), ids=[f"{f}-{r}" for f, r in REGIMES])
def test_forward_matches_reference(student, reference, function, regime):
    """outputs match the reference ({regime})"""
    for_all(REGIMES[function, regime], lambda case: vr.explained(rc.forward_matches, student, reference, case), shrink=False)


@check("{function}", points=1, hidden=True)
@pytest.mark.parametrize("function,output", BACKWARD_OUTPUTS, ids=[f"{f}-{o}" for f, o in BACKWARD_OUTPUTS])
def test_backward_matches_reference(student, reference, function, output):
    """{output} matches the reference"""
    for_all(MIXED[function][0], lambda case: vr.explained(rc.backward_output_matches, student, reference, case, output),
            shrink=False)
