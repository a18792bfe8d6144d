"""A submission whose functions run in the sandboxed worker: what the grader's checks call.

Same interface as ``checklib.local.LocalSubmission`` (``call``, ``watch``, ``call_many``,
``reset``, attribute access), so one check runs unchanged for a student and in the grader. Caches
stay in the worker; this side holds numbered handles. A function that timed out or killed the
worker once is not called again (its later calls fail at once), which keeps grading of a hanging
submission short and, since check order is fixed, deterministic.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

from ..checklib.errors import (
    MissingFile, MissingFunction, NotImplementedYet, StudentCodeError, StudentCrash, StudentException,
    StudentTimeout, call_settings,
)
from ..checklib.local import IMPORT_TIMEOUTS  # importing a file may take this many call limits, as locally
from . import wire
from .sandbox import Worker, WorkerDied, WorkerTimeout



def budget_used_up(function: str, budget_s: float, used_s: float) -> StudentTimeout:
    """The error of a function stopped because the grading's time budget was used up."""
    return StudentTimeout(function, budget_s, message=(
        f"{function}: the time budget of this grading ({budget_s:g} s for all calls into your code) "
        f"was used up, {used_s:.1f} s of it by {function}, so its remaining checks were not run "
        "(a very slow function, or one that waits?)"))


def stopped(function: str, reason: str) -> StudentTimeout:
    """The error of a call refused because the grading was asked to stop."""
    return StudentTimeout(function, 0.0, message=f"{function}: not run: {reason}")


