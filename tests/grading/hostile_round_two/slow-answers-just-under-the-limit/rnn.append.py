"""Right answers, each request answered just under the time limit per call (4.6 s of 5 s in the
issue; here 1.9 s of the test's 2 s): a call that starts a request (the previous call returned more
than 50 ms ago) waits until 1.9 s after it started, later calls of the same batch answer at once, so
no request times out. Without a budget for the whole grading this holds a grader for hours."""
import functools as _functools
import time as _time

_clock = {"last": 0.0, "start": 0.0}


def _slow(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        now = _time.monotonic()
        if now - _clock["last"] > 0.05:
            _clock["start"] = now
        _time.sleep(max(0.0, _clock["start"] + 1.9 - now))
        try:
            return fn(*args, **kwargs)
        finally:
            _clock["last"] = _time.monotonic()

    return wrapper


rnn_step_forward = _slow(rnn_step_forward)
rnn_step_backward = _slow(rnn_step_backward)
rnn_forward = _slow(rnn_forward)
rnn_backward = _slow(rnn_backward)
