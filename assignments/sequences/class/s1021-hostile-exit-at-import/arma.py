"""
Classical forecasting baselines: naive forecasts, differencing, ARMA / ARIMA and AR fitting.

The ARMA(p, q) model predicts each value from the p values and the q prediction errors before it:

    yhat[t] = c + sum_{i=1..p} ar[i-1] * y[t-i] + sum_{j=1..q} ma[j-1] * eps[t-j]
    eps[t]  = y[t] - yhat[t]

Every value before the start of the series (y or eps at a negative index) is taken as 0: the
"conditional", zero pre-sample form of the model.

Dimensions used throughout:
- T: length of the series y
- p: number of autoregressive (AR) coefficients
- q: number of moving-average (MA) coefficients
- d: order of differencing

Every function takes float (or integer) inputs, returns float64 arrays (Python floats for
scalars) and never modifies its arguments.
"""

import numpy as np


def naive_forecast(y, horizon=1):
    """
    The naive forecast: the last observed value, repeated.

    Inputs:
    - y: observed series, shape (T,) with T >= 1.
    - horizon: number of future steps to forecast, a positive integer.

    Returns:
    - yhat: forecasts for t = T..T+horizon-1, shape (horizon,), float64.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or y.shape[0] < 1:
        raise ValueError(f"naive_forecast: y must be a non-empty 1-D array (T,), got shape {y.shape}")
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"naive_forecast: horizon must be a positive integer, got {horizon!r}")
    yhat = np.full(horizon, y[-1], dtype=np.float64)
    return yhat


def seasonal_naive_forecast(y, season, horizon=1):
    """
    The seasonal naive forecast: the value one season earlier, repeating the last full season.

    yhat[h] = y[T - season + (h mod season)] for h = 0..horizon-1.

    Inputs:
    - y: observed series, shape (T,).
    - season: length of the season, a positive integer with season <= T.
    - horizon: number of future steps to forecast, a positive integer (may exceed season).

    Returns:
    - yhat: forecasts for t = T..T+horizon-1, shape (horizon,), float64.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"seasonal_naive_forecast: y must be a 1-D array (T,), got shape {y.shape}")
    T = y.shape[0]
    if isinstance(season, (bool, np.bool_)) or not isinstance(season, (int, np.integer)) or season < 1:
        raise ValueError(f"seasonal_naive_forecast: season must be a positive integer, got {season!r}")
    if season > T:
        raise ValueError(f"seasonal_naive_forecast: season must be at most T = {T}, got {season}")
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"seasonal_naive_forecast: horizon must be a positive integer, got {horizon!r}")
    yhat = y[T - season + np.arange(horizon) % season]
    return yhat


def difference(y, d=1):
    """
    The d-th difference of a series: ``y[1:] - y[:-1]`` applied d times.

    Inputs:
    - y: the series, shape (T,). Not modified.
    - d: order of differencing, an integer with 0 <= d <= T (d = 0 gives a float64 copy of y).

    Returns:
    - dy: the differenced series, shape (T - d,), float64.
    """
    dy = np.array(y, dtype=np.float64)                  # a copy: y itself is never touched
    if dy.ndim != 1:
        raise ValueError(f"difference: y must be a 1-D array (T,), got shape {dy.shape}")
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)) or d < 0:
        raise ValueError(f"difference: d must be a non-negative integer, got {d!r}")
    if d > dy.shape[0]:
        raise ValueError(f"difference: d must be at most T = {dy.shape[0]}, got {d}")
    for _ in range(d):
        dy = dy[1:] - dy[:-1]
    return dy


def undifference(dy, initial):
    """
    Undo ``difference``: rebuild a series from its d-th difference and its first d values.

    ``undifference(difference(y, d), y[:d])`` equals ``y``.

    Inputs:
    - dy: the d-th difference of the series, shape (T - d,).
    - initial: the first d values of the series, shape (d,); d = len(initial) may be 0.

    Returns:
    - y: the series, shape (T,), float64: ``initial`` followed by T - d rebuilt values.
    """
    dy = np.asarray(dy, dtype=np.float64)
    initial = np.asarray(initial, dtype=np.float64)
    if dy.ndim != 1:
        raise ValueError(f"undifference: dy must be a 1-D array (T - d,), got shape {dy.shape}")
    if initial.ndim != 1:
        raise ValueError(f"undifference: initial must be a 1-D array (d,), got shape {initial.shape}")
    d = initial.shape[0]
    # The first value of the k-th difference, for k = 0..d-1, is all cumulative sums need.
    firsts = []
    level = initial
    for _ in range(d):
        firsts.append(level[0])
        level = level[1:] - level[:-1]
    # Integrate d times, from the (d-1)-th difference back to the series itself.
    y = dy.copy()
    for first in reversed(firsts):
        y = np.concatenate(([first], first + np.cumsum(y)))
    return y


