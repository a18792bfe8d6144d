"""Public checks of the sequences assignment (windowing.py, arma.py).

You have these checks: run them with ``python -m autograder check`` or ``pytest``. They compare your
functions with worked examples (expected values in expected.npz, inputs in examples_sequences.py)
and check properties on many generated inputs: SPEC's shapes and dtypes, arguments left unchanged,
SPEC's errors, and how your functions fit together (undifference undoes difference, eps = y - yhat,
ARIMA is ARMA on the differences, forecasts continue the one-step recursion, least squares).
A property earns credit only once the function's worked examples are right. The grader also has
hidden checks comparing your functions with the reference on many more inputs.
"""

import numpy as np
import pytest
from hypothesis import strategies as st

from autograder.checklib.compare import CheckFailure, assert_array, assert_close, assert_unchanged, describe_type
from autograder.checklib.errors import StudentException
from autograder.checklib import pastable
from autograder.checklib.examples import assert_example, require_examples
from autograder.checklib.registry import check
from autograder.checklib.settings import for_all
from autograder.checklib.tolerances import LSTSQ_ORTHOGONALITY
import strategies_sequences as seq
from checks_sequences import ARG_NAMES, ARMA, CALLS, WINDOWING, Call, spec_shapes
from examples_sequences import EXAMPLES, examples_for

# ---------------------------------------------------------------- worked examples


@check("{example.function}", points=1)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.__name__)
def test_worked_example(student, expected, example):
    """worked example {example.__name__}"""
    try:
        assert_example(student, expected, example)
    except CheckFailure as exc:
        raise CheckFailure(f"{exc.args[0]}\n  (worked example {example.__name__}: {_summary(example)} "
                           "Its inputs are in examples_sequences.py.)") from None


def _summary(example) -> str:
    return " ".join((example.__doc__ or "").split())


# ---------------------------------------------------------------- every function: shapes, dtypes, no mutation


def _well_formed(student, call: Call) -> None:
    outputs = call.outputs(student)
    for name, shape in spec_shapes(call).items():
        value = outputs[name]
        if shape is None:
            if not isinstance(value, float):
                raise CheckFailure(f"{call.function}: '{name}' should be a Python float, "
                                   f"got {describe_type(value)}")
            continue
        dtype = call.args[0].dtype if call.function in WINDOWING else np.float64
        assert_array(call.function, name, value, shape, dtype)


@check("{function}", points=0.5)
@pytest.mark.parametrize("function", WINDOWING)
def test_windows_have_spec_shapes_and_dtype(student, expected, function):
    """X and Y have SPEC's shapes, N = (T - window - horizon) // stride + 1, and the series' dtype"""
    require_examples(student, expected, examples_for(function))
    for_all(CALLS[function], lambda call: _well_formed(student, call), max_examples=15)


#: What each arma.py function returns (SPEC 4), as the checks' names say it.
RETURNS = {
    "naive_forecast": "yhat, float64 of shape (horizon,)",
    "seasonal_naive_forecast": "yhat, float64 of shape (horizon,)",
    "difference": "dy, float64 of shape (T - d,)",
    "undifference": "y, float64 of shape (len(dy) + len(initial),)",
    "arma_predict": "yhat and eps, float64 of shape (T,)",
    "arma_forecast": "forecast, float64 of shape (steps,)",
    "arima_predict": "yhat, float64 of shape (T - d,)",
    "fit_ar": "c, a Python float, and ar, float64 of shape (p,)",
}


@check("{function}", points=0.5)
@pytest.mark.parametrize("function,returns", list(RETURNS.items()), ids=list(RETURNS))
def test_outputs_have_spec_shapes(student, expected, function, returns):
    """returns {returns}"""
    require_examples(student, expected, examples_for(function))
    for_all(CALLS[function], lambda call: _well_formed(student, call), max_examples=15)


def _unchanged(student, call: Call) -> None:
    _, args_after, kwargs_after = student.watch(call.function, *call.args, **call.kwargs)
    names = ARG_NAMES[call.function]
    before = dict(zip(names, call.args)) | call.kwargs
    after = dict(zip(names, args_after)) | dict(kwargs_after)
    assert_unchanged(call.function, before, after)


@check("{function}", points=0.5)
@pytest.mark.parametrize("function", WINDOWING + ARMA)
def test_arguments_unchanged(student, expected, function):
    """leaves its arguments unchanged"""
    require_examples(student, expected, examples_for(function))
    for_all(CALLS[function], lambda call: _unchanged(student, call), max_examples=15)


# ---------------------------------------------------------------- windowing: SPEC's errors

