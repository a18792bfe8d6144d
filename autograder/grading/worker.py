"""The sandboxed worker: imports the student's files and calls their functions on request.

Runs inside the sandbox (see sandbox.py), started as ``python -I worker.py`` with its current
directory in a staged copy of the submission. It reads requests and answers on the two pipe fds
named on its command line, using
wire.py (plain data only). It holds no reference solution and no check: it only calls functions.
Whatever student code does here (patch numpy, lie in ``__eq__``, print, exit) can only change the
arrays it answers with; the trusted grader validates and compares them.
"""

import importlib.util
import os
import sys
import time
import traceback

REQUESTS, REPLIES = int(sys.argv[1]), int(sys.argv[2])  # pipe fds inherited from the grader
KEEP_STDERR = sys.argv[3:] == ["--keep-stderr"]  # AUTOGRADER_DEBUG: let the student's output through
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402  (after sys.path is set)

import wire  # noqa: E402

STAGE = os.getcwd()
sys.path.insert(0, STAGE)
handles: dict = {}
modules: dict = {}


def keep(value) -> int:
    number = len(handles) + 1
    while number in handles:
        number += 1
    handles[number] = value
    return number


def resolve(number: int):
    if number not in handles:
        raise KeyError(f"unknown cache #{number}")
    return handles[number]


def student_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` trimmed to frames in the student's own files."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(STAGE + os.sep)]
    for f in frames:
        f.filename = os.path.basename(f.filename)
    if isinstance(exc, SyntaxError) and isinstance(exc.filename, str):
        exc.filename = os.path.basename(exc.filename)  # its own "File ..." line: no staging path in feedback
    lines = traceback.format_list(frames)
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)[-4000:]


def load(module: str):
    if module not in modules:
        path = os.path.join(STAGE, module + ".py")
        spec = importlib.util.spec_from_file_location(module, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[module] = mod
        try:
            spec.loader.exec_module(mod)
        except BaseException:
            sys.modules.pop(module, None)
            raise
        modules[module] = mod
    return modules[module]


def fresh(value):
    """A copy of decoded plain data whose arrays the student's code may change at will."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(fresh(v) for v in value)
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    return value


class Shared:
    """A batch's arguments, each decoded on first use (inside the call that uses it, so a bad one fails
    that call as a bad argument of a single call does) and then only copied."""

    def __init__(self, trees: list, arrays: list):
        self.trees, self.arrays, self.values = trees, arrays, {}

    def __getitem__(self, number: int):
        if number not in self.values:
            self.values[number] = wire.decode(self.trees[number], self.arrays, resolve)
        return self.values[number]


def call_one(request: dict, arrays: list, shared: Shared | None = None) -> dict:
    """Run one call; returns the reply values (never raises, whatever the student code does).
    With ``shared`` (a batch's decoded arguments), ``request["args"]`` numbers its arguments in it
    and the call gets fresh copies of them."""
    stage = "import"
    try:
        module = load(request["module"])
        stage = "lookup"
        function = getattr(module, request["fn"])
        stage = "call"
        if shared is None:
            args = wire.decode(request["args"], arrays, resolve)
            kwargs = wire.decode(request["kwargs"], arrays, resolve)
        else:
            args, kwargs = tuple(fresh(shared[i]) for i in request["args"]), {}
        value = function(*args, **kwargs)
        reply = {"ok": True, "value": value}
        if request.get("drop_last") and isinstance(value, (tuple, list)) and value:
            reply["value"] = type(value)(list(value[:-1]) + [None])
        elif request.get("keep_last") and isinstance(value, (tuple, list)) and value:
            reply["value"] = type(value)(list(value[:-1]) + [wire.Handle(keep(value[-1]))])
        if request.get("echo_args"):
            reply["args_after"] = args
            reply["kwargs_after"] = kwargs
        return reply
    except BaseException as exc:  # the student's code may raise anything, SystemExit included
        return {
            "ok": False,
            "stage": stage,
            "type": type(exc).__name__,
            "not_implemented": isinstance(exc, NotImplementedError),
            "message": str(exc)[:2000] if not isinstance(exc, RecursionError) else "maximum recursion depth exceeded",
            "traceback": student_traceback(exc),
        }


def reply(header: dict, values: dict) -> None:
    try:
        wire.send_value(REPLIES, header, values, keep=keep)
    except Exception as exc:  # e.g. a value too large or too deep to encode
        wire.send_value(REPLIES, {"ok": False, "stage": "return", "type": type(exc).__name__,
                                  "not_implemented": False, "message": f"could not send the result: {exc}"[:2000],
                                  "traceback": "", "seq": header.get("seq")}, {})


def silence() -> None:
    """Point stdout and stderr at /dev/null: until now stderr told the grader why a start failed;
    from here on it would only carry the student's output, which nobody reads."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def main() -> None:
    if not KEEP_STDERR:
        silence()
    wire.send_value(REPLIES, {"ready": True, "pid": os.getpid(), "uid": os.getuid()}, {})
    while True:
        request, arrays = wire.recv(REQUESTS)
        op = request.get("op")
        if op == "call":
            out = call_one(request, arrays)
        elif op == "call_many":
            shared = Shared(request["shared"], arrays)
            out = {"ok": True, "results": [call_one(r, arrays, shared) for r in request["calls"]]}
        elif op == "import":
            try:
                load(request["module"])
                out = {"ok": True}
            except BaseException as exc:
                out = {"ok": False, "stage": "import", "type": type(exc).__name__, "not_implemented": False,
                       "message": str(exc)[:2000], "traceback": student_traceback(exc)}
        elif op == "reset":
            handles.clear()  # may run the student's __del__: the grader blames the functions that made them
            out = {"ok": True}
        elif op == "exit":
            os._exit(0)
        else:
            out = {"ok": False, "stage": "protocol", "type": "ValueError", "not_implemented": False,
                   "message": f"unknown op {op!r}", "traceback": ""}
        header = {k: v for k, v in out.items() if k not in ("value", "args_after", "kwargs_after", "results")}
        header["seq"] = request.get("seq")  # the grader matches every answer to its request
        header["held"] = len(handles)  # cached objects held: the grader skips a reset when there are none
        header["cpu"] = time.process_time()  # for the grader's profile (bench)
        values = {k: out[k] for k in ("value", "args_after", "kwargs_after", "results") if k in out}
        reply(header, values)


if __name__ == "__main__":
    main()
