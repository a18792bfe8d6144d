"""Every rnn_* call writes its own answer straight onto the reply pipe (its fd is on the worker's
command line): a well-formed frame whose array blob has an npy header numpy itself rejects (shape
``(True, 2)``: "an integer is required"). It must read as this function's broken answer, never as a
failure of the grader (before the fix it turned every check, honest files included, into "grader
could not run this check")."""
import json
import os
import struct
import sys
import time

REPLIES = int(sys.argv[2])


def _forge(*args, **kwargs):
    text = b"{'descr': '<f8', 'fortran_order': False, 'shape': (True, 2), }"
    text += b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
    blob = b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + b"\0" * 16
    head = json.dumps({"ok": True, "value": {"t": "a", "i": 0}, "blobs": [len(blob)]}).encode()
    os.write(REPLIES, struct.pack("<QQ", len(head), len(blob)) + head + blob)
    time.sleep(30)


rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _forge
