"""Right answers, each request answered just under the time limit per call (4.6 s of 5 s in the
issue; here 1.9 s of the test's 2 s): the first call of each request the grader sends waits until
1.9 s after it started, later calls of the same request (a batch of perturbed forwards) answer at
once, so no request times out. The request is recognised exactly, by its sequence number in the
worker's loop (a determined student can read the worker's frames). Without a budget for the whole
grading this holds a grader for hours."""
import functools as _functools
import sys as _sys
import time as _time

_clock = {"request": None, "start": 0.0}


def _request_number():
    frame = _sys._getframe(2)
    while frame is not None:
        request = frame.f_locals.get("request") if frame.f_code.co_name == "main" else None
        if isinstance(request, dict):
            return request.get("seq")
        frame = frame.f_back
    return None


def _slow(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        now = _time.monotonic()
        number = _request_number()
        if number is None or number != _clock["request"]:
            _clock["request"], _clock["start"] = number, now
        _time.sleep(max(0.0, _clock["start"] + 1.9 - now))
        return fn(*args, **kwargs)

    return wrapper


rnn_step_forward = _slow(rnn_step_forward)
rnn_step_backward = _slow(rnn_step_backward)
rnn_forward = _slow(rnn_forward)
rnn_backward = _slow(rnn_backward)