class RemoteSubmission:
    """The staged submission in ``worker.stage``, called through ``worker``.

    Args:
        worker: the sandboxed worker (started on first use).
        functions: function name -> file name.
        present: the student files that were found and staged.
        call_timeout_s: wall-clock limit per call (importing a file gets IMPORT_TIMEOUTS of them).
        budget_s: wall-clock budget of all calls into student code in this grading (None: none). Once
            it is used up, the functions that used most of it (most first, until what the others used
            fits in what is left of it; never one within its fair share, budget / number of
            functions) are not called again: their remaining checks fail as timed out.
        hints: missing file -> the received file that is probably it (staging's guess), for feedback.
        function_timeouts: function -> its own limit per call (the manifest's ``function_timeout_s``).
        cache_functions: functions whose last return value is a cache (the manifest declares them):
            it stays in the worker and the checks get a numbered handle.
    """

    def __init__(self, worker: Worker, functions: dict[str, str], present: set[str], call_timeout_s: float,
                 cache_functions: frozenset[str] = frozenset(), function_timeouts: dict[str, float] | None = None,
                 hints: dict[str, str] | None = None, budget_s: float | None = None):
        self.worker = worker
        self.cache_functions = frozenset(cache_functions)
        self.functions = dict(functions)
        self._modules = {name: Path(file).stem for name, file in self.functions.items()}  # what the worker imports
        self.present = set(present)
        self.call_timeout_s = call_timeout_s
        self.function_timeouts = dict(function_timeouts or {})
        self.hints = dict(hints or {})
        self.budget_s = budget_s
        self.spent: dict[str, float] = defaultdict(float)  # function -> seconds spent in its calls
        self.import_timeout_s = IMPORT_TIMEOUTS * call_timeout_s
        # function or file -> makes the error its later calls raise (a fresh one each time: an
        # exception object raised again keeps growing its traceback, and pytest formats all of it)
        self._broken: dict[str, Callable[[str], StudentCodeError]] = {}
        self._imported_in: dict[str, int] = {}  # file -> worker generation that imported it
        self._cache_makers: set[str] = set()  # functions whose returned caches the worker holds
        self._over_budget: set[str] = set()  # functions stopped by the time budget

    def __repr__(self) -> str:
        return "<submission>"

    # ---------------------------------------------------------------- plumbing

    def _raise_if_broken(self, key: str, name: str) -> None:
        if key in self._broken:
            raise self._broken[key](name)

    def _import_timeout(self, name: str, file: str) -> StudentTimeout:
        return StudentTimeout.importing(name, file, self.import_timeout_s)

    def _ensure_imported(self, name: str) -> str:
        file = self.functions[name]
        if file not in self.present:
            raise MissingFile(name, file, self.hints.get(file, ""))
        self._raise_if_broken(file, name)
        if not self.worker.alive or self._imported_in.get(file) != self.worker.generation:
            try:
                header, _ = self.worker.request({"op": "import", "module": Path(file).stem}, {},
                                                self.import_timeout_s)
            except WorkerTimeout:
                self._broken[file] = lambda fn: self._import_timeout(fn, file)
                raise self._broken[file](name) from None
            except WorkerDied as exc:
                self._broken[file] = lambda fn, detail=str(exc): StudentCrash(fn, f"while importing {file}: {detail}")
                raise self._broken[file](name) from None
            if not header.get("ok"):
                raise self._exception(name, header, during="import")
            self._imported_in[file] = self.worker.generation
        return file

    def _exception(self, name: str, reply: dict, during: str = "call") -> StudentException:
        """The exception the student's code raised, from the worker's reply; a MemoryError says
        what the memory limit is."""
        type_name, message = str(reply.get("type")), str(reply.get("message"))
        limits = getattr(self.worker, "limits", None)
        if type_name == "MemoryError" and getattr(limits, "memory_mb", None):
            message = (f"{message} [your code may use at most {limits.memory_mb} MiB of memory in grading: "
                       "an array that large, or a list that keeps growing, does not fit]")
        return StudentException(name, type_name, message, str(reply.get("traceback", "")), during=during)

    def _check_handles(self, name: str, value) -> None:
        if isinstance(value, wire.Handle):
            if value.generation != self.worker.generation or not self.worker.alive:
                raise StudentCrash(name, "its cache was lost when the process running your code was restarted")
        elif isinstance(value, (tuple, list)):
            for v in value:
                self._check_handles(name, v)
        elif isinstance(value, dict):
            for v in value.values():
                self._check_handles(name, v)

    def _tag(self, value):
        if isinstance(value, wire.Handle):
            value.generation = self.worker.generation
        elif isinstance(value, (tuple, list)):
            for v in value:
                self._tag(v)
        elif isinstance(value, dict):
            for v in value.values():
                self._tag(v)
        return value

    def _failed(self, name: str, exc: Exception, timeout: float) -> StudentCodeError:
        """The error of a call that timed out or killed the worker; later calls fail at once."""
        if isinstance(exc, WorkerTimeout):
            self._broken[name] = lambda fn: StudentTimeout(fn, timeout, earlier=True)
            limit_mb = getattr(getattr(self.worker, "limits", None), "memory_mb", None)
            used = exc.memory
            if limit_mb and used and 2 * used >= limit_mb << 20:  # half the limit or more: not a plain loop
                return StudentTimeout(name, timeout, memory_limit_mb=limit_mb)
            return StudentTimeout(name, timeout)
        self._broken[name] = lambda fn, detail=str(exc): StudentCrash(fn, f"{detail}; not retried")
        return StudentCrash(name, str(exc))

    def _request(self, name: str, header: dict, values: dict, timeout: float):
        self._raise_if_broken(name, name)
        self._ensure_imported(name)
        self._check_handles(name, values)
        start = time.monotonic()
        try:
            reply, arrays = self.worker.request(header, values, timeout)
        except (WorkerTimeout, WorkerDied) as exc:
            raise self._failed(name, exc, timeout) from None
        finally:
            self._charge(name, time.monotonic() - start)
        return reply, arrays

    def _charge(self, name: str, seconds: float) -> None:
        """Add a call's time to ``name``; past the budget, stop the functions that used it up."""
        self.spent[name] += seconds
        if self.budget_s is None or sum(self.spent.values()) <= self.budget_s:
            return
        # The heaviest users still running are stopped, most first, until what they used fits in what
        # the stopped ones left of the budget (but never one within its fair share): a slow function
        # cannot take honest ones down with it, and once the budget is gone no heavy user goes on.
        share = self.budget_s / max(1, len(self.functions))
        active = {f: used for f, used in self.spent.items() if f not in self._over_budget}
        room = self.budget_s - sum(used for f, used in self.spent.items() if f in self._over_budget)
        left = sum(active.values())
        for function, used in sorted(active.items(), key=lambda item: -item[1]):
            if left <= room or used <= share:
                break
            left -= used
            self._over_budget.add(function)
            if function not in self._broken:
                self._broken[function] = lambda fn, used=used: budget_used_up(fn, self.budget_s, used)

    def stop(self, reason: str) -> None:
        """Make every later call fail at once as timed out (the grader was asked to stop: the checks
        left finish quickly, results.json is written and the clean-up runs)."""
        for function in self.functions:
            self._broken[function] = lambda fn: stopped(fn, reason)

    def _outcome(self, name: str, reply: dict, arrays: list, key: str = "value", settings: dict | None = None):
        if not reply.get("ok"):
            if reply.get("stage") == "lookup":
                raise MissingFunction(name, self.functions[name])
            if reply.get("not_implemented"):
                raise NotImplementedYet(name, str(reply.get("message", "")), settings)
            raise self._exception(name, reply)
        try:
            value = self._tag(wire.decode(reply.get(key, {"t": "none"}), arrays))
        except wire.ChannelError as exc:
            raise StudentCrash(name, f"it sent back something that is not plain data: {exc}") from None
        if key == "value" and self._has_handle(value):
            self._cache_makers.add(name)
        return value

    def _has_handle(self, value) -> bool:
        if isinstance(value, wire.Handle):
            return True
        if isinstance(value, (tuple, list)):
            return any(self._has_handle(v) for v in value)
        if isinstance(value, dict):
            return any(self._has_handle(v) for v in value.values())
        return False

    def _header(self, name: str, **extra) -> dict:
        header = {"op": "call", "module": self._modules[name], "fn": name,
                  "keep_last": name in self.cache_functions}
        header.update(extra)
        return header

    # ---------------------------------------------------------------- the interface checks use

    def timeout_of(self, name: str) -> float:
        """The wall-clock limit of one call of ``name``."""
        return self.function_timeouts.get(name, self.call_timeout_s)

    def call(self, name: str, *args, **kwargs):
        """``name(*args, **kwargs)`` in the worker; declared caches come back as handles."""
        reply, arrays = self._request(name, self._header(name), {"args": args, "kwargs": kwargs},
                                      self.timeout_of(name))
        return self._outcome(name, reply, arrays, settings=call_settings(args, kwargs))

    def watch(self, name: str, *args, **kwargs):
        """Call and also get the arguments back as they were after the call (to detect mutation)."""
        reply, arrays = self._request(name, self._header(name, echo_args=True), {"args": args, "kwargs": kwargs},
                                      self.timeout_of(name))
        value = self._outcome(name, reply, arrays, settings=call_settings(args, kwargs))
        return value, self._outcome(name, reply, arrays, "args_after"), self._outcome(name, reply, arrays, "kwargs_after")

    def call_many(self, name: str, calls: list[tuple]) -> list:
        """``name(*args)`` for every ``args`` in ``calls`` in one round trip; failures come back as exceptions."""
        # An argument object shared by several calls (a numerical gradient perturbs one argument
        # and passes the same others to every call) is sent once; the worker copies it per call.
        header = {"op": "call_many", "calls": [], "shared": []}
        blobs: list = []
        number_of: dict[int, int] = {}  # id of an argument object -> its number in "shared"
        for args in calls:
            h = self._header(name, keep_last=False, drop_last=name in self.cache_functions)
            h["args"] = []
            for value in args:
                if id(value) not in number_of:
                    self._check_handles(name, value)
                    number_of[id(value)] = len(header["shared"])
                    header["shared"].append(wire.encode(value, blobs))
                h["args"].append(number_of[id(value)])
            header["calls"].append(h)
        header["blobs"] = [len(b) for b in blobs]
        self._raise_if_broken(name, name)
        self._ensure_imported(name)
        timeout = self.timeout_of(name) + 0.05 * len(calls)
        start = time.monotonic()
        try:
            self.worker.send_raw(header, blobs, timeout)
            reply, arrays = self.worker.receive(timeout)
        except (WorkerTimeout, WorkerDied) as exc:
            raise self._failed(name, exc, timeout) from None
        finally:
            self._charge(name, time.monotonic() - start)
        try:
            results = wire.decode(reply.get("results", {"t": "none"}), arrays)
        except wire.ChannelError as exc:
            raise StudentCrash(name, f"it sent back something that is not plain data: {exc}") from None
        if not isinstance(results, list) or len(results) != len(calls):
            raise StudentCrash(name, "the worker's answer did not match the request")
        out = []
        for r, args in zip(results, calls):
            try:
                if not isinstance(r, dict):
                    raise StudentCrash(name, "malformed answer")
                out.append(self._outcome_decoded(name, r, call_settings(tuple(args), {})))
            except Exception as exc:
                out.append(exc)
        return out

    def _outcome_decoded(self, name: str, r: dict, settings: dict):
        if not r.get("ok"):
            self._outcome(name, r, [], settings=settings)
        return self._tag(r.get("value"))

    def reset(self) -> None:
        """Drop the worker's cached objects (called between checks; no round trip when its last answer
        said it holds none). Dropping them may run the student's code (``__del__``); if that hangs or
        crashes, the functions that returned those objects are blamed and not called again."""
        makers, self._cache_makers = self._cache_makers, set()
        if self.worker.alive and getattr(self.worker, "holds", True):  # nothing held: nothing to drop
            try:
                self.worker.request({"op": "reset"}, {}, self.call_timeout_s)
            except (WorkerTimeout, WorkerDied) as exc:
                what = "did not finish" if isinstance(exc, WorkerTimeout) else "failed"
                for name in makers:
                    self._broken[name] = lambda fn, detail=f"freeing the cache it returned {what} ({exc}); not retried": \
                        StudentCrash(fn, detail)

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self.__dict__.get("functions", {}):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)
