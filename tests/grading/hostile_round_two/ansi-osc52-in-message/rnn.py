"""Every function raises with terminal escapes in its message: ANSI colours and cursor moves, and an
OSC 52 sequence that would put text in the reader's clipboard."""

MESSAGE = "\x1b[2J\x1b[31mFAKE Score: 94 / 94\x1b[0m \x1b]52;c;cm0gLXJmIH4K\x07 \x9b31m \x1b]8;;http://x\x1b\\link"


def _raise(*args, **kwargs):
    raise ValueError(MESSAGE)


rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _raise
