"""Every function raises with a lone surrogate (and a NUL) in its message: feedback.md and
results.json must still be written, and the honest files keep their marks."""


def _raise(*args, **kwargs):
    raise ValueError("broken \ud800 text \udfff and \x00 nul")


rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _raise
