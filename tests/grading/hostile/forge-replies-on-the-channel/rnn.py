"""At import, takes over the worker's channel: writes forged "all good" frames straight onto the
reply pipe (its fd is on the command line), and replaces the worker's own call handler so that every
rnn_* call answers ok with zeros. It can make the channel say anything, but only as plain data."""
import json
import os
import struct
import sys

import numpy as np

REPLIES = int(sys.argv[2])


def _frame(header):
    head = json.dumps(header).encode()
    return struct.pack("<QQ", len(head), 0) + head


for forged in ({"ok": True, "value": {"t": "f", "v": "1.0"}, "blobs": []},
               {"ok": True, "results": {"t": "list", "v": []}, "blobs": []},
               {"ok": True, "score": 1000, "blobs": []}):
    os.write(REPLIES, _frame(forged))

main = sys.modules["__main__"]
_honest_call_one = main.call_one


def _forged_call_one(request, arrays):
    if request.get("module") == "rnn":
        return {"ok": True, "value": (np.zeros((2, 2)), None)}
    return _honest_call_one(request, arrays)


main.call_one = _forged_call_one


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.zeros_like(prev_h), None


def rnn_step_backward(dnext_h, cache):
    return tuple(np.zeros((1, 1)) for _ in range(5))


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    return np.zeros(x.shape[:2] + h0.shape[1:]), None


def rnn_backward(dh, cache):
    return tuple(np.zeros((1, 1)) for _ in range(5))
