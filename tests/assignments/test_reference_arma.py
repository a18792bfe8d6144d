"""The reference ``solutions/arma.py`` against independent ground truth (SPEC section 4).

Ground truth: cases worked out by hand, numpy's ``np.diff``, least-squares normal equations,
``scipy.signal.lfilter`` on the AR / MA polynomials, and statsmodels' ``AutoReg`` and ``ARIMA``.
The scipy / statsmodels cross-checks skip cleanly when those packages are absent; the pure-numpy
tests never do.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strategies_sequences as seq_st
from autograder.checklib.tolerances import VALUE_ATOL, VALUE_RTOL
from autograder.loader import load_reference

arma = load_reference("sequences", "arma")


def assert_close(got, expected):
    np.testing.assert_allclose(got, expected, rtol=VALUE_RTOL, atol=VALUE_ATOL)


def lfilter_residuals(signal, y, ar, ma, c):
    """Residuals of the zero pre-sample ARMA recursion, by linear filtering.

    eps[t] = y[t] - c - sum_i ar_i y[t-i] - sum_j ma_j eps[t-j] with zero pre-sample reads, in lag
    operator form, (1 + sum_j ma_j L^j) eps = (1 - sum_i ar_i L^i) y - c. ``lfilter(b, a, x)`` solves
    a(L) out = b(L) x with zero initial conditions, which is exactly the zero pre-sample.
    """
    a = np.concatenate(([1.0], ma))
    b = np.concatenate(([1.0], -np.asarray(ar)))
    return signal.lfilter(b, a, y) - signal.lfilter([1.0], a, np.full(len(y), c))


# --- naive forecasts ----------------------------------------------------------------------------


def test_naive_forecast_repeats_last_value():
    yhat = arma.naive_forecast(np.array([3.0, 1.0, 4.0, 1.0, 5.0]), horizon=3)
    assert yhat.dtype == np.float64
    np.testing.assert_array_equal(yhat, [5.0, 5.0, 5.0])


def test_naive_forecast_defaults_to_one_step_and_float64():
    yhat = arma.naive_forecast(np.array([2, 7, 9]))
    assert yhat.shape == (1,) and yhat.dtype == np.float64
    np.testing.assert_array_equal(yhat, [9.0])


@pytest.mark.parametrize(
    "y, season, horizon, expected",
    [
        # T = 7, season 3: the last season is y[4:7] = [5, 6, 7], repeated.
        ([1, 2, 3, 4, 5, 6, 7], 3, 5, [5, 6, 7, 5, 6]),
        ([1, 2, 3, 4, 5, 6, 7], 3, 2, [5, 6]),
        # season = T: the whole series is the season.
        ([1, 2, 3], 3, 4, [1, 2, 3, 1]),
        # season 1 is the naive forecast.
        ([4, 8, 15, 16], 1, 3, [16, 16, 16]),
        # weekly season on 10 days: yhat[h] = y[10 - 7 + h mod 7] = y[3 + h mod 7].
        ([0, 1, 2, 30, 40, 50, 60, 70, 80, 90], 7, 8, [30, 40, 50, 60, 70, 80, 90, 30]),
    ],
)
def test_seasonal_naive_repeats_last_season(y, season, horizon, expected):
    yhat = arma.seasonal_naive_forecast(np.array(y, dtype=np.float64), season, horizon)
    assert yhat.dtype == np.float64 and yhat.shape == (horizon,)
    np.testing.assert_array_equal(yhat, expected)


@given(seq_st.seasonal_params())
def test_seasonal_naive_is_periodic_and_starts_with_last_season(params):
    y, season, horizon = params
    yhat = arma.seasonal_naive_forecast(y, season, horizon)
    assert yhat.shape == (horizon,)
    first = min(season, horizon)
    np.testing.assert_array_equal(yhat[:first], y[len(y) - season:len(y) - season + first])
    np.testing.assert_array_equal(yhat[season:], yhat[:max(horizon - season, 0)])


# --- differencing -------------------------------------------------------------------------------


@given(seq_st.difference_params())
def test_difference_matches_np_diff(params):
    y, d = params
    dy = arma.difference(y, d)
    assert dy.shape == (len(y) - d,) and dy.dtype == np.float64
    np.testing.assert_array_equal(dy, np.diff(y, n=d))


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_difference_of_order_zero_is_a_float_copy(dtype):
    y = np.array([1, 4, 9, 16], dtype=dtype)
    dy = arma.difference(y, 0)
    assert dy.dtype == np.float64
    np.testing.assert_array_equal(dy, y)
    dy[0] = 100.0  # a copy: writing into it must not reach y
    assert y[0] == 1


def test_difference_of_squares_is_constant_at_order_two():
    np.testing.assert_array_equal(arma.difference(np.arange(6.0) ** 2, 2), [2.0, 2.0, 2.0, 2.0])
    np.testing.assert_array_equal(arma.difference(np.arange(6.0) ** 2), [1.0, 3.0, 5.0, 7.0, 9.0])


@given(seq_st.difference_params())
def test_undifference_inverts_difference(params):
    y, d = params
    rebuilt = arma.undifference(arma.difference(y, d), y[:d])
    assert rebuilt.shape == y.shape and rebuilt.dtype == np.float64
    # Cumulative sums of differences of |y| <= 100 lose at most ~T * 2^d * 100 * u ~ 1e-12.
    assert_close(rebuilt, y)


@pytest.mark.parametrize(
    "dy, initial, expected",
    [
        ([1.0, 1.0, 1.0], [5.0], [5.0, 6.0, 7.0, 8.0]),
        ([2.0, 2.0, 2.0], [0.0, 1.0], [0.0, 1.0, 4.0, 9.0, 16.0]),  # second difference of squares
        ([6.0, 6.0], [0.0, 1.0, 8.0], [0.0, 1.0, 8.0, 27.0, 64.0]),  # third difference of cubes
        ([3.0, -1.0], [], [3.0, -1.0]),  # d = 0
        ([], [2.0, 5.0], [2.0, 5.0]),  # T = d
    ],
)
def test_undifference_rebuilds_hand_cases(dy, initial, expected):
    y = arma.undifference(np.array(dy), np.array(initial))
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-12)


# --- arma_predict -------------------------------------------------------------------------------


def test_arma_predict_matches_hand_computation():
    # c = 1, ar = [0.5], ma = [0.2], y = [1, 2, 3]:
    # t=0: yhat = 1                            eps = 0
    # t=1: yhat = 1 + 0.5*1 + 0.2*0   = 1.5    eps = 0.5
    # t=2: yhat = 1 + 0.5*2 + 0.2*0.5 = 2.1    eps = 0.9
    yhat, eps = arma.arma_predict(np.array([1.0, 2.0, 3.0]), np.array([0.5]), np.array([0.2]), c=1.0)
    np.testing.assert_allclose(yhat, [1.0, 1.5, 2.1], rtol=0, atol=1e-14)
    np.testing.assert_allclose(eps, [0.0, 0.5, 0.9], rtol=0, atol=1e-14)


def test_arma_predict_with_lags_beyond_the_start_reads_zeros():
    # p = 3 on T = 2: the missing lags are 0, so yhat = [c, c + ar[0] * y[0]].
    yhat, _ = arma.arma_predict(np.array([2.0, -1.0]), np.array([0.5, 7.0, 9.0]), np.array([]), c=0.25)
    np.testing.assert_allclose(yhat, [0.25, 1.25], rtol=0, atol=1e-15)


@given(seq_st.series(min_len=0), st.floats(-5, 5))
def test_arma_predict_without_coefficients_predicts_the_constant(y, c):
    yhat, eps = arma.arma_predict(y, np.array([]), np.array([]), c)
    assert yhat.shape == eps.shape == y.shape
    np.testing.assert_array_equal(yhat, np.full(len(y), c))
    np.testing.assert_array_equal(eps, y - c)


@pytest.mark.slow  # over a second of CPU: kept out of the fast tier
@given(seq_st.series(min_len=1, max_len=30), seq_st.arma_params())
def test_arma_predict_matches_lfilter(y, params):
    signal = pytest.importorskip("scipy.signal")
    ar, ma, c = params
    yhat, eps = arma.arma_predict(y, ar, ma, c)
    expected_eps = lfilter_residuals(signal, y, ar, ma, c)
    assert yhat.dtype == eps.dtype == np.float64
    assert_close(eps, expected_eps)
    assert_close(yhat, y - expected_eps)


# --- arma_forecast ------------------------------------------------------------------------------


def test_arma_forecast_matches_hand_computation():
    # c = 1, ar = [0.5], ma = [0.4], y = [1, 2]: in-sample eps = [0, 0.5] (t=1: yhat = 1 + 0.5*1).
    # t=2: 1 + 0.5*2    + 0.4*0.5 = 2.2
    # t=3: 1 + 0.5*2.2  + 0.4*0   = 2.1   (future residuals are 0, the forecast stands in for y)
    # t=4: 1 + 0.5*2.1            = 2.05
    f = arma.arma_forecast(np.array([1.0, 2.0]), np.array([0.5]), np.array([0.4]), steps=3, c=1.0)
    assert f.dtype == np.float64
    np.testing.assert_allclose(f, [2.2, 2.1, 2.05], rtol=0, atol=1e-14)


@given(seq_st.series(min_len=1), seq_st.arma_params(max_p=0, min_q=0))
def test_pure_ma_forecast_reverts_to_constant_after_q_steps(y, params):
    _, ma, c = params
    steps = len(ma) + 3
    f = arma.arma_forecast(y, np.array([]), ma, steps, c)
    assert f.shape == (steps,)
    np.testing.assert_array_equal(f[len(ma):], np.full(3, c))


@given(seq_st.series(min_len=2), seq_st.arma_params())
def test_first_forecast_is_the_next_one_step_prediction(y, params):
    # Forecasting one step from y[:-1] is what arma_predict predicts for y[-1].
    ar, ma, c = params
    f = arma.arma_forecast(y[:-1], ar, ma, 1, c)
    yhat, _ = arma.arma_predict(y, ar, ma, c)
    assert_close(f, yhat[-1:])


def simulate_arma(signal, ar, ma, c, T, seed, burn_in=200):
    """An ARMA(p, q) sample: (1 - ar(L)) y = c + (1 + ma(L)) e, e standard normal."""
    e = np.random.default_rng(seed).standard_normal(T + burn_in)
    a = np.concatenate(([1.0], -np.asarray(ar)))
    y = signal.lfilter(np.concatenate(([1.0], ma)), a, e) + signal.lfilter([1.0], a, np.full(T + burn_in, c))
    return y[burn_in:]


@pytest.mark.slow  # statsmodels fits on long series: seconds of CPU, more than the fast tier's budget
@settings(max_examples=12)
@given(seq_st.arma_params(max_abs_c=3.0), st.integers(0, 2**32 - 1))
def test_arma_forecast_matches_statsmodels_arima_on_long_series(params, seed):
    signal = pytest.importorskip("scipy.signal")
    arima_model = pytest.importorskip("statsmodels.tsa.arima.model")
    ar, ma, c = params
    y = simulate_arma(signal, ar, ma, c, T=2000, seed=seed)
    # statsmodels' ARIMA is a state-space model with the exact (stationary) start, and its "const" is
    # the process mean c / (1 - sum(ar)), not c. Its Kalman filter forgets the start like the
    # zero pre-sample recursion does, at the rate of the MA roots (|root| >= 1 / 0.9 here), so after
    # 2000 steps both agree to roundoff: measured max |difference| <= 4e-15 on forecasts of |y| ~ 10.
    model = arima_model.ARIMA(y, order=(len(ar), 0, len(ma)), trend="c")
    params_sm = np.concatenate(([c / (1.0 - ar.sum())], ar, ma, [1.0]))  # const, ar.L*, ma.L*, sigma2
    expected = model.filter(params_sm).forecast(10)
    assert_close(arma.arma_forecast(y, ar, ma, 10, c), expected)


# --- arima_predict ------------------------------------------------------------------------------


def test_arima_predict_with_d1_matches_hand_computation():
    # y = [1, 3, 4, 8], d = 1, ar = [0.5], no MA, c = 0. Differences dy = [2, 1, 4].
    # Predicted differences: [0, 0.5*2, 0.5*1] = [0, 1, 0.5]; a level prediction is the previous level
    # plus the predicted difference: [1 + 0, 3 + 1, 4 + 0.5] = [1, 4, 4.5].
    yhat = arma.arima_predict(np.array([1.0, 3.0, 4.0, 8.0]), np.array([0.5]), np.array([]), d=1)
    assert yhat.dtype == np.float64
    np.testing.assert_allclose(yhat, [1.0, 4.0, 4.5], rtol=0, atol=1e-14)


@given(seq_st.series(min_len=1))
def test_arima_010_predicts_the_previous_value(y):
    yhat = arma.arima_predict(y, np.array([]), np.array([]), d=1)
    assert yhat.shape == (len(y) - 1,)
    assert_close(yhat, y[:-1])


@given(seq_st.series(min_len=2))
def test_arima_020_extrapolates_the_last_two_values_linearly(y):
    yhat = arma.arima_predict(y, np.array([]), np.array([]), d=2)
    assert_close(yhat, 2.0 * y[1:-1] - y[:-2])


@given(seq_st.series(), seq_st.arma_params())
def test_arima_predict_with_d0_is_arma_predict(y, params):
    ar, ma, c = params
    yhat = arma.arima_predict(y, ar, ma, d=0, c=c)
    assert_close(yhat, arma.arma_predict(y, ar, ma, c)[0])


@given(seq_st.series(min_len=2), seq_st.arma_params())
def test_arima_predict_d1_is_previous_level_plus_predicted_difference(y, params):
    signal = pytest.importorskip("scipy.signal")
    ar, ma, c = params
    dy = y[1:] - y[:-1]
    predicted_dy = dy - lfilter_residuals(signal, dy, ar, ma, c)
    assert_close(arma.arima_predict(y, ar, ma, d=1, c=c), y[:-1] + predicted_dy)


# --- fit_ar -------------------------------------------------------------------------------------


@given(seq_st.ar_series())
def test_fit_ar_residuals_are_orthogonal_to_the_regressors(params):
    # The normal equations of least squares: X^T (target - X beta) = 0.
    y, p = params
    c, ar = arma.fit_ar(y, p)
    assert isinstance(c, float) and ar.shape == (p,) and ar.dtype == np.float64
    T = len(y)
    X = np.column_stack([np.ones(T - p)] + [y[p - i:T - i] for i in range(1, p + 1)])
    residual = y[p:] - X @ np.concatenate(([c], ar))
    scale = np.abs(X).sum(axis=0) * np.abs(y[p:]).max()
    assert np.all(np.abs(X.T @ residual) <= 1e-10 * scale)


@pytest.mark.slow  # over a second of CPU: kept out of the fast tier
@given(seq_st.ar_series())
def test_fit_ar_matches_statsmodels_autoreg(params):
    ar_model = pytest.importorskip("statsmodels.tsa.ar_model")
    y, p = params
    c, ar = arma.fit_ar(y, p)
    expected = ar_model.AutoReg(y, lags=p, trend="c").fit().params  # [const, y.L1, ..., y.Lp]
    assert_close(np.concatenate(([c], ar)), expected)


def test_fit_ar_recovers_coefficients_of_a_long_ar2_sample():
    rng = np.random.default_rng(0)
    y = np.zeros(20000)
    e = rng.standard_normal(20000)
    for t in range(2, 20000):
        y[t] = 1.0 + 0.6 * y[t - 1] - 0.3 * y[t - 2] + e[t]
    c, ar = arma.fit_ar(y, 2)
    # Standard errors are about 1 / sqrt(T) ~ 0.007; 0.05 is seven of them.
    np.testing.assert_allclose(ar, [0.6, -0.3], atol=0.05)
    assert abs(c - 1.0) < 0.05


# --- arguments: valid edge cases, invalid input, no mutation -------------------------------------


def test_valid_edge_cases_do_not_raise():
    y = np.arange(6.0)
    assert arma.arma_predict(y, [], [])[0].shape == (6,)
    assert arma.arma_forecast(y, [], [], 2).shape == (2,)
    assert arma.difference(y, 0).shape == (6,)
    assert arma.difference(y, 6).shape == (0,)
    assert arma.arima_predict(y, [], [], 0).shape == (6,)
    assert arma.seasonal_naive_forecast(y, 2, 7).shape == (7,)
    assert arma.seasonal_naive_forecast(y, 6).shape == (1,)
    assert arma.fit_ar(np.sin(np.arange(5.0)), 2)[1].shape == (2,)  # T = 2p + 1


INVALID = [
    pytest.param("naive_forecast", (np.zeros((3, 2)),), "y", id="naive-y-2d"),
    pytest.param("naive_forecast", (np.array([]),), "y", id="naive-y-empty"),
    pytest.param("naive_forecast", (np.arange(3.0), 0), "horizon", id="naive-horizon-zero"),
    pytest.param("seasonal_naive_forecast", (np.arange(3.0), 0), "season", id="seasonal-season-zero"),
    pytest.param("seasonal_naive_forecast", (np.arange(3.0), 4), "season", id="seasonal-season-above-T"),
    pytest.param("seasonal_naive_forecast", (np.arange(3.0), 2.0), "season", id="seasonal-season-float"),
    pytest.param("seasonal_naive_forecast", (np.arange(3.0), 2, 0), "horizon", id="seasonal-horizon-zero"),
    pytest.param("difference", (np.zeros((3, 2)),), "y", id="difference-y-2d"),
    pytest.param("difference", (np.arange(3.0), -1), "d", id="difference-d-negative"),
    pytest.param("difference", (np.arange(3.0), 4), "d", id="difference-d-above-T"),
    pytest.param("undifference", (np.zeros((2, 2)), [1.0]), "dy", id="undifference-dy-2d"),
    pytest.param("arma_predict", (np.zeros((3, 1)), [], []), "y", id="predict-y-2d"),
    pytest.param("arma_predict", (np.arange(3.0), np.zeros((1, 1)), []), "ar", id="predict-ar-2d"),
    pytest.param("arma_forecast", (np.arange(3.0), [0.5], [], 0), "steps", id="forecast-steps-zero"),
    pytest.param("arima_predict", (np.arange(3.0), [], [], -1), "d", id="arima-d-negative"),
    pytest.param("fit_ar", (np.arange(10.0), 0), "p", id="fit-p-zero"),
    pytest.param("fit_ar", (np.arange(4.0), 2), "T", id="fit-too-few-observations"),
]


@pytest.mark.parametrize("function, args, argument", INVALID)
def test_invalid_input_raises_value_error_naming_function(function, args, argument):
    with pytest.raises(ValueError) as info:
        getattr(arma, function)(*args)
    assert str(info.value).startswith(f"{function}:")
    assert argument in str(info.value)


def test_functions_leave_their_arguments_unchanged():
    y = np.array([0.5, -1.0, 2.0, 3.5, 1.0, 0.0, -2.0, 1.5, 4.0, 2.5])
    ar = np.array([0.4, -0.2])
    ma = np.array([0.3])
    initial = np.array([1.0, 2.0])
    saved = [a.copy() for a in (y, ar, ma, initial)]
    arma.naive_forecast(y, 2)
    arma.seasonal_naive_forecast(y, 3, 4)
    arma.difference(y, 2)
    arma.undifference(y, initial)
    arma.arma_predict(y, ar, ma, 0.5)
    arma.arma_forecast(y, ar, ma, 3, 0.5)
    arma.arima_predict(y, ar, ma, 1, 0.5)
    arma.fit_ar(y, 2)
    for a, b in zip((y, ar, ma, initial), saved):
        np.testing.assert_array_equal(a, b)
