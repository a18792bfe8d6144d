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
    raise NotImplementedError("naive_forecast: not implemented yet")
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
    raise NotImplementedError("seasonal_naive_forecast: not implemented yet")
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
    raise NotImplementedError("difference: not implemented yet")
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
    raise NotImplementedError("undifference: not implemented yet")
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
    raise NotImplementedError("arma_predict: not implemented yet")
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
    raise NotImplementedError("arma_forecast: not implemented yet")
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
    raise NotImplementedError("arima_predict: not implemented yet")
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
    raise NotImplementedError("fit_ar: not implemented yet")
    return c, ar
