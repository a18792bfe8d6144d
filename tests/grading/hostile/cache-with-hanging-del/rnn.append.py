"""Appended to the reference rnn.py: right answers, but the step cache carries an object whose
__del__ never returns, so dropping a cache (between checks, or inside a call) hangs the worker.
The grader must blame the functions that returned such caches, once each, instead of spending a
time limit on every later check."""
import time as _time

_honest_step_forward, _honest_step_backward = rnn_step_forward, rnn_step_backward


class _Sticky:
    def __del__(self):
        while True:
            try:
                _time.sleep(3600)
            except BaseException:
                pass


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    next_h, cache = _honest_step_forward(x, prev_h, Wx, Wh, b, activation, alpha)
    return next_h, (cache, _Sticky())


def rnn_step_backward(dnext_h, cache):
    return _honest_step_backward(dnext_h, cache[0])
