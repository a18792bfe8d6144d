"""Public checks of the forecasting assignment (layers.py, optim.py, forecast.py).

You have these checks: run them with ``python -m autograder check`` or ``pytest``. They compare your
functions with worked examples (expected values in expected.npz, inputs in examples_forecasting.py),
check every gradient of your backward passes against numerical gradients of your own forward passes,
check properties (SPEC's shapes and float64, no modified inputs or dicts, repeatable backward, SPEC's
errors) and train your forecaster on the sunspots series (outcomes: the loss falls, the same seed gives
the same model, the model beats the naive forecast on the held-out years). A property earns credit
only once the function's worked examples are right. The grader also has hidden checks comparing your
functions with the reference on many more inputs, and training runs with other sizes and seeds.
"""

import numpy as np
import pytest

from autograder.checklib.compare import CheckFailure
from autograder.checklib.errors import StudentException
from autograder.checklib.examples import assert_example, require_examples
from autograder.checklib.registry import check
from autograder.checklib.settings import for_all
import checks_forecasting as fc
import strategies_forecasting as sf
from examples_forecasting import CASES, EXAMPLES, examples_for, worked_cases

CELLS = sf.CELLS

# ---------------------------------------------------------------- inputs of the Hypothesis checks

#: Hypothesis cases per forward function (and per cell): small sizes, N = 1, T = 1, H = 1, any number
#: of leading axes, rows of tiny variance, several eps, every cell.
CASES_OF = {
    "affine_forward": sf.affine_cases(),
    "layer_norm_forward": sf.layer_norm_cases(),
    "ln_rnn_forward": sf.ln_rnn_cases(),
    "forecaster_forward": sf.forecaster_cases(),
    "seq2seq_forward": sf.forecaster_cases(seq2seq=True),
    **{("forecaster_forward", c): sf.forecaster_cases(cells=(c,)) for c in CELLS},
    **{("seq2seq_forward", c): sf.forecaster_cases(cells=(c,), seq2seq=True) for c in CELLS},
}
#: Hypothesis calls of the functions without a backward pass.
CALLS_OF = {
    "mse_loss": sf.mse_calls(), "clip_grad_norm": sf.clip_calls(), "sgd_step": sf.sgd_calls(),
    "adam_init": sf.adam_init_calls(), "adam_step": sf.adam_step_calls(), "standardize": sf.standardize_calls(),
    "unstandardize": sf.unstandardize_calls(), "forecast_recursive": sf.forecast_recursive_calls(),
    "init_forecaster": sf.init_calls(),
}
LAYERS = ["affine_forward", "layer_norm_forward", "ln_rnn_forward"]
MODELS = ["forecaster_forward", "seq2seq_forward"]
FORWARDS = LAYERS + MODELS
BACKWARDS = [f.replace("_forward", "_backward") for f in FORWARDS]

#: The generic worked case of each forward (per cell): the gate of its gradient checks.
GATE_CASE = {
    "affine_forward": CASES["affine_sequences"], "layer_norm_forward": CASES["layer_norm_rows"],
    "ln_rnn_forward": CASES["ln_rnn_generic"],
    **{(f, c): CASES[f"{f.split('_')[0]}_{c}"] for f in MODELS for c in CELLS},
}
LAYER_GRADIENTS = [(f.replace("_forward", "_backward"), g) for f in LAYERS for g in GATE_CASE[f].grad_names]
MODEL_GRADIENTS = [(f.replace("_forward", "_backward"), c, k) for f in MODELS for c in CELLS for k in sf.PARAM_NAMES]


def _forward_of(function: str) -> str:
    return function.replace("_backward", "_forward")


def _part(function: str) -> str:
    return "backward" if function in BACKWARDS else "forward"


# ---------------------------------------------------------------- worked examples


