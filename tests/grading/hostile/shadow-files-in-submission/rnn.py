"""Returns zeros, relying on the other files of this submission (conftest.py, sitecustomize.py,
numpy.py, pytest.py, a fake reference module, a fake channel) to make the grader accept them.
The grader must stage only the student files, so none of those is ever imported."""
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.zeros_like(prev_h), None


def rnn_step_backward(dnext_h, cache):
    return tuple(np.zeros((1, 1)) for _ in range(5))


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.zeros(x.shape[:2] + h0.shape[1:]), None


def rnn_backward(dh, cache):
    return tuple(np.zeros((1, 1)) for _ in range(5))
