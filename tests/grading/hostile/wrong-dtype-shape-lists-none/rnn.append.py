"""Appended to the reference rnn.py: right values in the wrong form. rnn_step_forward answers in
float32, rnn_forward transposes h, rnn_step_backward returns nested lists, rnn_backward None."""
import numpy as _np

_honest = dict(step_forward=rnn_step_forward, forward=rnn_forward,
               step_backward=rnn_step_backward, backward=rnn_backward)


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    next_h, cache = _honest["step_forward"](x, prev_h, Wx, Wh, b, activation, alpha)
    return next_h.astype(_np.float32), cache


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    h, cache = _honest["forward"](x, h0, Wx, Wh, b, activation, alpha)
    return h.transpose(1, 0, 2).copy(), cache


def rnn_step_backward(dnext_h, cache):
    return tuple(g.tolist() for g in _honest["step_backward"](dnext_h, cache))


def rnn_backward(dh, cache):
    return None
