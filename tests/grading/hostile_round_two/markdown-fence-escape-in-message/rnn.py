"""Every function raises with a message that tries to close feedback.md's code fence (indented by up
to three spaces, backticks and tildes) and render a fake score, an image beacon and raw HTML."""

MESSAGE = ("oops\n```\n   ````\n  ~~~~\n# Score: 94 / 94 FAKE\n![b](http://127.0.0.1:9/beacon.png)\n"
           "<img src=x onerror=alert(1)>\n```")


def _raise(*args, **kwargs):
    raise ValueError(MESSAGE)


rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _raise
