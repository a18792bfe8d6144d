"""Worked examples of the sequences assignment: fixed inputs, expected outputs in expected.npz.

Each example is small enough to print and to redo by hand with the handout's definitions (SPEC
sections 3 and 4). Inputs are built inside each example, so nothing your code does to its
arguments can change a later example.

Windowing outputs of an integer series are compared as float64 values here; that they keep the
series' integer dtype is checked by its own property check (test_sequences.py).
"""

import numpy as np

from autograder.checklib.compare import CheckFailure, describe_type
from autograder.checklib.examples import worked_example


def collatz_like(y0=7, T=8):
    """The lecture's sequence: ``y[n] = y[n-1] / 2`` if n is even, ``3 * y[n-1] + 1`` if n is odd.

    From y[0] = 7 the first 8 values are integers: 7, 22, 11, 34, 17, 52, 26, 79 (int64).
    """
    y = [y0]
    for n in range(1, T):
        if n % 2 == 0:
            if y[-1] % 2:
                raise ValueError(f"collatz_like: y[{n - 1}] = {y[-1]} is odd, y[{n}] would not be an integer")
            y.append(y[-1] // 2)
        else:
            y.append(3 * y[-1] + 1)
    return np.array(y, dtype=np.int64)


def two_features(T):
    """A (T, 2) float64 series whose rows are [t, 10 + t / 2]: each value says where it came from."""
    t = np.arange(T, dtype=np.float64)
    return np.column_stack([t, 10.0 + t / 2.0])


def _float_values(value):
    """Integer arrays as float64 (the values are compared here, the dtype by its own check)."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return value.astype(np.float64)
    return value


def unpack(function, value, names):
    """The parts of a returned tuple, by name; CheckFailure when it is not a tuple of that length."""
    if isinstance(value, (tuple, list)) and len(value) == len(names):
        return dict(zip(names, value))
    got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) \
        else describe_type(value)
    raise CheckFailure(f"{function}: should return a tuple ({', '.join(names)}), got {got}")


def _pair(function, value, names):
    return {name: _float_values(part) for name, part in unpack(function, value, names).items()}


def _windows(impl, function, series, window, **kwargs):
    return _pair(function, impl.call(function, series, window, **kwargs), ("X", "Y"))


# ---------------------------------------------------------------- windowing.py: make_windows


@worked_example("make_windows")
def make_windows_lecture(impl):
    """The lecture's sequence [7, 22, 11, 34, 17, 52, 26, 79] (int64), windows of 3, next value:
    X (5, 3), Y (5, 1)."""
    return _windows(impl, "make_windows", collatz_like(), 3)


@worked_example("make_windows")
def make_windows_next_3(impl):
    """The lecture's sequence [7, 22, 11, 34, 17, 52, 26, 79], windows of 3, the next 3 values:
    N = (8 - 3 - 3) // 1 + 1 = 3."""
    return _windows(impl, "make_windows", collatz_like(), 3, horizon=3)


@worked_example("make_windows")
def make_windows_stride(impl):
    """T = 10, window 3, horizon 2, stride 3: starts 0 and 3 (start 6 would need index 10), N = 2."""
    series = np.array([2.0, 3.5, -1.0, 4.0, 0.5, 6.0, -2.5, 1.0, 3.0, 7.5])
    return _windows(impl, "make_windows", series, 3, horizon=2, stride=3)


@worked_example("make_windows")
def make_windows_multivariate(impl):
    """The (7, 2) series with rows [t, 10 + t / 2], window 2, horizon 2, stride 2:
    X (2, 2, 2), Y (2, 2, 2)."""
    return _windows(impl, "make_windows", two_features(7), 2, horizon=2, stride=2)


# ---------------------------------------------------------------- windowing.py: make_seq2seq_windows


@worked_example("make_seq2seq_windows")
def make_seq2seq_windows_lecture_n1(impl):
    """The lecture's table, n = 1, on the series 0..6 (int64), window 3: input [0, 1, 2] has
    targets [[1], [2], [3]]."""
    return _windows(impl, "make_seq2seq_windows", np.arange(7), 3, horizon=1)


@worked_example("make_seq2seq_windows")
def make_seq2seq_windows_lecture_n2(impl):
    """The lecture's table, n = 2, on the series 0..6, window 3: input [0, 1, 2] has targets
    [[1, 2], [2, 3], [3, 4]]."""
    return _windows(impl, "make_seq2seq_windows", np.arange(7), 3, horizon=2)


@worked_example("make_seq2seq_windows")
def make_seq2seq_windows_lecture_n3(impl):
    """The lecture's table, n = 3, on the series 0..6, window 3: input [0, 1, 2] has targets
    [[1, 2, 3], [2, 3, 4], [3, 4, 5]]."""
    return _windows(impl, "make_seq2seq_windows", np.arange(7), 3, horizon=3)


@worked_example("make_seq2seq_windows")
def make_seq2seq_windows_stride(impl):
    """The lecture's sequence [7, 22, 11, 34, 17, 52, 26, 79], window 2, horizon 2, stride 3:
    starts 0 and 3, Y (2, 2, 2)."""
    return _windows(impl, "make_seq2seq_windows", collatz_like(), 2, horizon=2, stride=3)


@worked_example("make_seq2seq_windows")
def make_seq2seq_windows_multivariate(impl):
    """The (6, 2) series with rows [t, 10 + t / 2], window 2, horizon 2: X (3, 2, 2), Y (3, 2, 2, 2)."""
    return _windows(impl, "make_seq2seq_windows", two_features(6), 2, horizon=2)


# ---------------------------------------------------------------- arma.py: naive baselines


@worked_example("naive_forecast")
def naive_forecast_horizon_3(impl):
    """y = [3, 1, 4, 1, 5], horizon 3: [5, 5, 5]."""
    return {"yhat": impl.call("naive_forecast", np.array([3.0, 1.0, 4.0, 1.0, 5.0]), 3)}


@worked_example("naive_forecast")
def naive_forecast_default_horizon(impl):
    """y = [2.5, -1, 0.75], default horizon: [0.75], shape (1,)."""
    return {"yhat": impl.call("naive_forecast", np.array([2.5, -1.0, 0.75]))}


@worked_example("seasonal_naive_forecast")
def seasonal_naive_within_season(impl):
    """T = 8, season 4, horizon 3: y[4], y[5], y[6]."""
    y = np.array([10.0, 20.0, 30.0, 40.0, 11.0, 21.0, 31.0, 41.0])
    return {"yhat": impl.call("seasonal_naive_forecast", y, 4, 3)}


@worked_example("seasonal_naive_forecast")
def seasonal_naive_beyond_season(impl):
    """T = 10, season 7, horizon 9 > season: y[3..9], then y[3], y[4] again."""
    y = np.array([0.0, 1.0, 2.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0])
    return {"yhat": impl.call("seasonal_naive_forecast", y, 7, 9)}


# ---------------------------------------------------------------- arma.py: differencing


@worked_example("difference")
def difference_d0(impl):
    """y = [1, 4, 9, 16], d = 0: a float64 copy of y."""
    return {"dy": impl.call("difference", np.array([1.0, 4.0, 9.0, 16.0]), 0)}


@worked_example("difference")
def difference_d1(impl):
    """y = [1, 4, 9, 16, 1.5], d = 1 (the default): [3, 5, 7, -14.5]."""
    return {"dy": impl.call("difference", np.array([1.0, 4.0, 9.0, 16.0, 1.5]))}


@worked_example("difference")
def difference_d2(impl):
    """y = [0, 1, 4, 9, 16, 1.5], d = 2: [2, 2, 2, -21.5]."""
    return {"dy": impl.call("difference", np.array([0.0, 1.0, 4.0, 9.0, 16.0, 1.5]), 2)}


@worked_example("undifference")
def undifference_d0(impl):
    """dy = [3, -1, 2] and no initial values (d = 0): dy itself, as float64."""
    return {"y": impl.call("undifference", np.array([3.0, -1.0, 2.0]), np.array([]))}


@worked_example("undifference")
def undifference_d1(impl):
    """dy = [1, 2, -0.5], initial = [5] (d = 1): [5, 6, 8, 7.5]."""
    return {"y": impl.call("undifference", np.array([1.0, 2.0, -0.5]), np.array([5.0]))}


@worked_example("undifference")
def undifference_d2(impl):
    """dy = [2, 2, 2, -21.5], initial = [0, 1] (d = 2): [0, 1, 4, 9, 16, 1.5]."""
    return {"y": impl.call("undifference", np.array([2.0, 2.0, 2.0, -21.5]), np.array([0.0, 1.0]))}


# ---------------------------------------------------------------- arma.py: ARMA and ARIMA

#: y of the ARMA examples.
SERIES = (0.5, 1.5, -1.0, 2.0, 3.0, 0.0, 1.0)


@worked_example("arma_predict")
def arma_predict_ar_only(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], AR(2) with ma empty: ar = [0.5, -0.25], c = 1."""
    return _pair("arma_predict", impl.call("arma_predict", np.array(SERIES), np.array([0.5, -0.25]),
                                           np.array([]), 1.0), ("yhat", "eps"))


@worked_example("arma_predict")
def arma_predict_ma_only(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], MA(2) with ar empty: ma = [0.4, 0.2], c = 0 (the default)."""
    return _pair("arma_predict", impl.call("arma_predict", np.array(SERIES), np.array([]),
                                           np.array([0.4, 0.2])), ("yhat", "eps"))


@worked_example("arma_predict")
def arma_predict_arma_2_1(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], ARMA(2, 1): ar = [0.6, -0.2], ma = [0.3], c = 0.5."""
    return _pair("arma_predict", impl.call("arma_predict", np.array(SERIES), np.array([0.6, -0.2]),
                                           np.array([0.3]), c=0.5), ("yhat", "eps"))


@worked_example("arma_predict")
def arma_predict_constant_only(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], ar and ma both empty, c = -0.5: yhat = c everywhere,
    eps = y - c."""
    return _pair("arma_predict", impl.call("arma_predict", np.array(SERIES), np.array([]),
                                           np.array([]), -0.5), ("yhat", "eps"))


@worked_example("arma_forecast")
def arma_forecast_arma_1_1(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], ARMA(1, 1): ar = [0.5], ma = [0.4], c = 1, 4 steps
    (the MA term acts on the first only)."""
    return {"forecast": impl.call("arma_forecast", np.array(SERIES), np.array([0.5]), np.array([0.4]), 4, 1.0)}


@worked_example("arma_forecast")
def arma_forecast_ar_only(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], AR(2) with ma empty: ar = [0.6, -0.3], c = 0.2,
    5 steps (forecasts feed the later ones)."""
    return {"forecast": impl.call("arma_forecast", np.array(SERIES), np.array([0.6, -0.3]), np.array([]), 5,
                                  c=0.2)}


@worked_example("arma_forecast")
def arma_forecast_ma_only(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], MA(2) with ar empty: ma = [0.5, -0.3], c = 2,
    4 steps: after 2 steps only c remains."""
    return {"forecast": impl.call("arma_forecast", np.array(SERIES), np.array([]), np.array([0.5, -0.3]), 4,
                                  c=2.0)}


@worked_example("arima_predict")
def arima_predict_d0(impl):
    """y = SERIES = [0.5, 1.5, -1, 2, 3, 0, 1], d = 0, ar = [0.6, -0.2], ma = [0.3], c = 0.5:
    the ARMA(2, 1) predictions themselves."""
    return {"yhat": impl.call("arima_predict", np.array(SERIES), np.array([0.6, -0.2]), np.array([0.3]), 0,
                              c=0.5)}


@worked_example("arima_predict")
def arima_predict_d1(impl):
    """ARIMA(1, 1, 0): y = [1, 3, 4, 8, 9, 13], ar = [0.5], ma empty, c = 0: previous level plus
    predicted difference."""
    return {"yhat": impl.call("arima_predict", np.array([1.0, 3.0, 4.0, 8.0, 9.0, 13.0]), np.array([0.5]),
                              np.array([]), 1)}


@worked_example("arima_predict")
def arima_predict_d2(impl):
    """ARIMA(1, 2, 1): y = [0, 1.5, 4, 8.5, 16, 25.5, 36, 48.5], ar = [0.3], ma = [0.2], c = 0.1."""
    y = np.array([0.0, 1.5, 4.0, 8.5, 16.0, 25.5, 36.0, 48.5])
    return {"yhat": impl.call("arima_predict", y, np.array([0.3]), np.array([0.2]), 2, c=0.1)}


# ---------------------------------------------------------------- arma.py: fitting


def ar_sample(c, ar, T, seed):
    """A seeded AR(p) sample: y[t] = c + sum_i ar[i-1] * y[t-i] + e[t], e standard normal,
    y = 0 before t = 0."""
    e = np.random.default_rng(seed).standard_normal(T)
    y = np.zeros(T)
    for t in range(T):
        y[t] = c + sum(a * y[t - i] for i, a in enumerate(ar, start=1) if t - i >= 0) + e[t]
    return y


def _fit(impl, y, p):
    return unpack("fit_ar", impl.call("fit_ar", y, p), ("c", "ar"))


@worked_example("fit_ar")
def fit_ar_ar2(impl):
    """AR(2) fit of 200 seeded values of y[t] = 1 + 0.6 y[t-1] - 0.3 y[t-2] + noise."""
    return _fit(impl, ar_sample(1.0, (0.6, -0.3), 200, seed=0), 2)


@worked_example("fit_ar")
def fit_ar_ar1(impl):
    """AR(1) fit of 40 seeded values of y[t] = -0.5 + 0.8 y[t-1] + noise."""
    return _fit(impl, ar_sample(-0.5, (0.8,), 40, seed=1), 1)


EXAMPLES = [v for v in list(globals().values()) if callable(v) and hasattr(v, "function")]


def examples_for(*functions):
    """The worked examples of the given student functions, in file order."""
    return [e for e in EXAMPLES if e.function in functions]
