"""Returns values too big for the channel: a 300 MB array, a broadcast view of 8 TB, a list of a
million arrays, tuples nested 10000 deep, a 10**6-digit integer."""
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.ones(300 << 17), None  # 300 MiB of float64


def rnn_step_backward(dnext_h, cache):
    return np.broadcast_to(np.zeros(1), (1 << 20, 1 << 20)), None, None, None, None


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    return [np.zeros(1) for _ in range(10 ** 6)], None


def rnn_backward(dh, cache):
    nested = 0
    for _ in range(10000):
        nested = (nested,)
    return nested, 10 ** (10 ** 6), "x" * (10 ** 8), None, None
