"""Right answers; also leaves files (the answers, and a few MiB) wherever it can write outside its
folder, for a later grading to read: /run/lock, /var/lock, /var/tmp, /dev/shm, /tmp."""
import os as _os

for _folder in ("/run/lock", "/var/lock", "/var/tmp", "/dev/shm", "/tmp"):
    try:
        with open(_os.path.join(_folder, "ag-hostile-answers.txt"), "wb") as _f:
            _f.write(b"rnn answers " * 100000)
        _os.makedirs(_os.path.join(_folder, "ag-hostile-dir", "deeper"), exist_ok=True)
    except OSError:
        pass
