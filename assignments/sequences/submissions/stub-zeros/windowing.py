"""Windowing that returns arrays of the right shapes and dtype, full of zeros (validates its inputs)."""

import numpy as np


def _check(name, series, window, horizon, stride):
    for arg, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: {arg} must be a positive integer, got {value!r}")
    series = np.asarray(series)
    if series.ndim not in (1, 2):
        raise ValueError(f"{name}: series must be 1-D or 2-D, got shape {series.shape}")
    if series.shape[0] < window + horizon:
        raise ValueError(f"{name}: series too short")
    return series, (series.shape[0] - window - horizon) // stride + 1


def make_windows(series, window, horizon=1, stride=1):
    series, N = _check("make_windows", series, window, horizon, stride)
    F = series.shape[1:]
    return np.zeros((N, window) + F, series.dtype), np.zeros((N, horizon) + F, series.dtype)


def make_seq2seq_windows(series, window, horizon=1, stride=1):
    series, N = _check("make_seq2seq_windows", series, window, horizon, stride)
    F = series.shape[1:]
    return np.zeros((N, window) + F, series.dtype), np.zeros((N, window, horizon) + F, series.dtype)
