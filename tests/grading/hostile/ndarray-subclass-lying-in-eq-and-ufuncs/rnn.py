"""Returns ndarray subclasses holding zeros that claim equality with anything: __eq__ is always
True, every ufunc answers "close", numpy functions (allclose, isfinite, ...) are intercepted, and
dtype/shape are overridden properties. The channel must send plain zeros."""
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    __ne__ = lambda self, other: np.zeros(np.shape(other), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast(*[np.asarray(i) for i in inputs]).shape) if method == "__call__" else NotImplemented

    def __array_function__(self, func, types, args, kwargs):
        return True

    @property
    def dtype(self):
        return np.dtype(np.float64)

    def __float__(self):
        return 0.0


def _lie(shape):
    return np.zeros(shape).view(Liar)


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return _lie(prev_h.shape), None


def rnn_step_backward(dnext_h, cache):
    return tuple(_lie((1, 1)) for _ in range(5))


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    return _lie(x.shape[:2] + h0.shape[1:]), None


def rnn_backward(dh, cache):
    return tuple(_lie((1, 1)) for _ in range(5))