#: Each invalid call: (what is wrong, arguments, keyword arguments).
NOT_POSITIVE_INTEGERS = (0, -1, 2.5, True)
ERRORS = {
    "window 0, -1, 2.5 or True": [
        (f"window={v!r}", (np.arange(12.0), v), {"horizon": 2, "stride": 1}) for v in NOT_POSITIVE_INTEGERS],
    "horizon 0, -1, 2.5 or True": [
        (f"horizon={v!r}", (np.arange(12.0), 3), {"horizon": v, "stride": 1}) for v in NOT_POSITIVE_INTEGERS],
    "stride 0, -1, 2.5 or True": [
        (f"stride={v!r}", (np.arange(12.0), 3), {"horizon": 2, "stride": v}) for v in NOT_POSITIVE_INTEGERS],
    "a 3-D series": [
        ("a series of shape (8, 2, 2)", (np.zeros((8, 2, 2)), 2), {"horizon": 1, "stride": 1})],
    "T < window + horizon": [
        ("T = 4 with window 3 and horizon 2", (np.arange(4.0), 3), {"horizon": 2, "stride": 1}),
        ("T = 0 with window 1 and horizon 1", (np.zeros(0), 1), {"horizon": 1, "stride": 1})],
}
ERROR_IDS = dict(zip(ERRORS, ("window", "horizon", "stride", "3d-series", "too-short")))
ERROR_CASES = [(f, e) for f in WINDOWING for e in ERRORS]


@check("{function}", points=0.5)
@pytest.mark.parametrize("function,error", ERROR_CASES, ids=[f"{f}-{ERROR_IDS[e]}" for f, e in ERROR_CASES])
def test_invalid_arguments_raise_value_error(student, expected, function, error):
    """raises ValueError for {error}"""
    require_examples(student, expected, examples_for(function))
    for what, args, kwargs in ERRORS[error]:
        call = Call(function, args, kwargs)
        try:
            call.outputs(student)
        except StudentException as exc:
            if exc.type_name == "ValueError":
                continue
            raise CheckFailure(f"{function}: {what} should raise ValueError (SPEC 3), but your code raised "
                               f"{exc.type_name}.\n{exc.message}\nThe call (paste it into Python to reproduce it):\n"
                               f"{call!r}") from None
        raise CheckFailure(f"{function}: {what} should raise ValueError (SPEC 3), but the call returned "
                           f"normally.\nThe call (paste it into Python to reproduce it):\n{call!r}")


# ---------------------------------------------------------------- arma.py: how the functions fit together


def _explained(check_body, explanation: str):
    """Run ``check_body``; a CheckFailure gets ``explanation`` (what was compared) added."""
    try:
        check_body()
    except CheckFailure as exc:
        raise CheckFailure(f"{exc.args[0]}\n  ({explanation})") from None


@check("undifference", points=0.5)
def test_undifference_inverts_difference(student, expected):
    """undifference(np.diff(y, n=d), y[:d]) gives y back"""
    require_examples(student, expected, examples_for("undifference"))

    def body(case):
        y, d = case.args
        dy = np.diff(np.asarray(y, dtype=np.float64), n=d)  # numpy's, so only undifference is judged
        rebuilt = Call("undifference", (dy, y[:d].copy())).outputs(student)["y"]
        _explained(lambda: assert_close("undifference", "y", rebuilt, y),
                   "expected: the y that np.diff(y, n=d) started from")

    for_all(seq.difference_params().map(lambda a: _Differenced("undifference", a)), body)


class _Differenced(Call):
    """(y, d) of the undifference check, shown in feedback as the check's own call."""

    def __repr__(self) -> str:
        y, d = self.args
        return pastable.snippet(f"undifference: y {y.shape}, d={d!r}", {"y": y, "d": d},
                                ["y_back = undifference(np.diff(y, n=d), y[:d])  # should equal y"],
                                functions=("undifference",), near=__file__)


@check("arma_predict", points=0.5)
def test_eps_is_y_minus_yhat(student, expected):
    """eps equals y - yhat"""
    require_examples(student, expected, examples_for("arma_predict"))

    def body(call):
        out = call.outputs(student)
        y = call.args[0]
        assert_array("arma_predict", "yhat", out["yhat"], y.shape)
        _explained(lambda: assert_close("arma_predict", "eps", out["eps"], y - out["yhat"]),
                   "expected: y minus your yhat")

    for_all(CALLS["arma_predict"], body, max_examples=15)


@check("arima_predict", points=0.5)
def test_arima_is_arma_of_the_differences(student, expected):
    """equals y[d:] minus the residuals of your arma_predict on your difference(y, d)"""
    require_examples(student, expected, examples_for("arima_predict", "difference", "arma_predict"))

    def body(call):
        y, ar, ma, d = call.args
        yhat = call.outputs(student)["yhat"]
        dy = call.on("difference", y, d).outputs(student)["dy"]
        eps = call.on("arma_predict", dy, ar, ma, call.kwargs["c"]).outputs(student)["eps"]
        assert_array("arma_predict", "eps", eps, (y.shape[0] - d,))
        _explained(lambda: assert_close("arima_predict", "yhat", yhat, y[d:] - eps),
                   "expected: y[d:] - eps, eps from your arma_predict(difference(y, d), ar, ma, c)")

    for_all(CALLS["arima_predict"], body, max_examples=15)