@check("{example.function}", points=1)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.__name__)
def test_worked_example(student, expected, example):
    """worked example {example.__name__}"""
    try:
        assert_example(student, expected, example)
    except CheckFailure as exc:
        doc = " ".join(example.__doc__.split()).rstrip(".")
        raise CheckFailure(f"{exc.args[0]}\n  (worked example {example.__name__}: {doc}; "
                           "see examples_forecasting.py)") from None


# ---------------------------------------------------------------- gradients against your own forward


@check("{function}", points=0.5)
@pytest.mark.parametrize("function,grad", LAYER_GRADIENTS, ids=[f"{f}-{g}" for f, g in LAYER_GRADIENTS])
def test_gradient_matches_numerical(student, function, grad):
    """{grad} agrees with the numerical gradient of your forward"""
    forward = _forward_of(function)
    fc.depends_on_every_input(student, GATE_CASE[forward])
    for_all(CASES_OF[forward], lambda case: fc.gradient_consistent(student, case, grad), max_examples=8,
            first=worked_cases(forward))


@check("{function}", points=0.25)
@pytest.mark.parametrize("function,cell,key", MODEL_GRADIENTS, ids=[f"{f}-{c}-{k}" for f, c, k in MODEL_GRADIENTS])
def test_model_gradient_matches_numerical(student, function, cell, key):
    """grads['{key}'] agrees with the numerical gradient of your forward ({cell})"""
    forward = _forward_of(function)
    fc.depends_on_every_input(student, GATE_CASE[forward, cell])
    for_all(CASES_OF[forward, cell], lambda case: fc.gradient_consistent(student, case, key), max_examples=4,
            first=worked_cases(forward, cell))


@check("mse_loss", points=0.5)
def test_mse_gradient_matches_numerical(student):
    """dpred agrees with the numerical gradient of your loss"""
    fc.mse_depends_on_pred(student, worked_cases("mse_loss")[0])
    for_all(CALLS_OF["mse_loss"], lambda call: fc.mse_gradient_consistent(student, call), max_examples=10,
            first=worked_cases("mse_loss"))


# ---------------------------------------------------------------- properties: shapes, dtypes, arguments


@check("{function}", points=0.25)
@pytest.mark.parametrize("function", FORWARDS + BACKWARDS)
def test_outputs_have_spec_shapes(student, expected, function):
    """returns float64 arrays of SPEC's shapes"""
    require_examples(student, expected, examples_for(function))
    forward = _forward_of(function)
    for_all(CASES_OF[forward], lambda case: fc.outputs_well_formed(student, case, _part(function)), max_examples=10,
            first=worked_cases(forward))


#: What each function without a backward returns (SPEC 9), as the checks' names say it.
RETURNS = {
    "mse_loss": "loss, a Python float, and dpred, float64 of pred's shape",
    "clip_grad_norm": "a dict of float64 arrays of the gradients' shapes and total_norm, a Python float",
    "sgd_step": "a dict of float64 arrays of the parameters' shapes",
    "adam_init": "{'t': an int, 'm', 'v': dicts of float64 arrays of the parameters' shapes}",
    "adam_step": "params and state {'t': an int, 'm', 'v'}, float64 arrays of the parameters' shapes",
    "standardize": "scaled of the series' shape; mean and std Python floats for (T,), shape (F,) for (T, F)",
    "unstandardize": "values, float64 of scaled's shape",
    "forecast_recursive": "yhat, float64 of shape (steps,)",
    "init_forecaster": "Wx (F, G*H), Wh (H, G*H), b (G*H,), W_out (H, M), b_out (M,), float64",
}


@check("{function}", points=0.25)
@pytest.mark.parametrize("function,returns", list(RETURNS.items()), ids=list(RETURNS))
def test_call_outputs_have_spec_shapes(student, expected, function, returns):
    """returns {returns}"""
    require_examples(student, expected, examples_for(function))
    for_all(CALLS_OF[function], lambda call: fc.call_well_formed(student, call), max_examples=10,
            first=worked_cases(function))


