"""Appended to the reference rnn.py: the forward functions are right, but rnn_step_backward ends
the process with os._exit after computing its answer and rnn_backward SIGKILLs itself (the
reference's rnn_backward is built on rnn_step_backward, so it is kept for the check of the step)."""
import os as _os
import signal as _signal

_honest_step_backward = rnn_step_backward


def rnn_step_backward(dnext_h, cache):
    _honest_step_backward(dnext_h, cache)
    _os._exit(0)


def rnn_backward(dh, cache):
    _os.kill(_os.getpid(), _signal.SIGKILL)