def arma_predict(y, ar, ma, c=0.0):
    """
    One-step-ahead ARMA predictions and residuals for every time step, zero pre-sample.

    For t = 0..T-1, with y and eps taken as 0 before t = 0:
        yhat[t] = c + sum_{i=1..p} ar[i-1] * y[t-i] + sum_{j=1..q} ma[j-1] * eps[t-j]
        eps[t]  = y[t] - yhat[t]

    Inputs:
    - y: observed series, shape (T,).
    - ar: AR coefficients, shape (p,); may be empty (p = 0).
    - ma: MA coefficients, shape (q,); may be empty (q = 0).
    - c: constant term, a float.

    Returns a tuple of:
    - yhat: one-step-ahead predictions, shape (T,), float64.
    - eps: residuals y - yhat, shape (T,), float64.
    """
    y = np.asarray(y, dtype=np.float64)
    ar = np.asarray(ar, dtype=np.float64)
    ma = np.asarray(ma, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"arma_predict: y must be a 1-D array (T,), got shape {y.shape}")
    if ar.ndim != 1:
        raise ValueError(f"arma_predict: ar must be a 1-D array (p,), got shape {ar.shape}")
    if ma.ndim != 1:
        raise ValueError(f"arma_predict: ma must be a 1-D array (q,), got shape {ma.shape}")
    c = float(c)
    T, p, q = y.shape[0], ar.shape[0], ma.shape[0]
    yhat = np.zeros(T)
    eps = np.zeros(T)
    for t in range(T):
        past_y = y[max(t - p, 0):t][::-1]               # y[t-1], y[t-2], ... (at most p values)
        past_eps = eps[max(t - q, 0):t][::-1]           # eps[t-1], eps[t-2], ... (at most q values)
        yhat[t] = c + ar[:past_y.shape[0]] @ past_y + ma[:past_eps.shape[0]] @ past_eps
        eps[t] = y[t] - yhat[t]
    return yhat, eps


def arma_forecast(y, ar, ma, steps, c=0.0):
    """
    Multi-step ARMA forecasts beyond the end of the series.

    The in-sample residuals come from ``arma_predict``; future residuals are 0, and each forecast is
    used in place of the unknown y for the forecasts after it. For t = T..T+steps-1:
        yhat[t] = c + sum_{i=1..p} ar[i-1] * z[t-i] + sum_{j=1..q} ma[j-1] * e[t-j]
    where z is y followed by the forecasts and e is eps followed by zeros (both 0 before t = 0).

    Inputs:
    - y: observed series, shape (T,).
    - ar: AR coefficients, shape (p,); may be empty.
    - ma: MA coefficients, shape (q,); may be empty.
    - steps: number of future steps to forecast, a positive integer.
    - c: constant term, a float.

    Returns:
    - forecast: forecasts for t = T..T+steps-1, shape (steps,), float64.
    """
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"arma_forecast: steps must be a positive integer, got {steps!r}")
    _, eps = arma_predict(y, ar, ma, c)
    ar = np.asarray(ar, dtype=np.float64)
    ma = np.asarray(ma, dtype=np.float64)
    c = float(c)
    T, p, q = eps.shape[0], ar.shape[0], ma.shape[0]
    z = np.concatenate((np.asarray(y, dtype=np.float64), np.zeros(steps)))   # (T + steps,)
    e = np.concatenate((eps, np.zeros(steps)))                                # (T + steps,)
    for t in range(T, T + steps):
        past_z = z[max(t - p, 0):t][::-1]
        past_e = e[max(t - q, 0):t][::-1]
        z[t] = c + ar[:past_z.shape[0]] @ past_z + ma[:past_e.shape[0]] @ past_e
    forecast = z[T:]
    return forecast


def arima_predict(y, ar, ma, d, c=0.0):
    """
    One-step-ahead ARIMA(p, d, q) predictions, in levels, of y[d:].

    The ARMA model is fitted to the d-th difference; its residuals eps are the level residuals, so
    the level predictions are ``yhat = y[d:] - eps`` with
    ``eps = arma_predict(difference(y, d), ar, ma, c)[1]``.

    Inputs:
    - y: observed series, shape (T,).
    - ar: AR coefficients of the differenced series, shape (p,); may be empty.
    - ma: MA coefficients of the differenced series, shape (q,); may be empty.
    - d: order of differencing, an integer with 0 <= d <= T.
    - c: constant term of the differenced series, a float.

    Returns:
    - yhat: one-step-ahead predictions of y[d], ..., y[T-1], shape (T - d,), float64.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"arima_predict: y must be a 1-D array (T,), got shape {y.shape}")
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)) or d < 0:
        raise ValueError(f"arima_predict: d must be a non-negative integer, got {d!r}")
    if d > y.shape[0]:
        raise ValueError(f"arima_predict: d must be at most T = {y.shape[0]}, got {d}")
    _, eps = arma_predict(difference(y, d), ar, ma, c)
    yhat = y[d:] - eps
    return yhat


def fit_ar(y, p):
    """
    Fit an AR(p) model with a constant by ordinary least squares.

    Regresses y[t] on 1, y[t-1], ..., y[t-p] for t = p..T-1 (T - p equations, p + 1 unknowns);
    the same answer as statsmodels ``AutoReg(y, lags=p, trend="c")``.

    Inputs:
    - y: observed series, shape (T,) with T >= 2p + 1 (at least as many equations as unknowns).
    - p: number of lags, a positive integer.

    Returns a tuple of:
    - c: the fitted constant, a Python float.
    - ar: the fitted AR coefficients, shape (p,), float64; ar[i-1] multiplies y[t-i].
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"fit_ar: y must be a 1-D array (T,), got shape {y.shape}")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, np.integer)) or p < 1:
        raise ValueError(f"fit_ar: p must be a positive integer, got {p!r}")
    T = y.shape[0]
    if T - p < p + 1:
        raise ValueError(f"fit_ar: need T >= 2p + 1 = {2 * p + 1} observations for p = {p}, got T = {T}")
    # Design matrix: row t - p is [1, y[t-1], ..., y[t-p]] for t = p..T-1.
    lags = [y[p - i:T - i] for i in range(1, p + 1)]
    X = np.column_stack([np.ones(T - p)] + lags)                  # (T - p, p + 1)
    beta = np.linalg.lstsq(X, y[p:], rcond=None)[0]               # (p + 1,)
    c, ar = float(beta[0]), beta[1:]
    return c, ar
