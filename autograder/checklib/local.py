"""A submission imported into this process: how a student checks their own work.

The grader never uses this for student code (it uses the sandboxed worker, see
``autograder/grading/remote.py``); it does use it for the trusted reference solutions.

With a time limit (``timeout_s``, the manifest's per-call limit in every student tool), a call that
runs past it is interrupted (a ``SIGALRM`` timer, on the main thread of a POSIX system: Linux, macOS,
Colab) and reported as the grader reports it; like the grader, the function is not called again.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import signal
import sys
import threading
import traceback
from pathlib import Path

from .errors import (
    MissingFile, MissingFunction, NotImplementedYet, StudentException, StudentTimeout, call_settings,
)


IMPORT_TIMEOUTS = 4  # importing a file may take this many call time limits (as in the grader)


class _CallTimedOut(BaseException):
    """Raised by the timer inside a student call (a BaseException: ``except Exception`` in student
    code cannot swallow it)."""


def can_time_out() -> bool:
    """Whether calls here can be interrupted by a timer (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block with ``_CallTimedOut`` after ``seconds`` (no limit where timers cannot run)."""
    if not seconds or not can_time_out():
        yield
        return

    def expire(signum, frame):
        raise _CallTimedOut()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def trimmed_traceback(exc: BaseException, folder: Path) -> str:
    """``exc``'s traceback with only the frames in files under ``folder``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(folder)]
    for f in frames:
        f.filename = Path(f.filename).name
    if isinstance(exc, SyntaxError) and isinstance(exc.filename, str):
        exc.filename = Path(exc.filename).name
    return "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))[-4000:]


class LocalSubmission:
    """The functions of the files in ``folder``, called in this process.

    Args:
        folder: where the files are.
        functions: function name -> file name, e.g. {"rnn_step_forward": "rnn.py"}.
        prefix: prefix of the module names under which the files are imported (keeps a reference's
            ``rnn`` apart from a student's ``rnn``).
        extra_paths: folders the files may import from besides ``folder`` (an assignment's provided files).
        timeout_s: wall-clock limit of one call (None: none, as for the trusted reference).
        function_timeouts: function -> its own limit, where the manifest gives one.
    """

    def __init__(self, folder: Path, functions: dict[str, str], prefix: str = "", extra_paths=(),
                 timeout_s: float | None = None, function_timeouts: dict[str, float] | None = None):
        self.folder = Path(folder).resolve()
        self.timeout_s = timeout_s
        self.function_timeouts = dict(function_timeouts or {})
        self._timed_out: dict[str, float] = {}
        self.extra_paths = [str(Path(p).resolve()) for p in extra_paths]
        self.functions = dict(functions)
        self.prefix = prefix
        self._modules: dict = {}

    def __repr__(self) -> str:
        return f"<submission in {self.folder.name}>"

    def _function(self, name: str):
        file = self.functions[name]
        path = self.folder / file
        if not path.is_file():
            raise MissingFile(name, file)
        if file not in self._modules:
            module_name = self.prefix + Path(file).stem
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            added = [p for p in (str(self.folder), *self.extra_paths) if p not in sys.path]
            sys.path[0:0] = added
            try:
                with time_limit(self.timeout_s and IMPORT_TIMEOUTS * self.timeout_s):
                    spec.loader.exec_module(module)
            except _CallTimedOut:
                sys.modules.pop(module_name, None)
                raise StudentTimeout.importing(name, file, IMPORT_TIMEOUTS * self.timeout_s) from None
            except Exception as exc:
                sys.modules.pop(module_name, None)
                raise StudentException(name, type(exc).__name__, str(exc), trimmed_traceback(exc, self.folder),
                                       during="import") from None
            finally:
                for p in added:
                    sys.path.remove(p)
            self._modules[file] = module
        function = getattr(self._modules[file], name, None)
        if not callable(function):
            raise MissingFunction(name, file)
        return function

    def call(self, name: str, *args, **kwargs):
        """``name(*args, **kwargs)``, with the student's exceptions turned into StudentCodeError."""
        if name in self._timed_out:
            raise StudentTimeout(name, self._timed_out[name], earlier=True)
        function = self._function(name)
        limit = self.function_timeouts.get(name, self.timeout_s)
        try:
            with time_limit(limit):
                return function(*args, **kwargs)
        except _CallTimedOut:
            self._timed_out[name] = limit
            raise StudentTimeout(name, limit) from None
        except NotImplementedError as exc:
            raise NotImplementedYet(name, str(exc), call_settings(args, kwargs)) from None
        except Exception as exc:
            raise StudentException(name, type(exc).__name__, str(exc), trimmed_traceback(exc, self.folder)) from None

    def watch(self, name: str, *args, **kwargs):
        """Call on copies of the arguments; returns (value, args after the call, kwargs after the call)."""
        args = copy.deepcopy(args)
        kwargs = copy.deepcopy(kwargs)
        value = self.call(name, *args, **kwargs)
        return value, args, kwargs

    def call_many(self, name: str, calls: list[tuple]) -> list:
        """``name(*args)`` for every ``args`` in ``calls``; a failed call gives its StudentCodeError."""
        out = []
        for args in calls:
            try:
                out.append(self.call(name, *args))
            except Exception as exc:  # StudentCodeError, or MissingFile before any call
                out.append(exc)
        return out

    def reset(self) -> None:
        """Forget per-check state (nothing to forget in-process)."""

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self.__dict__.get("functions", {}):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)