def _lagged(values: np.ndarray, t: int, count: int) -> np.ndarray:
    """values[t-1], ..., values[t-count], with 0 before the start."""
    return np.array([values[t - i] if t - i >= 0 else 0.0 for i in range(1, count + 1)])


@check("arma_forecast", points=0.5)
def test_first_forecast_is_one_step_prediction(student, expected):
    """forecast[0] = c + sum ar[i-1] y[T-i] + sum ma[j-1] eps[T-j], eps from your arma_predict"""
    require_examples(student, expected, examples_for("arma_forecast", "arma_predict"))

    def body(call):
        y, ar, ma, steps = call.args
        c = call.kwargs["c"]
        forecast = call.outputs(student)["forecast"]
        assert_array("arma_forecast", "forecast", forecast, (steps,))
        eps = call.on("arma_predict", y, ar, ma, c).outputs(student)["eps"]
        assert_array("arma_predict", "eps", eps, y.shape)
        T = y.shape[0]
        want = c + ar @ _lagged(y, T, ar.shape[0]) + ma @ _lagged(eps, T, ma.shape[0])
        _explained(lambda: assert_close("arma_forecast", "forecast[0]", float(forecast[0]), float(want)),
                   "expected: the one-step recursion at t = T, with the residuals of your arma_predict")

    for_all(CALLS["arma_forecast"], body, max_examples=15)


@check("arma_forecast", points=0.5)
def test_forecasts_continue_from_the_first(student, expected):
    """forecasting from y followed by forecast[0] gives forecast[1:]"""
    require_examples(student, expected, examples_for("arma_forecast"))

    def body(call):
        y, ar, ma, steps = call.args
        forecast = call.outputs(student)["forecast"]
        assert_array("arma_forecast", "forecast", forecast, (steps,))
        if steps < 2:
            return
        longer = np.concatenate((y, forecast[:1]))
        rest = call.on("arma_forecast", longer, ar, ma, steps - 1, c=call.kwargs["c"]).outputs(student)["forecast"]
        _explained(lambda: assert_close("arma_forecast", "forecast[1:]", forecast[1:], rest,
                                        what="forecast from y + [forecast[0]]"),
                   "a forecast stands in for the unknown y and its future residual is 0, so appending "
                   "forecast[0] to y must not change the later forecasts")

    for_all(st.tuples(seq.series(), seq.arma_params(), st.integers(2, 6)).map(
        lambda a: Call("arma_forecast", (a[0], a[1][0], a[1][1], a[2]), {"c": a[1][2]})), body, max_examples=15)


@check("fit_ar", points=0.5)
def test_fit_ar_solves_least_squares(student, expected):
    """residuals are orthogonal to 1, y[t-1], ..., y[t-p] (the least-squares normal equations)"""
    require_examples(student, expected, examples_for("fit_ar"))

    def body(call):
        y, p = call.args
        out = call.outputs(student)
        c, ar = out["c"], out["ar"]
        if not isinstance(c, float):
            raise CheckFailure(f"fit_ar: 'c' should be a Python float, got {describe_type(c)}")
        assert_array("fit_ar", "ar", ar, (p,))
        T = y.shape[0]
        X = np.column_stack([np.ones(T - p)] + [y[p - i:T - i] for i in range(1, p + 1)])
        residual = y[p:] - X @ np.concatenate(([c], ar))
        scale = np.abs(X).sum(axis=0) * np.abs(y[p:]).max()
        assert_close("fit_ar", "X^T (y - X [c, ar]) / scale", X.T @ residual / scale, np.zeros(p + 1),
                     rtol=0.0, atol=LSTSQ_ORTHOGONALITY, what="zero")

    for_all(CALLS["fit_ar"], body, max_examples=10)


@check("fit_ar", points=0.5)
def test_fit_ar_repeatable(student, expected):
    """two calls on one series give the same fit"""
    require_examples(student, expected, examples_for("fit_ar"))

    def body(call):
        first, second = call.outputs(student), call.outputs(student)
        _explained(lambda: assert_close("fit_ar", "c", second["c"], first["c"], rtol=0.0, atol=0.0,
                                        what="your first call's"),
                   "the second call's c should equal the first's")
        _explained(lambda: assert_close("fit_ar", "ar", second["ar"], first["ar"], rtol=0.0, atol=0.0,
                                        what="your first call's"),
                   "the second call's ar should equal the first's")

    for_all(CALLS["fit_ar"], body, max_examples=5)
