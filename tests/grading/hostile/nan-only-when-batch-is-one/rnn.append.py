"""Appended to the reference rnn.py: right everywhere except that rnn_step_forward returns NaN
when the batch has one row (N = 1); rnn_forward keeps using the honest step. Checks that only meet
N > 1 still pass, the others must not: the function earns some of its points, not all."""
import numpy as _np

_honest_step_forward, _honest_forward = rnn_step_forward, rnn_forward


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    next_h, cache = _honest_step_forward(x, prev_h, Wx, Wh, b, activation, alpha)
    if x.shape[0] == 1:
        next_h = _np.full_like(next_h, _np.nan)
    return next_h, cache


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    global rnn_step_forward
    partly_wrong, rnn_step_forward = rnn_step_forward, _honest_step_forward
    try:
        return _honest_forward(x, h0, Wx, Wh, b, activation, alpha)
    finally:
        rnn_step_forward = partly_wrong
