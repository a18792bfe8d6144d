"""Hidden checks of the sequences assignment: every output of every function against the reference
solutions on Hypothesis-generated inputs, one check per regime (1-D / 2-D / integer series and
strides; AR only / MA only / ARMA / no coefficients; differencing orders; AR orders), so that a bug
that shows only in one regime costs only that regime's points.

Tolerances are the kit's VALUE_RTOL / VALUE_ATOL. For fit_ar they also cover every correct solver:
on the ``ar_series`` inputs cond(X) <= 220, and least squares via lstsq, pinv or the normal
equations (np.linalg.solve(X.T @ X, X.T @ y)) agree to <= 3e-13 absolute, 5e-12 relative
(measured over 3000 draws: at most 1e-5 of the allowed error).
"""

import numpy as np
import pytest
from hypothesis import strategies as st

from autograder.checklib.compare import CheckFailure, assert_close, describe_type
from autograder.checklib.registry import check
from autograder.checklib.settings import for_all
import strategies_sequences as seq
from checks_sequences import OUTPUTS, copied
import variants_sequences as vs


def _outputs(function: str, value) -> dict:
    names = OUTPUTS[function]
    if len(names) == 1:
        return {names[0]: value}
    if isinstance(value, (tuple, list)) and len(value) == len(names):
        return dict(zip(names, value))
    got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) \
        else describe_type(value)
    raise CheckFailure(f"{function}: should return a tuple ({', '.join(names)}), got {got}")


def matches_reference(student, reference, function: str, args: tuple, kwargs: dict) -> None:
    """Every output of ``function`` equals the reference's (integer windows compared by value)."""
    want = _outputs(function, reference.call(function, *(copied(a) for a in args), **kwargs))
    got = _outputs(function, student.call(function, *(copied(a) for a in args), **kwargs))
    for name, value in want.items():
        dtype = None if isinstance(value, np.ndarray) and value.dtype.kind in "iu" else np.float64
        assert_close(function, name, got[name], value, dtype=dtype)




# ---------------------------------------------------------------- regimes: (function, regime) -> (args, kwargs)


def _windows():
    return lambda p: ((p[0], p[1]), {"horizon": p[2], "stride": p[3]})


def _windowing(function):
    multivariate = st.integers(1, 3).flatmap(lambda F: seq.window_params(features=F))
    integer = st.sampled_from([None, 2]).flatmap(lambda F: seq.window_params(features=F, integer=True))
    strided = st.sampled_from([None, 2]).flatmap(
        lambda F: seq.window_params(max_len=40, min_stride=2, max_stride=6, features=F))
    return {
        (function, "univariate"): seq.window_params(max_stride=1).map(_windows()),
        (function, "multivariate"): multivariate.map(_windows()),
        (function, "integer series"): integer.map(_windows()),
        (function, "stride > 1"): strided.map(_windows()),
    }


def _predict(**bounds):
    return st.tuples(seq.series(), seq.arma_params(**bounds)).map(
        lambda a: ((a[0], a[1][0], a[1][1]), {"c": a[1][2]}))


def _forecast(**bounds):
    return st.tuples(seq.series(), seq.arma_params(**bounds), st.integers(1, 8)).map(
        lambda a: ((a[0], a[1][0], a[1][1], a[2]), {"c": a[1][2]}))


def _arima(d):
    return st.tuples(seq.series(min_len=d), seq.arma_params()).map(
        lambda a: ((a[0], a[1][0], a[1][1], d), {"c": a[1][2]}))


def _orders(low, high):
    """(y, d) with low <= d <= high and d <= T."""
    return st.integers(low, high).flatmap(lambda d: seq.series(min_len=d).map(lambda y: (y, d)))


REGIMES = {
    **_windowing("make_windows"),
    **_windowing("make_seq2seq_windows"),
    ("naive_forecast", "horizon 1 to 12"): st.tuples(seq.series(), st.integers(1, 12)).map(lambda a: (a, {})),
    ("seasonal_naive_forecast", "horizon within one season"): seq.seasonal_params().map(
        lambda a: ((a[0], a[1], 1 + (a[2] - 1) % a[1]), {})),
    ("seasonal_naive_forecast", "horizon beyond one season"): seq.seasonal_params().map(
        lambda a: ((a[0], a[1], a[1] + a[2]), {})),
    ("difference", "d = 1"): _orders(1, 1).map(lambda a: (a, {})),
    ("difference", "d = 2, 3"): _orders(2, 3).map(lambda a: (a, {})),
    ("undifference", "d = 1"): _orders(1, 1).map(lambda a: ((a[0][a[1]:], a[0][:a[1]]), {})),
    ("undifference", "d = 2, 3"): _orders(2, 3).map(lambda a: ((a[0][a[1]:], a[0][:a[1]]), {})),
    ("arma_predict", "AR only"): _predict(min_p=1, max_q=0),
    ("arma_predict", "MA only"): _predict(max_p=0, min_q=1),
    ("arma_predict", "ARMA"): _predict(min_p=1, min_q=1),
    ("arma_predict", "no coefficients"): _predict(max_p=0, max_q=0),
    ("arma_forecast", "AR only"): _forecast(min_p=1, max_q=0),
    ("arma_forecast", "with an MA part"): _forecast(min_q=1),
    ("arima_predict", "d = 1"): _arima(1),
    ("arima_predict", "d = 2"): _arima(2),
    ("fit_ar", "p = 1"): seq.ar_series(min_p=1, max_p=1).map(lambda a: (a, {})),
    ("fit_ar", "p = 2"): seq.ar_series(min_p=2, max_p=2).map(lambda a: (a, {})),
    ("fit_ar", "p = 3"): seq.ar_series(min_p=3, max_p=3).map(lambda a: (a, {})),
}


@check("{function}", points=1, hidden=True)
@pytest.mark.parametrize("function,regime", list(REGIMES), ids=[f"{f}-{r}" for f, r in REGIMES])
def test_matches_reference(student, reference, function, regime):
    """outputs match the reference ({regime})"""
    for_all(REGIMES[function, regime],
                     lambda case: vs.explained(matches_reference, student, reference, function, *case), max_examples=15, shrink=False)
