"""Hypothesis strategies for the ``sequences`` assignment (windowing, naive forecasts, ARMA, AR fits).

Every strategy takes keyword-only bounds with small defaults (small examples keep checks fast and
failures readable) and validates them when it is built, raising ``hypothesis.errors.InvalidArgument``
with the offending values. Generated floats are finite float64 of moderate size (``|y| <= 100`` by
default): no NaN, infinity or subnormal, so a failure is about the algorithm, not about overflow.

Dimensions: T series length, F features per step, p AR order, q MA order, d differencing order.

Strategies:
- ``series``: a series, shape (T,) or (T, F), float64 or int64.
- ``window_params``: ``(series, window, horizon, stride)`` with ``T >= window + horizon``.
- ``seasonal_params``: ``(y, season, horizon)`` with ``1 <= season <= T``.
- ``difference_params``: ``(y, d)`` with ``0 <= d <= T``.
- ``arma_params``: ``(ar, ma, c)`` with ``sum|ar|`` and ``sum|ma|`` bounded below 1, so the AR part is
  stationary, the MA part invertible and every ARMA recursion stays bounded.
- ``ar_series``: ``(y, p)``, a noise-driven AR(p) series long enough (``T >= 3p + 20``) for a
  well-conditioned least-squares fit.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra import numpy as hnp

from autograder.checklib.validation import check_int, check_order, check_positive_float

__all__ = [
    "series",
    "window_params",
    "seasonal_params",
    "difference_params",
    "arma_params",
    "ar_series",
]

#: Seeds for the numpy generator behind noise-driven series (Hypothesis shrinks them towards 0).
_SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _check_features(features) -> None:
    if features is not None:
        check_int("features", features, 1)


def _values(max_abs: float, integer: bool) -> st.SearchStrategy:
    """Scalar elements: finite float64 in [-max_abs, max_abs], or integers in the same range."""
    if integer:
        bound = int(max_abs)
        return st.integers(min_value=-bound, max_value=bound)
    return st.floats(
        min_value=-float(max_abs),
        max_value=float(max_abs),
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
        width=64,
    )


def _coefficients(n: int, max_sum: float) -> st.SearchStrategy[np.ndarray]:
    """Arrays of shape (n,), float64, each entry in [-max_sum / n, max_sum / n] (so sum |.| <= max_sum)."""
    bound = max_sum / max(n, 1)
    return hnp.arrays(np.float64, n, elements=_values(bound, integer=False), fill=st.nothing())


def series(
    *,
    min_len: int = 1,
    max_len: int = 20,
    features: int | None = None,
    integer: bool = False,
    max_abs: float = 100.0,
) -> st.SearchStrategy[np.ndarray]:
    """A series of length T in [min_len, max_len].

    Args:
        min_len, max_len: bounds on T, 0 <= min_len <= max_len.
        features: None for a 1-D series of shape (T,); an integer F >= 1 for shape (T, F).
        integer: int64 values instead of float64.
        max_abs: every value lies in [-max_abs, max_abs] (for integers, [-int(max_abs), int(max_abs)]).

    Generates:
        An array of shape (T,) or (T, F), float64 (finite, no subnormals) or int64.
    """
    check_int("min_len", min_len, 0)
    check_int("max_len", max_len, 0)
    check_order("min_len", min_len, "max_len", max_len)
    _check_features(features)
    check_positive_float("max_abs", max_abs)
    if integer and int(max_abs) < 1:
        raise InvalidArgument(f"max_abs={max_abs!r} must be at least 1 for an integer series")
    dtype = np.int64 if integer else np.float64
    elements = _values(max_abs, integer)

    def shape_of(T: int) -> tuple[int, ...]:
        return (T,) if features is None else (T, features)

    # fill=st.nothing(): every entry drawn on its own (no mostly-constant arrays that hide index bugs).
    return st.integers(min_len, max_len).flatmap(
        lambda T: hnp.arrays(dtype, shape_of(T), elements=elements, fill=st.nothing())
    )


def window_params(
    *,
    max_len: int = 30,
    max_window: int = 6,
    max_horizon: int = 4,
    max_stride: int = 3,
    min_stride: int = 1,
    features: int | None = None,
    integer: bool = False,
    max_abs: float = 100.0,
) -> st.SearchStrategy[tuple[np.ndarray, int, int, int]]:
    """Valid arguments for ``make_windows`` / ``make_seq2seq_windows``.

    Args:
        max_len: largest series length T (at least 2, the shortest valid series).
        max_window, max_horizon, max_stride: upper bounds (each >= 1) on window, horizon, stride.
        min_stride: lower bound on stride, 1 <= min_stride <= max_stride (2 for strided windows only).
        features, integer, max_abs: as for ``series``.

    Generates:
        ``(series, window, horizon, stride)``: series of shape (T,) or (T, F) with
        ``window + horizon <= T <= max_len``; window, horizon, stride Python ints >= 1 (window is
        also at most max_len - 1, horizon at most max_len - window, and
        ``min_stride <= stride <= max_stride``).
    """
    check_int("max_len", max_len, 2)
    check_int("max_window", max_window, 1)
    check_int("max_horizon", max_horizon, 1)
    check_int("max_stride", max_stride, 1)
    check_int("min_stride", min_stride, 1)
    check_order("min_stride", min_stride, "max_stride", max_stride)
    _check_features(features)
    check_positive_float("max_abs", max_abs)
    series(features=features, integer=integer, max_abs=max_abs)  # validates the shared arguments

    @st.composite
    def draw_params(draw):
        window = draw(st.integers(1, min(max_window, max_len - 1)))
        horizon = draw(st.integers(1, min(max_horizon, max_len - window)))
        stride = draw(st.integers(min_stride, max_stride))
        s = draw(
            series(
                min_len=window + horizon,
                max_len=max_len,
                features=features,
                integer=integer,
                max_abs=max_abs,
            )
        )
        return s, window, horizon, stride

    return draw_params()


def seasonal_params(
    *,
    max_len: int = 20,
    max_season: int = 8,
    max_horizon: int = 12,
    max_abs: float = 100.0,
) -> st.SearchStrategy[tuple[np.ndarray, int, int]]:
    """Valid arguments for ``seasonal_naive_forecast``.

    Args:
        max_len: largest series length T (>= 1).
        max_season: largest season (>= 1); the season is also at most T.
        max_horizon: largest horizon (>= 1); a horizon may exceed the season.
        max_abs: values lie in [-max_abs, max_abs].

    Generates:
        ``(y, season, horizon)``: y float64 of shape (T,), ``1 <= season <= T``, ``horizon >= 1``.
    """
    check_int("max_len", max_len, 1)
    check_int("max_season", max_season, 1)
    check_int("max_horizon", max_horizon, 1)
    check_positive_float("max_abs", max_abs)

    @st.composite
    def draw_params(draw):
        season = draw(st.integers(1, min(max_season, max_len)))
        y = draw(series(min_len=season, max_len=max_len, max_abs=max_abs))
        horizon = draw(st.integers(1, max_horizon))
        return y, season, horizon

    return draw_params()


def difference_params(
    *,
    max_d: int = 3,
    max_len: int = 20,
    max_abs: float = 100.0,
) -> st.SearchStrategy[tuple[np.ndarray, int]]:
    """Valid arguments for ``difference`` (and, through it, ``undifference`` and ``arima_predict``).

    Args:
        max_d: largest differencing order (>= 0).
        max_len: largest series length (>= max_d).
        max_abs: values lie in [-max_abs, max_abs].

    Generates:
        ``(y, d)``: y float64 of shape (T,), ``0 <= d <= max_d`` and ``d <= T <= max_len``.
    """
    check_int("max_d", max_d, 0)
    check_int("max_len", max_len, 0)
    check_order("max_d", max_d, "max_len", max_len)
    check_positive_float("max_abs", max_abs)

    @st.composite
    def draw_params(draw):
        d = draw(st.integers(0, max_d))
        y = draw(series(min_len=d, max_len=max_len, max_abs=max_abs))
        return y, d

    return draw_params()


def arma_params(
    *,
    min_p: int = 0,
    max_p: int = 3,
    min_q: int = 0,
    max_q: int = 3,
    max_coef_sum: float = 0.9,
    max_abs_c: float = 5.0,
) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray, float]]:
    """ARMA(p, q) coefficients whose recursions stay bounded.

    Each of the p AR coefficients lies in [-max_coef_sum / p, max_coef_sum / p], so
    ``sum|ar| <= max_coef_sum < 1``: the AR polynomial has no root in the unit disc (stationary).
    The same holds for the MA coefficients (invertible), so residual recursions do not blow up:
    for a series with ``|y| <= Y`` the residuals of ``arma_predict`` stay below
    ``((1 + max_coef_sum) * Y + max_abs_c) / (1 - max_coef_sum)``.

    Args:
        min_p, max_p: bounds on p, 0 <= min_p <= max_p (p = 0 gives an empty ``ar``).
        min_q, max_q: bounds on q, 0 <= min_q <= max_q (q = 0 gives an empty ``ma``).
        max_coef_sum: bound on sum|ar| and on sum|ma|, in (0, 1).
        max_abs_c: the constant lies in [-max_abs_c, max_abs_c] (max_abs_c >= 0).

    Generates:
        ``(ar, ma, c)``: ar float64 shape (p,), ma float64 shape (q,), c a Python float.
    """
    check_int("min_p", min_p, 0)
    check_int("max_p", max_p, 0)
    check_order("min_p", min_p, "max_p", max_p)
    check_int("min_q", min_q, 0)
    check_int("max_q", max_q, 0)
    check_order("min_q", min_q, "max_q", max_q)
    check_positive_float("max_coef_sum", max_coef_sum)
    if not max_coef_sum < 1:
        raise InvalidArgument(f"max_coef_sum={max_coef_sum!r} must be below 1 for a bounded recursion")
    if isinstance(max_abs_c, bool) or not (isinstance(max_abs_c, (int, float)) and 0 <= max_abs_c < np.inf):
        raise InvalidArgument(f"max_abs_c={max_abs_c!r} must be a finite number >= 0")

    constants = st.floats(-float(max_abs_c), float(max_abs_c), allow_nan=False, allow_subnormal=False)

    @st.composite
    def draw_params(draw):
        p = draw(st.integers(min_p, max_p))
        q = draw(st.integers(min_q, max_q))
        ar = draw(_coefficients(p, max_coef_sum))
        ma = draw(_coefficients(q, max_coef_sum))
        c = float(draw(constants))
        return ar, ma, c

    return draw_params()


def ar_series(
    *,
    min_p: int = 1,
    max_p: int = 3,
    max_len: int = 80,
    max_coef_sum: float = 0.9,
    max_abs_c: float = 2.0,
) -> st.SearchStrategy[tuple[np.ndarray, int]]:
    """A noise-driven AR(p) series, well-conditioned for a least-squares AR(p) fit.

    The series follows ``y[t] = c + sum_i ar[i-1] y[t-i] + noise[t]`` with coefficients and constant
    drawn as in ``arma_params`` and noise from numpy's generator (seeded by Hypothesis): standard
    normal clipped to [-3, 3]. A burn-in of 50 steps is discarded, so the series starts near the
    stationary regime. Because the noise never vanishes, the lag columns are never collinear;
    ``|y| <= (max_abs_c + 3) / (1 - max_coef_sum)`` (50 with the defaults).

    Args:
        min_p, max_p: bounds on p, 1 <= min_p <= max_p.
        max_len: largest T; must be at least 3 * max_p + 20.
        max_coef_sum: bound on sum|ar|, in (0, 1).
        max_abs_c: bound on |c|, >= 0.

    Generates:
        ``(y, p)``: y float64 of shape (T,) with ``3p + 20 <= T <= max_len``; p a Python int.
    """
    check_int("min_p", min_p, 1)
    check_int("max_p", max_p, 1)
    check_order("min_p", min_p, "max_p", max_p)
    check_int("max_len", max_len, 1)
    if max_len < 3 * max_p + 20:
        raise InvalidArgument(f"max_len={max_len!r} is smaller than 3 * max_p + 20 = {3 * max_p + 20}")
    arma_params(max_coef_sum=max_coef_sum, max_abs_c=max_abs_c)  # validates the shared arguments
    burn_in = 50

    @st.composite
    def draw_series(draw):
        ar, _, c = draw(
            arma_params(min_p=min_p, max_p=max_p, max_q=0, max_coef_sum=max_coef_sum, max_abs_c=max_abs_c)
        )
        p = ar.shape[0]
        T = draw(st.integers(3 * p + 20, max_len))
        rng = np.random.default_rng(draw(_SEEDS))
        noise = np.clip(rng.standard_normal(T + burn_in), -3.0, 3.0)
        y = np.zeros(T + burn_in)
        for t in range(T + burn_in):
            past = y[max(t - p, 0):t][::-1]                      # y[t-1], ..., y[t-p]
            y[t] = c + ar[:past.shape[0]] @ past + noise[t]
        return y[burn_in:], p

    return draw_series()
