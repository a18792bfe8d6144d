"""What the sequences checks (public and hidden) share: each function's outputs by name, calls that
read as Python to paste in feedback, the Hypothesis calls of every function and SPEC's shapes."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from autograder.checklib import pastable
import strategies_sequences as seq
from examples_sequences import unpack

WINDOWING = ("make_windows", "make_seq2seq_windows")
ARMA = ("naive_forecast", "seasonal_naive_forecast", "difference", "undifference",
        "arma_predict", "arma_forecast", "arima_predict", "fit_ar")
#: Names of each function's outputs, in the order it returns them (one name: a single array).
OUTPUTS = {
    "make_windows": ("X", "Y"), "make_seq2seq_windows": ("X", "Y"),
    "naive_forecast": ("yhat",), "seasonal_naive_forecast": ("yhat",), "difference": ("dy",),
    "undifference": ("y",), "arma_predict": ("yhat", "eps"), "arma_forecast": ("forecast",),
    "arima_predict": ("yhat",), "fit_ar": ("c", "ar"),
}


# ---------------------------------------------------------------- calls that read well in feedback


def copied(value):
    return value.copy() if isinstance(value, np.ndarray) else value


class Call:
    """One call of a student function. Shown in feedback as Python to paste next to your files: the
    arguments' shapes in a comment, every argument in full and exact, and the call itself."""

    def __init__(self, function: str, args: tuple, kwargs: dict | None = None):
        self.function = function
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis' failing-example printer uses this
        printer.text(repr(self))

    def __repr__(self) -> str:
        values = dict(zip(ARG_NAMES[self.function], self.args))
        code = [pastable.call(OUTPUTS[self.function], self.function, values, self.kwargs, taken=values)]
        return pastable.snippet(f"{self.function}: {pastable.shapes(values | self.kwargs)}", values, code,
                                functions=(self.function,), near=__file__)

    def outputs(self, impl) -> dict:
        """The outputs of ``impl``'s function on (copies of) the arguments, by name."""
        value = impl.call(self.function, *map(copied, self.args), **{k: copied(v) for k, v in self.kwargs.items()})
        return _named(self.function, value)

    def on(self, function: str, *args, **kwargs) -> "Call":
        return Call(function, args, kwargs)


def _named(function: str, value) -> dict:
    names = OUTPUTS[function]
    return unpack(function, value, names) if len(names) > 1 else {names[0]: value}


# ---------------------------------------------------------------- generated inputs

#: Valid windowing arguments: 1-D and 2-D, float and integer series, strides 1 to 3.
WINDOW_PARAMS = st.one_of(
    seq.window_params(), seq.window_params(features=2), seq.window_params(integer=True),
    seq.window_params(features=3, integer=True),
)


def _window_calls(function):
    return WINDOW_PARAMS.map(lambda p: Call(function, (p[0], p[1]), {"horizon": p[2], "stride": p[3]}))


def _arma_calls(function):
    """Valid arguments of one arma.py function."""
    if function == "naive_forecast":
        return st.tuples(seq.series(min_len=1), st.integers(1, 12)).map(lambda a: Call(function, a))
    if function == "seasonal_naive_forecast":
        return seq.seasonal_params().map(lambda a: Call(function, a))
    if function == "difference":
        return seq.difference_params().map(lambda a: Call(function, a))
    if function == "undifference":
        return seq.difference_params().map(lambda a: Call(function, (a[0][a[1]:], a[0][:a[1]])))
    if function == "arma_predict":
        return st.tuples(seq.series(), seq.arma_params()).map(
            lambda a: Call(function, (a[0], a[1][0], a[1][1]), {"c": a[1][2]}))
    if function == "arma_forecast":
        return st.tuples(seq.series(), seq.arma_params(), st.integers(1, 8)).map(
            lambda a: Call(function, (a[0], a[1][0], a[1][1], a[2]), {"c": a[1][2]}))
    if function == "arima_predict":
        return st.tuples(seq.difference_params(max_d=2), seq.arma_params()).map(
            lambda a: Call(function, (a[0][0], a[1][0], a[1][1], a[0][1]), {"c": a[1][2]}))
    if function == "fit_ar":
        return seq.ar_series().map(lambda a: Call(function, a))
    raise KeyError(function)


CALLS = {f: _window_calls(f) for f in WINDOWING} | {f: _arma_calls(f) for f in ARMA}
#: Names of the positional arguments (for "modified its argument 'y'").
ARG_NAMES = {
    "make_windows": ("series", "window"), "make_seq2seq_windows": ("series", "window"),
    "naive_forecast": ("y", "horizon"), "seasonal_naive_forecast": ("y", "season", "horizon"),
    "difference": ("y", "d"), "undifference": ("dy", "initial"), "arma_predict": ("y", "ar", "ma"),
    "arma_forecast": ("y", "ar", "ma", "steps"), "arima_predict": ("y", "ar", "ma", "d"), "fit_ar": ("y", "p"),
}


def spec_shapes(call: Call) -> dict:
    """SPEC's shape of every output of ``call`` (None for a Python float)."""
    f, a, k = call.function, call.args, call.kwargs
    if f in WINDOWING:
        series, window = a
        T, F = series.shape[0], series.shape[1:]
        N = (T - window - k["horizon"]) // k["stride"] + 1
        Y = (N, k["horizon"]) if f == "make_windows" else (N, window, k["horizon"])
        return {"X": (N, window) + F, "Y": Y + F}
    T = a[0].shape[0]
    return {
        "naive_forecast": lambda: {"yhat": (a[1],)},
        "seasonal_naive_forecast": lambda: {"yhat": (a[2],)},
        "difference": lambda: {"dy": (T - a[1],)},
        "undifference": lambda: {"y": (T + a[1].shape[0],)},
        "arma_predict": lambda: {"yhat": (T,), "eps": (T,)},
        "arma_forecast": lambda: {"forecast": (a[3],)},
        "arima_predict": lambda: {"yhat": (T - a[3],)},
        "fit_ar": lambda: {"c": None, "ar": (a[1],)},
    }[f]()
