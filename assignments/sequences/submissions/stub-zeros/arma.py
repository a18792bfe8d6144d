"""ARMA functions that return float64 zeros of the right shapes (and a float c)."""

import numpy as np


def naive_forecast(y, horizon=1):
    return np.zeros(horizon)


def seasonal_naive_forecast(y, season, horizon=1):
    return np.zeros(horizon)


def difference(y, d=1):
    return np.zeros(len(y) - d)


def undifference(dy, initial):
    return np.zeros(len(dy) + len(initial))


def arma_predict(y, ar, ma, c=0.0):
    return np.zeros(len(y)), np.zeros(len(y))


def arma_forecast(y, ar, ma, steps, c=0.0):
    return np.zeros(steps)


def arima_predict(y, ar, ma, d, c=0.0):
    return np.zeros(len(y) - d)


def fit_ar(y, p):
    return 0.0, np.zeros(p)
