"""Tries to start as many processes and threads as it can at import (fork, subprocess,
multiprocessing, threads), each sleeping forever; then returns zeros."""
import os
import subprocess
import threading
import time

import numpy as np

started = []
for _ in range(200):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        while True:
            time.sleep(60)
    started.append(pid)
for _ in range(50):
    try:
        started.append(subprocess.Popen(["sleep", "600"]))
    except OSError:
        break
for _ in range(50):
    try:
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    except RuntimeError:
        break
try:
    import multiprocessing

    multiprocessing.Process(target=time.sleep, args=(600,)).start()
except Exception:
    pass


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.zeros_like(prev_h), None


def rnn_step_backward(dnext_h, cache):
    return tuple(np.zeros((1, 1)) for _ in range(5))


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.zeros(x.shape[:2] + h0.shape[1:]), None


def rnn_backward(dh, cache):
    return tuple(np.zeros((1, 1)) for _ in range(5))
