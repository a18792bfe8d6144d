"""Appended to the reference rnn.py: the right shapes and dtypes, but every forward output is NaN
where it should be positive and every gradient has an inf in it."""
import functools as _functools

import numpy as _np


def _poisoned(fn, value):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        poisoned = []
        for part in out:
            if isinstance(part, _np.ndarray) and part.dtype.kind == "f":
                part = part.copy()
                if value is _np.nan:
                    part[part > 0] = _np.nan
                else:
                    part.flat[0] = value
            poisoned.append(part)
        return tuple(poisoned)

    return wrapper


rnn_step_forward = _poisoned(rnn_step_forward, _np.nan)
rnn_forward = _poisoned(rnn_forward, _np.nan)
rnn_step_backward = _poisoned(rnn_step_backward, _np.inf)
rnn_backward = _poisoned(rnn_backward, -_np.inf)