@check("{function}", points=0.25)
@pytest.mark.parametrize("function", FORWARDS + BACKWARDS)
def test_arguments_unchanged(student, expected, function):
    """leaves its arguments unchanged"""
    require_examples(student, expected, examples_for(function))
    forward = _forward_of(function)
    for_all(CASES_OF[forward], lambda case: fc.leaves_arguments_unchanged(student, case, _part(function)),
            max_examples=10, first=worked_cases(forward))


#: Functions whose arguments include arrays or dicts (init_forecaster takes only numbers and a name).
MUTABLE = [f for f in CALLS_OF if f != "init_forecaster"]
DICTS = ("clip_grad_norm", "sgd_step", "adam_init", "adam_step", "forecast_recursive")


@check("{function}", points=0.25)
@pytest.mark.parametrize("function,what", [(f, " (dicts and their arrays included)" if f in DICTS else "")
                                           for f in MUTABLE], ids=MUTABLE)
def test_call_arguments_unchanged(student, expected, function, what):
    """leaves its arguments unchanged{what}"""
    require_examples(student, expected, examples_for(function))
    for_all(CALLS_OF[function], lambda call: fc.call_leaves_arguments_unchanged(student, call), max_examples=10,
            first=worked_cases(function))


@check("{function}", points=0.5)
@pytest.mark.parametrize("function", BACKWARDS)
def test_backward_repeatable(student, expected, function):
    """two calls on one cache give the same gradients"""
    require_examples(student, expected, examples_for(function))
    forward = _forward_of(function)
    for_all(CASES_OF[forward], lambda case: fc.backward_repeatable(student, case), max_examples=10,
            first=worked_cases(forward))


# ---------------------------------------------------------------- SPEC's errors


def _raises_value_error(student, function: str, what: str, args: tuple, kwargs: dict | None = None) -> None:
    try:
        student.call(function, *args, **(kwargs or {}))
    except StudentException as exc:
        if exc.type_name == "ValueError":
            return
        raise CheckFailure(f"{function}: {what} should raise ValueError (SPEC 9), but your code raised "
                           f"{exc.type_name}.\n{exc.message}") from None
    raise CheckFailure(f"{function}: {what} should raise ValueError (SPEC 9), but the call returned normally")


_series = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0])
#: (function, what is wrong) -> the invalid calls: (description, args).
ERRORS = {
    ("mse_loss", "pred and target of different shapes"): [
        ("pred (3, 1) with target (3,) (they would broadcast to (3, 3))", (np.ones((3, 1)), np.zeros(3))),
        ("pred (2, 3) with target (3, 2)", (np.ones((2, 3)), np.zeros((3, 2)))),
        ("pred (4,) with target (5,)", (np.ones(4), np.zeros(5)))],
    ("clip_grad_norm", "max_norm <= 0"): [
        ("max_norm=0.0", ({"W": np.ones((2, 2)), "b": np.ones(2)}, 0.0)),
        ("max_norm=-1.0", ({"W": np.ones((2, 2)), "b": np.ones(2)}, -1.0))],
    ("standardize", "n_train < 2"): [("n_train=1", (_series, 1)), ("n_train=0", (_series, 0))],
    ("standardize", "n_train > T"): [("n_train=7 for T = 6", (_series, 7))],
    ("standardize", "a constant training part (std 0)"): [
        ("series[:3] all 2.0", (np.array([2.0, 2.0, 2.0, 5.0, 1.0]), 3)),
        ("a (T, 2) series whose second feature is constant on series[:4]",
         (np.array([[1.0, 7.0], [2.0, 7.0], [4.0, 7.0], [3.0, 7.0], [0.0, 1.0]]), 4))],
}


@check("{function}", points=0.5)
@pytest.mark.parametrize("function,error", list(ERRORS), ids=[f"{f}-{e.split()[0]}{i}" for i, (f, e) in
                                                               enumerate(ERRORS)])
def test_invalid_arguments_raise_value_error(student, expected, function, error):
    """raises ValueError for {error}"""
    require_examples(student, expected, examples_for(function))
    for what, args in ERRORS[function, error]:
        _raises_value_error(student, function, what, args)


