"""Worked examples of the recurrent assignment: fixed inputs, expected outputs in expected.npz.

Each example is small enough to print and to redo by hand with the handout's equations.
"""

import numpy as np

from autograder.checklib.examples import worked_example
from checks_recurrent import backward, forward
from strategies_recurrent import GATES, RecurrentCase


def make_case(model, step, *, N=2, T=3, D=3, H=2, seed=0, activation="tanh", alpha=0.0, scale=0.5):
    """A fixed, reproducible case (seeded) for ``model`` ("rnn", "lstm", "gru")."""
    rng = np.random.default_rng(seed)
    G = GATES[model]
    x = rng.uniform(-1, 1, (N, D) if step else (N, T, D))
    return RecurrentCase(
        model=model, step=step, x=x, h0=rng.uniform(-1, 1, (N, H)),
        Wx=scale * rng.uniform(-1, 1, (D, G * H)), Wh=scale * rng.uniform(-1, 1, (H, G * H)),
        b=scale * rng.uniform(-1, 1, G * H), dh=rng.uniform(-1, 1, (N, H) if step else (N, T, H)),
        prev_c=rng.uniform(-1, 1, (N, H)) if (step and model == "lstm") else None,
        dc=rng.uniform(-1, 1, (N, H)) if (step and model == "lstm") else None,
        activation=activation if model == "rnn" else None, alpha=alpha if model == "rnn" else 0.0,
    )


CASES = {
    "rnn_step_tanh": make_case("rnn", True, seed=1),
    "rnn_step_relu_leaky": make_case("rnn", True, seed=2, activation="relu", alpha=0.3, scale=1.0),
    "rnn_step_tanh_leaky": make_case("rnn", True, seed=9, alpha=0.4),
    "rnn_tanh": make_case("rnn", False, seed=3),
    "rnn_tanh_leaky": make_case("rnn", False, seed=10, alpha=0.6),
    # seed 5: 5 of its 12 pre-activations are negative (seed 4 had none, so relu was never cut off)
    "rnn_relu_leaky": make_case("rnn", False, seed=5, activation="relu", alpha=0.5, scale=1.0),
    "lstm_step": make_case("lstm", True, seed=5),
    "lstm": make_case("lstm", False, seed=6),
    "gru_step": make_case("gru", True, seed=7),
    "gru": make_case("gru", False, seed=8),
}


def _forward_example(case_name):
    case = CASES[case_name]

    @worked_example(case.forward_name)
    def example(impl):
        return forward(impl, case)[0]

    example.__name__ = f"{case_name}_forward"
    example.case = case
    return example


def _backward_example(case_name):
    case = CASES[case_name]

    @worked_example(case.backward_name)
    def example(impl):
        _, cache = forward(impl, case)
        return backward(impl, case, cache)

    example.__name__ = f"{case_name}_backward"
    example.case = case
    return example


EXAMPLES = [make(name) for name in CASES for make in (_forward_example, _backward_example)]
for _example in EXAMPLES:
    globals()[_example.__name__] = _example


def examples_for(function):
    """The worked examples of one student function."""
    return [e for e in EXAMPLES if e.function == function]
