"""``make bench``'s CPU figure counts the whole machine's busy time (the sandboxed workers are not
the bench's descendants once bubblewrap has let them go, so its children's rusage misses them)."""

import subprocess
import sys
import time

import pytest

from autograder.devtools.bench import _busy_cpu


@pytest.mark.slow
def test_busy_cpu_counts_a_process_that_is_not_a_waited_for_child():
    before = _busy_cpu()
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass"
    # a grandchild, detached from its parent (which exits at once): nobody in this process waits for it
    launcher = subprocess.run([sys.executable, "-c", (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', {spin!r}], start_new_session=True)")], check=True)
    assert launcher.returncode == 0
    time.sleep(1.5)  # the spinner's 0.4 s of CPU, with room for a busy machine
    assert _busy_cpu() - before >= 0.35
