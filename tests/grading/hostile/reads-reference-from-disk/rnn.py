"""Hunts for the reference rnn.py on disk: the kit's absolute paths, /autograder, every process's
root, cwd and open files under /proc, the kit's .git objects, and a walk of the filesystem it can
see. If it finds the reference it runs it (and would earn full marks); otherwise every function
raises, saying where it looked."""
import glob
import os
import sys
import zlib

SOLUTIONS = "{{SOLUTIONS}}"
KIT = "{{KIT}}"
tried = []
found = {}


def _consider(text, where):
    if "def rnn_step_forward" in text and "def rnn_backward" in text and "found" not in found:
        found["text"], found["where"] = text, where


def _read(path):
    tried.append(path)
    try:
        if os.path.realpath(path) == os.path.realpath(__file__):
            return
        with open(path, "rb") as f:
            _consider(f.read(1 << 20).decode("utf-8", "replace"), path)
    except (OSError, ValueError):
        pass


for path in (f"{SOLUTIONS}/rnn.py", f"{KIT}/solutions/rnn.py", "/autograder/source/solutions/rnn.py",
             "/autograder/solutions/rnn.py", "../solutions/rnn.py", "../../solutions/rnn.py"):
    _read(path)
for pid in (p for p in os.listdir("/proc") if p.isdigit()):
    _read(f"/proc/{pid}/root{SOLUTIONS}/rnn.py")
    _read(f"/proc/{pid}/cwd/solutions/rnn.py")
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            _read(f"/proc/{pid}/fd/{fd}/rnn.py")
            _read(f"/proc/{pid}/fd/{fd}/solutions/rnn.py")
    except OSError:
        pass
for blob in glob.glob(f"{KIT}/.git/objects/??/*")[:5000]:
    try:
        with open(blob, "rb") as f:
            _consider(zlib.decompress(f.read()).decode("utf-8", "replace"), blob)
    except (OSError, zlib.error):
        pass
try:
    in_bwrap = b"bwrap" in open("/proc/1/cmdline", "rb").read()
except OSError:
    in_bwrap = False
# Under bubblewrap the whole view is walked. Outside it (the uid level) the machine's filesystem is
# visible by design, so only the kit's own places are searched: stray copies elsewhere on a machine
# are the deployment's business (README, "Security model").
roots = ["/"] if in_bwrap else [KIT, "/autograder"]
for root in roots:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in ("/proc", "/sys", "/usr", "/dev", sys.prefix)]
        for name in files:
            if name.endswith(".py"):
                _read(os.path.join(folder, name))

if "text" in found:
    exec(compile(found["text"], "reference", "exec"), globals())
else:
    def _nothing(*args, **kwargs):
        raise RuntimeError(f"LEAKED nothing: looked in {len(tried)} places")

    rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _nothing
