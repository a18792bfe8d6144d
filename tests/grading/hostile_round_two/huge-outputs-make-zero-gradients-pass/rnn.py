"""No real computation: every forward output is huge (1e305 sin(1e8 a) of the pre-activation a: finite,
depends on every input, but a step of 1e-5 swings it by ~1e305, so the numerical gradient of the
student's own forward overflows to inf), and every gradient is zeros of the right shape (issue 11,
item 1: zero gradients passed the gradient checks against an infinite expected value)."""
import numpy as np


def _huge(x, prev_h, Wx, Wh, b):
    return 1e305 * np.sin(1e8 * (x @ Wx + prev_h @ Wh + b))


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return _huge(x, prev_h, Wx, Wh, b), (x, prev_h, Wx, Wh, b)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, b = cache
    return tuple(np.zeros_like(a) for a in (x, prev_h, Wx, Wh, b))


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    n, t, _ = x.shape
    h, prev = np.empty((n, t, Wh.shape[0])), h0
    for k in range(t):
        h[:, k] = _huge(x[:, k], prev / 1e305 if k else prev, Wx, Wh, b)
        prev = h[:, k]
    return h, (x, h0, Wx, Wh, b)


def rnn_backward(dh, cache):
    x, h0, Wx, Wh, b = cache
    return tuple(np.zeros_like(a) for a in (x, h0, Wx, Wh, b))
