"""The batch's grader processes: each grading forked from a warm ``python -m autograder grade-server``.

    batch thread --request--> grade-server (imports paid once) --fork--> grading (own session, own worker)
                 <--pid, exit--                                 <--waitpid--

A ``python -m autograder grade`` process spends about a third of a second of CPU starting the
interpreter and importing numpy, pytest, Hypothesis and the kit before it grades anything; a class
pays it once per batch thread instead (``autograder.grading.grade.serve``). What each grading runs
is unchanged: ``grade``'s command line, in a process of its own, with its own sandboxed worker.

``WarmGraders.start`` hands out a ``Grading`` that looks like the ``subprocess.Popen`` of that
command to the batch (``pid``, ``wait(timeout)``): the batch stops it as it stopped a grader process
(SIGTERM, then SIGKILL to its process group), and a grade-server that dies takes its grading with
it (recorded as killed) and is replaced for the next one.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..paths import KIT_ROOT

KILLED = -signal.SIGKILL  # the exit status of a grading whose grade-server died under it


class ServerGone(Exception):
    """The grade-server ended (killed from outside, out of memory): no reply will come."""


class _Server:
    """One ``python -m autograder grade-server`` process and the unread part of its replies."""

    def __init__(self, preexec_fn=None, env: dict | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade-server"], cwd=KIT_ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     bufsize=0, preexec_fn=preexec_fn, env=env)
        self.pending = b""

    def send(self, request: dict) -> None:
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise ServerGone(str(exc)) from None

    def reply(self, timeout: float | None = None) -> dict | None:
        """The next reply, or None if ``timeout`` seconds pass first. Raises ServerGone."""
        deadline = None if timeout is None else time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.pending:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise ServerGone("the grade-server ended")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdout.close()


class Grading:
    """One grading running in a process forked by a grade-server (``pid`` leads its process group)."""

    def __init__(self, pool: "WarmGraders", server: _Server, pid: int) -> None:
        self.pool, self.server, self.pid = pool, server, pid
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        """Its exit status (negative: the signal that killed it), as ``Popen.wait``; raises
        ``subprocess.TimeoutExpired`` if it runs ``timeout`` seconds more."""
        if self.returncode is not None:
            return self.returncode
        try:
            reply = self.server.reply(timeout)
        except (ServerGone, ValueError):
            reply = {"exit": KILLED}
            self.server.close()
            self.pool._forget(self.server)
            self.server = None
        if reply is None:
            raise subprocess.TimeoutExpired(f"grading {self.pid}", timeout)
        self.returncode = int(reply["exit"])
        self.pool._give_back(self.server)
        return self.returncode


class WarmGraders:
    """Grade-servers for a batch, one per grading at once, started with ``env`` (None: this process's
    environment; the gradings they fork inherit it); ``close`` ends them."""

    def __init__(self, preexec_fn=None, env: dict | None = None) -> None:
        self.preexec_fn = preexec_fn
        self.env = env
        self.lock = threading.Lock()
        self.idle: list[_Server] = []
        self.all: list[_Server] = []

    def start(self, cmd: list[str], log: Path) -> Grading:
        """Start ``cmd`` (``python -m autograder grade ...``, as ``grading.command.grade_command``
        makes it) with its stdout and stderr in ``log``."""
        if cmd[1:3] != ["-m", "autograder"]:
            raise ValueError(f"WarmGraders.start: cmd: expected [python, '-m', 'autograder', ...], got {cmd[:3]}")
        request = {"argv": cmd[3:], "log": str(log)}
        server = self._take()
        try:
            return Grading(self, server, self._started(server, request))
        except ServerGone:  # an idle server died meanwhile (killed from outside): a fresh one
            server.close()
            self._forget(server)
        server = self._take(fresh=True)
        return Grading(self, server, self._started(server, request))

    @staticmethod
    def _started(server: _Server, request: dict) -> int:
        """Send ``request``; the pid of the grading the server forked for it."""
        server.send(request)
        try:
            return int(server.reply()["pid"])
        except (KeyError, TypeError, ValueError):
            raise ServerGone("the grade-server answered something else than a pid") from None

    def _take(self, fresh: bool = False) -> _Server:
        with self.lock:
            if self.idle and not fresh:
                return self.idle.pop()
        server = _Server(self.preexec_fn, self.env)
        with self.lock:
            self.all.append(server)
        return server

    def _give_back(self, server: _Server | None) -> None:
        with self.lock:
            if server is not None and server.proc.poll() is None:
                self.idle.append(server)

    def _forget(self, server: _Server) -> None:
        with self.lock:
            with contextlib.suppress(ValueError):
                self.all.remove(server)

    def close(self) -> None:
        with self.lock:
            servers, self.all, self.idle = self.all, [], []
        for server in servers:
            server.close()
