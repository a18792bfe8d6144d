"""Reads every other process's command line from /proc, looking for a grader's ("autograder ...
--submission <a classmate's folder>"), to go and run a classmate's rnn.py. Every function raises,
listing what it saw: the test wants "LEAKED []"."""
import os

seen = []
for pid in (p for p in os.listdir("/proc") if p.isdigit()):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            text = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        continue
    if "autograder" in text or "--submission" in text:
        seen.append(text[:200])


def _leak(*args, **kwargs):
    raise RuntimeError(f"LEAKED {seen!r}")


rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _leak
