"""Every function ignores signals and spins forever, catching every exception (SystemExit included)."""
import signal


def _forever():
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGALRM", "SIGXCPU"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    while True:
        try:
            while True:
                pass
        except BaseException:
            continue


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    _forever()


def rnn_step_backward(dnext_h, cache):
    _forever()


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    _forever()


def rnn_backward(dh, cache):
    _forever()
