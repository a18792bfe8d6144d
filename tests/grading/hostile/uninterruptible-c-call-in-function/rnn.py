"""Every function runs C code that holds the GIL for hours (catastrophic regex backtracking):
no Python-level signal handler or timer inside the worker could stop it."""
import re


def _stuck():
    re.match(r"(a+)+$", "a" * 64 + "b")


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    _stuck()


def rnn_step_backward(dnext_h, cache):
    _stuck()


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    _stuck()


def rnn_backward(dh, cache):
    _stuck()