# ---------------------------------------------------------------- forecast_recursive and init_forecaster


@check("forecast_recursive", points=0.5)
def test_first_forecast_is_forward(student, expected):
    """yhat[0] equals your forecaster_forward on the history"""
    require_examples(student, expected, examples_for("forecast_recursive", "forecaster_forward"))
    for_all(CALLS_OF["forecast_recursive"], lambda call: fc.first_forecast_is_forward(student, call), max_examples=10,
            first=worked_cases("forecast_recursive"))


@check("forecast_recursive", points=0.5)
def test_forecasts_continue(student, expected):
    """forecasting from history[1:] followed by yhat[0] gives yhat[1:]"""
    require_examples(student, expected, examples_for("forecast_recursive"))
    for_all(CALLS_OF["forecast_recursive"], lambda call: fc.forecasts_continue(student, call), max_examples=10,
            first=worked_cases("forecast_recursive"))


@check("init_forecaster", points=0.5)
def test_init_same_seed(student, expected):
    """the same seed gives the same parameters"""
    require_examples(student, expected, examples_for("init_forecaster"))
    for_all(CALLS_OF["init_forecaster"], lambda call: fc.init_same_seed(student, call), max_examples=10,
            first=worked_cases("init_forecaster"))


@check("init_forecaster", points=0.5)
def test_init_in_range(student, expected):
    """every entry lies in [-1/sqrt(H), 1/sqrt(H)]"""
    require_examples(student, expected, examples_for("init_forecaster"))
    for_all(CALLS_OF["init_forecaster"], lambda call: fc.init_in_range(student, call), max_examples=10,
            first=worked_cases("init_forecaster"))


# ---------------------------------------------------------------- train_forecaster: outcomes on the sunspots
# Training data: the first 80 % of data/sunspots.csv (247 years), standardised with its own mean and
# std, in windows of 12 (X (235, 12, 1), Y (235, 1)); held out: the last 62 years, each forecast from
# the 12 scaled values before it, compared in the original units with the naive forecast (last year).

PUBLIC_RUNS = {cell: fc.Run(cell, 16, 0) for cell in CELLS}


@check("train_forecaster", points=1)
@pytest.mark.parametrize("cell", CELLS)
def test_training_loss_falls(student, cell):
    """the training loss falls to below half its first value, and the fit beats init_forecaster's ({cell}, H=16, seed=0)"""
    fc.training_loss_falls(student, PUBLIC_RUNS[cell])


@check("train_forecaster", points=1)
@pytest.mark.parametrize("cell", CELLS)
def test_beats_naive_forecast(student, cell):
    """beats the naive forecast on the held-out sunspots, with your forecaster_forward ({cell}, H=16, seed=0)"""
    fc.beats_naive(student, student, PUBLIC_RUNS[cell])


@check("train_forecaster", points=1)
def test_same_seed_same_model(student):
    """the same seed gives the same params and losses (rnn, H=16, seed=0, 5 epochs, two calls)"""
    fc.same_seed_same_result(student, fc.Run("rnn", 16, 0, epochs=5), PUBLIC_RUNS["rnn"])


@check("train_forecaster", points=1)
def test_clips_gradients(student):
    """clips the gradients: with max_norm=1e-12 the params stay at init_forecaster's (rnn, H=16, seed=0, 5 epochs)"""
    fc.clipping_bounds_the_steps(student, fc.Run("rnn", 16, 0, epochs=5, max_norm=1e-12), PUBLIC_RUNS["rnn"])


@check("train_forecaster", points=1)
def test_trains_seq2seq(student):
    """with Y (N, 12, 1) it trains seq2seq: the loss falls and the last step beats the naive forecast (gru, H=16, seed=0)"""
    run = fc.Run("gru", 16, 0, seq2seq=True)
    _, losses = fc.trained(student, run)
    fc.loss_falls(run, losses)
    fc.beats_naive(student, student, run)
