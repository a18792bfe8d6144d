"""Appended to the reference rnn.py: correct answers, but every call first floods stdout and stderr
(print, sys.stdout, os.write on fds 1 and 2, warnings). Printing must neither cost nor earn points."""
import functools as _functools
import os as _os
import sys as _sys
import warnings as _warnings


def _flooding(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        block = "FLOOD " * 20000
        for _ in range(20):
            print(block)
            print(block, file=_sys.stderr)
            _os.write(1, block.encode())
            _os.write(2, block.encode())
        _warnings.warn("flood")
        return fn(*args, **kwargs)

    return wrapper


rnn_step_forward = _flooding(rnn_step_forward)
rnn_step_backward = _flooding(rnn_step_backward)
rnn_forward = _flooding(rnn_forward)
rnn_backward = _flooding(rnn_backward)
