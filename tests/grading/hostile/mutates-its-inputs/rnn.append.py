"""Appended to the reference rnn.py: right answers (computed on copies, so its caches stay right),
but every function then scribbles over the arrays it was given (only in the outermost call, so the
reference's own calls between its functions are unaffected). Only the "leave their arguments
unchanged" checks may fail, and the grader's own inputs must stay intact for every later check."""
import functools as _functools

import numpy as _np

_depth = [0]


def _mutating(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _depth[0] += 1
        try:
            out = fn(*[a.copy() if isinstance(a, _np.ndarray) else a for a in args], **kwargs)
        finally:
            _depth[0] -= 1
        if _depth[0] == 0:
            for arg in args:
                if isinstance(arg, _np.ndarray) and arg.flags.writeable:
                    arg += 1.0
        return out

    return wrapper


rnn_step_forward = _mutating(rnn_step_forward)
rnn_forward = _mutating(rnn_forward)
rnn_step_backward = _mutating(rnn_step_backward)
rnn_backward = _mutating(rnn_backward)
