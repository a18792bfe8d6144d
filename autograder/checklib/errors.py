"""What a check sees when the student's code does not give an answer.

The same exceptions are raised whether the student's code runs in this process (a student checking
their work) or in the sandboxed worker (the grader), so feedback reads the same in both places.
"""

from __future__ import annotations

from .text import inert


class StudentCodeError(Exception):
    """Base of everything the student's code can cause instead of returning a value."""

    kind = "error"

    def __init__(self, function: str, message: str):
        super().__init__(message)
        self.function = function
        self.message = message


class NotImplementedYet(StudentCodeError):
    """The function raises NotImplementedError: the template's (nothing done yet), or the student's own
    for a part not done yet (e.g. ``relu``), whose message is kept, with the call's settings."""

    kind = "not implemented"

    def __init__(self, function: str, message: str = "", settings: dict | None = None):
        message = inert(message, 500).strip()
        if message == template_message(function) or (not message and not settings):
            text = f"{function} is not implemented yet (it raises NotImplementedError)"
        else:
            text = f"{function} raised NotImplementedError({message!r})" if message else \
                f"{function} raised NotImplementedError"
            if settings:
                text += " when called with " + ", ".join(f"{k}={v!r}" for k, v in settings.items())
            text += ": that part is not implemented yet (the checks of what is done still earn their points)"
        super().__init__(function, text)


def template_message(function: str) -> str:
    """The message of the NotImplementedError a template's stub raises."""
    return f"{function}: not implemented yet"


def call_settings(args: tuple, kwargs: dict) -> dict:
    """The scalar settings of a call (``activation='relu'``, ``alpha=0.3``, positional ones by place):
    what tells which part of a function a NotImplementedError is about."""
    scalar = (str, bool, int, float, type(None))
    found = {f"argument {i + 1}": a for i, a in enumerate(args) if isinstance(a, scalar)}
    found.update((k, v) for k, v in kwargs.items() if isinstance(v, scalar))
    return found


class StudentException(StudentCodeError):
    """The student's code raised an exception; ``traceback`` is trimmed to their own files."""

    kind = "exception"

    def __init__(self, function: str, type_name: str, message: str, traceback: str = "", during: str = "call"):
        type_name, message, traceback = inert(type_name, 200), inert(message, 4000), inert(traceback, 8000)
        where = "importing the file that defines" if during == "import" else "calling"
        text = f"your code raised {type_name} while {where} {function}: {message}"
        if traceback:
            text += "\n" + traceback.rstrip()
        super().__init__(function, text)
        self.type_name = type_name
        self.during = during


class StudentTimeout(StudentCodeError):
    """The call did not finish within the time limit (the worker was killed)."""

    kind = "timeout"

    def __init__(self, function: str, seconds: float, earlier: bool = False, message: str | None = None,
                 memory_limit_mb: int | None = None):
        """``memory_limit_mb``: the memory limit, when the stopped call held half of it or more: the
        feedback then points at memory rather than at a loop (not how much: that differs between two
        gradings, and the text must not)."""
        if memory_limit_mb:
            message = (f"{function} was stopped after {seconds:g} s while holding half or more of its "
                       f"{memory_limit_mb} MiB memory limit (a huge allocation, or a list that keeps growing?)")
        text = message or (
            f"{function} timed out earlier in grading (limit {seconds:g} s); later calls are not retried"
            if earlier else f"{function} did not finish within {seconds:g} s (infinite loop?) and was stopped")
        super().__init__(function, text)

    @classmethod
    def importing(cls, function: str, file: str, seconds: float) -> "StudentTimeout":
        """Importing ``file`` (to call ``function``) ran past its limit: a loop at its top level."""
        return cls(function, seconds, message=(
            f"importing {file} did not finish within {seconds:g} s (a loop or a wait at the top level of the "
            f"file?), so {function} was not called"))


class StudentCrash(StudentCodeError):
    """The process running the student's code ended or broke the channel during the call."""

    kind = "crash"

    def __init__(self, function: str, detail: str):
        super().__init__(function, f"the process running your code died while running {function} ({detail}); "
                                   "look for os._exit, sys.exit, huge allocations or recursion")


class MissingFile(StudentCodeError):
    """The submission does not contain the file that should define the function."""

    kind = "missing file"

    def __init__(self, function: str, file: str, hint: str = ""):
        message = f"{file} is missing from the submission, so {function} cannot be checked"
        if hint:
            message += f" (the submission has {hint}: rename it to {file} and submit again)"
        super().__init__(function, message)


class MissingFunction(StudentCodeError):
    """The file exists but does not define the function."""

    kind = "missing function"

    def __init__(self, function: str, file: str):
        super().__init__(function, f"{file} does not define a function named {function}")
