"""
Turning one long series into many (input, target) examples for a sequence model.

A window of ``window`` consecutive values is the input; what follows it is the target. Window k
starts at ``s = k * stride``, and windows are taken while ``s + window + horizon <= T``.

Dimensions used throughout:
- T: length of the series (number of time steps)
- F: features per time step (absent for a 1-D series of shape (T,))
- N: number of windows, N = (T - window - horizon) // stride + 1

Outputs keep the series' values and dtype (as ``np.asarray(series)`` gives them): an integer
series gives integer windows, a float64 series float64 windows. Outputs are fresh arrays, never
views of the series, so changing them cannot change the series.
"""

import numpy as np


def make_windows(series, window, horizon=1, stride=1):
    """
    Inputs and next-values targets: the ``horizon`` values right after each window.

    ``X[k] = series[s : s + window]`` and ``Y[k] = series[s + window : s + window + horizon]``
    with ``s = k * stride``.

    Inputs:
    - series: the series, shape (T,) or (T, F); float or integer. Not modified.
    - window: length of each input window, a positive integer.
    - horizon: number of values to predict after each window, a positive integer.
    - stride: distance between the starts of consecutive windows, a positive integer.

    Returns a tuple of:
    - X: input windows, shape (N, window) or (N, window, F); the series' dtype.
    - Y: targets, shape (N, horizon) or (N, horizon, F); the series' dtype.

    Raises ValueError when window, horizon or stride is not a positive integer (a bool is not an
    integer here), when the series is not 1-D or 2-D, or when T < window + horizon.
    """
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"make_windows: {name} must be a positive integer, got {value!r}")
    series = np.asarray(series)
    if series.ndim not in (1, 2):
        raise ValueError(f"make_windows: series must be 1-D (T,) or 2-D (T, F), got shape {series.shape}")
    T = series.shape[0]
    if T < window + horizon:
        raise ValueError(
            f"make_windows: series too short: need T >= window + horizon = {window + horizon}, got T = {T}"
        )
    inputs, targets = [], []
    start = 0
    while start + window + horizon <= T:
        inputs.append(series[start:start + window])
        targets.append(series[start + window:start + window + horizon])
        start += stride
    inputs = np.array(inputs)
    targets = np.array(targets)
    return inputs, targets


def make_seq2seq_windows(series, window, horizon=1, stride=1):
    """
    Inputs and sequence-to-sequence targets: at every step of a window, the next ``horizon`` values.

    The windows X are those of ``make_windows``; ``Y[k, t, j] = series[s + t + 1 + j]`` with
    ``s = k * stride``. For the series 0, 1, 2, ... with window 3 and horizon 2, the input
    [0, 1, 2] has targets [[1, 2], [2, 3], [3, 4]].

    Inputs:
    - series: the series, shape (T,) or (T, F); float or integer. Not modified.
    - window: length of each input window, a positive integer.
    - horizon: number of values to predict at each step, a positive integer.
    - stride: distance between the starts of consecutive windows, a positive integer.

    Returns a tuple of:
    - X: input windows, shape (N, window) or (N, window, F); the series' dtype.
    - Y: targets, shape (N, window, horizon) or (N, window, horizon, F); the series' dtype.

    Raises ValueError when window, horizon or stride is not a positive integer (a bool is not an
    integer here), when the series is not 1-D or 2-D, or when T < window + horizon.
    """
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"make_seq2seq_windows: {name} must be a positive integer, got {value!r}")
    series = np.asarray(series)
    if series.ndim not in (1, 2):
        raise ValueError(
            f"make_seq2seq_windows: series must be 1-D (T,) or 2-D (T, F), got shape {series.shape}"
        )
    T = series.shape[0]
    if T < window + horizon:
        raise ValueError(
            f"make_seq2seq_windows: series too short: need T >= window + horizon = {window + horizon}, "
            f"got T = {T}"
        )
    inputs, targets = [], []
    for start in range(0, T - window - horizon + 1, stride):
        inputs.append(series[start:start + window])
        targets.append([series[start + step + 1:start + step + 1 + horizon] for step in range(window)])
    inputs = np.array(inputs)
    targets = np.array(targets)
    return inputs, targets
