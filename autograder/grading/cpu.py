"""One CPU per grading: the grader and its sandboxed worker run on the same core.

A grading is a conversation: the grader sends a request, waits, the worker computes and answers, and
so on about 1,500 times for a correct ``recurrent`` submission. Neither side works while the other
does, so two cores give it nothing; but when the two sides sit on different cores every answer has to
wake the other core, which on a virtual machine costs more CPU than the tiny arrays' arithmetic
(a bare pipe round trip on this kit's 2-core machine: 32.6 us of CPU across cores, 5.8 us on one, as
``bench --one-core-vs-any-core`` printed it). When both cores are busy the kernel already keeps
such a pair together, so a batch gains nothing from it and turns it off (``classroom/batch.py``,
``graders_environment``); a lone grading (Gradescope, ``make grade-one``) gains. ``one_cpu`` pins the
grading to one core no other grading on this machine holds, so concurrent gradings (two TAs'
terminals, a batch asked to pin) still spread over the cores.

Nothing about the results changes: the worker still gets a whole core for each call, and its time
limits are wall-clock limits as before. ``bench --one-core-vs-any-core`` measures both ways.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: Set (to anything) to let gradings run on any core (``bench --one-core-vs-any-core`` compares the two).
NO_PIN_ENV = "AUTOGRADER_NO_CPU_PINNING"


def claim(name: str) -> socket.socket | None:
    """Reserve ``name`` on this machine: an abstract Unix socket of that name, bound (atomic; the
    kernel releases it when the process ends, however it ends). None if another process holds it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(f"\0{name}")
    except OSError:
        sock.close()
        return None
    return sock


def current_cpu() -> int | None:
    """The CPU this process last ran on (the 39th field of its ``/proc/PID/stat``), or None if unknown."""
    try:
        with open(f"/proc/{os.getpid()}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()  # after "pid (comm)": field 3 onwards
        return int(fields[36])
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Pin:
    """What ``one_cpu`` did: ``cpu``, the CPU the calling thread was pinned to (None: nothing pinned),
    and ``allowed``, the CPUs it could run on before."""

    cpu: int | None = None
    allowed: frozenset = frozenset()

    @contextlib.contextmanager
    def lifted(self) -> Iterator[None]:
        """For the block, the calling thread runs on ``allowed`` again; processes it started while
        pinned stay on ``cpu`` (``grade``: the worker starts there while the grader imports pytest)."""
        if self.cpu is None:
            yield
            return
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, self.allowed)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, {self.cpu})


@contextlib.contextmanager
def one_cpu(reserve: Callable[[str], socket.socket | None] = claim) -> Iterator[Pin]:
    """Run the block, and every process it starts, on one CPU that no other grading holds (the one
    this process is on if it is free); yields the ``Pin`` (its ``cpu`` None when nothing was pinned:
    one CPU only, no CPU affinity on this system, every CPU held by another grading, or ``NO_PIN_ENV``
    set). The calling thread's CPUs are restored afterwards. ``reserve``: how a CPU's name is claimed
    (``claim``; the kit's tests use names of their own, apart from gradings running meanwhile)."""
    if os.environ.get(NO_PIN_ENV):
        yield Pin()
        return
    try:
        allowed = frozenset(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # AttributeError: no affinity calls (macOS)
        yield Pin()
        return
    here = current_cpu()
    order = sorted(allowed, key=lambda cpu: (cpu != here, cpu))
    held = None
    if len(allowed) > 1:
        for cpu in order:
            held = reserve(f"autograder-cpu-{cpu}")
            if held is not None:
                break
    if held is None:
        yield Pin(None, allowed)
        return
    try:
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:  # e.g. a cpuset that changed meanwhile
            cpu = None
        yield Pin(cpu, allowed)
    finally:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, allowed)
        held.close()
