"""A submission whose functions run in the sandboxed worker: what the grader's checks call.

Same interface as ``checklib.local.LocalSubmission`` (``call``, ``watch``, ``call_many``,
``reset``, attribute access), so one check runs unchanged for a student and in the grader. Caches
stay in the worker; this side holds numbered handles. A function that timed out or killed the
worker once is not called again (its later calls fail at once), which keeps grading of a hanging
submission short and, since check order is fixed, deterministic.
"""

from __future__ import annotations

from pathlib import Path

from . import wire
from .checklib.errors import (
    MissingFile, MissingFunction, NotImplementedYet, StudentCrash, StudentException, StudentTimeout,
)
from .sandbox import Worker, WorkerDied, WorkerTimeout

IMPORT_TIMEOUT_S = 20.0


class RemoteSubmission:
    """The staged submission in ``worker.stage``, called through ``worker``.

    Args:
        worker: the sandboxed worker (started on first use).
        functions: function name -> file name.
        present: the student files that were found and staged.
        call_timeout_s: wall-clock limit per call.
    """

    def __init__(self, worker: Worker, functions: dict[str, str], present: set[str], call_timeout_s: float):
        self.worker = worker
        self.functions = dict(functions)
        self.present = set(present)
        self.call_timeout_s = call_timeout_s
        self._broken: dict[str, Exception] = {}  # function or file -> the failure that stopped it
        self._imported_in: dict[str, int] = {}  # file -> worker generation that imported it

    def __repr__(self) -> str:
        return "<submission>"

    # ---------------------------------------------------------------- plumbing

    def _ensure_imported(self, name: str) -> str:
        file = self.functions[name]
        if file not in self.present:
            raise MissingFile(name, file)
        if file in self._broken:
            raise self._broken[file]
        if not self.worker.alive or self._imported_in.get(file) != self.worker.generation:
            try:
                header, _ = self.worker.request({"op": "import", "module": Path(file).stem}, {}, IMPORT_TIMEOUT_S)
            except WorkerTimeout:
                self._broken[file] = StudentTimeout(name, IMPORT_TIMEOUT_S)
                self._broken[file].message = f"importing {file} did not finish within {IMPORT_TIMEOUT_S:g} s"
                raise self._broken[file] from None
            except WorkerDied as exc:
                self._broken[file] = StudentCrash(name, f"while importing {file}: {exc}")
                raise self._broken[file] from None
            if not header.get("ok"):
                raise StudentException(name, str(header.get("type")), str(header.get("message")),
                                       str(header.get("traceback", "")), during="import")
            self._imported_in[file] = self.worker.generation
        return file

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

    def _request(self, name: str, header: dict, values: dict, timeout: float):
        if name in self._broken:
            raise self._broken[name]
        self._ensure_imported(name)
        self._check_handles(name, values)
        try:
            reply, arrays = self.worker.request(header, values, timeout)
        except WorkerTimeout:
            self._broken[name] = StudentTimeout(name, timeout, earlier=True)
            raise StudentTimeout(name, timeout) from None
        except WorkerDied as exc:
            self._broken[name] = StudentCrash(name, f"{exc}; not retried")
            raise StudentCrash(name, str(exc)) from None
        return reply, arrays

    def _outcome(self, name: str, reply: dict, arrays: list, key: str = "value"):
        if not reply.get("ok"):
            if reply.get("stage") == "lookup":
                raise MissingFunction(name, self.functions[name])
            if reply.get("not_implemented"):
                raise NotImplementedYet(name)
            raise StudentException(name, str(reply.get("type")), str(reply.get("message")),
                                   str(reply.get("traceback", "")))
        try:
            return self._tag(wire.decode(reply.get(key, {"t": "none"}), arrays))
        except wire.ChannelError as exc:
            raise StudentCrash(name, f"it sent back something that is not plain data: {exc}") from None

    def _header(self, name: str, **extra) -> dict:
        header = {"op": "call", "module": Path(self.functions[name]).stem, "fn": name,
                  "keep_last": name.endswith("_forward")}
        header.update(extra)
        return header

    # ---------------------------------------------------------------- the interface checks use

    def call(self, name: str, *args, **kwargs):
        """``name(*args, **kwargs)`` in the worker; forward functions' caches come back as handles."""
        reply, arrays = self._request(name, self._header(name), {"args": args, "kwargs": kwargs},
                                      self.call_timeout_s)
        return self._outcome(name, reply, arrays)

    def watch(self, name: str, *args, **kwargs):
        """Call and also get the arguments back as they were after the call (to detect mutation)."""
        reply, arrays = self._request(name, self._header(name, echo_args=True), {"args": args, "kwargs": kwargs},
                                      self.call_timeout_s)
        value = self._outcome(name, reply, arrays)
        return value, self._outcome(name, reply, arrays, "args_after"), self._outcome(name, reply, arrays, "kwargs_after")

    def call_many(self, name: str, calls: list[tuple]) -> list:
        """``name(*args)`` for every ``args`` in ``calls`` in one round trip; failures come back as exceptions."""
        header = {"op": "call_many", "calls": []}
        blobs: list = []
        for args in calls:
            self._check_handles(name, args)
            h = self._header(name, keep_last=False, drop_last=name.endswith("_forward"))
            h["args"] = wire.encode(tuple(args), blobs)
            h["kwargs"] = wire.encode({}, blobs)
            header["calls"].append(h)
        header["blobs"] = [len(b) for b in blobs]
        if name in self._broken:
            raise self._broken[name]
        self._ensure_imported(name)
        timeout = self.call_timeout_s + 0.05 * len(calls)
        try:
            self.worker.send_raw(header, blobs)
            reply, arrays = self.worker.receive(timeout)
        except WorkerTimeout:
            self._broken[name] = StudentTimeout(name, timeout, earlier=True)
            raise StudentTimeout(name, timeout) from None
        except WorkerDied as exc:
            self._broken[name] = StudentCrash(name, f"{exc}; not retried")
            raise StudentCrash(name, str(exc)) from None
        try:
            results = wire.decode(reply.get("results", {"t": "none"}), arrays)
        except wire.ChannelError as exc:
            raise StudentCrash(name, f"it sent back something that is not plain data: {exc}") from None
        if not isinstance(results, list) or len(results) != len(calls):
            raise StudentCrash(name, "the worker's answer did not match the request")
        out = []
        for r in results:
            try:
                if not isinstance(r, dict):
                    raise StudentCrash(name, "malformed answer")
                out.append(self._outcome_decoded(name, r))
            except Exception as exc:
                out.append(exc)
        return out

    def _outcome_decoded(self, name: str, r: dict):
        if not r.get("ok"):
            self._outcome(name, r, [])
        return self._tag(r.get("value"))

    def reset(self) -> None:
        """Drop the worker's cached objects (called between checks)."""
        if self.worker.alive:
            try:
                self.worker.request({"op": "reset"}, {}, self.call_timeout_s)
            except (WorkerTimeout, WorkerDied):
                pass

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self.__dict__.get("functions", {}):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)
