"""A submission imported into this process: how a student checks their own work.

The grader never uses this for student code (it uses the sandboxed worker, see
``autograder/remote.py``); it does use it for the trusted reference solutions.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
import traceback
from pathlib import Path

from .errors import MissingFile, MissingFunction, NotImplementedYet, StudentException


def trimmed_traceback(exc: BaseException, folder: Path) -> str:
    """``exc``'s traceback with only the frames in files under ``folder``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(folder)]
    for f in frames:
        f.filename = Path(f.filename).name
    return "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))[-4000:]


class LocalSubmission:
    """The functions of the files in ``folder``, called in this process.

    Args:
        folder: where the files are.
        functions: function name -> file name, e.g. {"rnn_step_forward": "rnn.py"}.
        prefix: prefix of the module names under which the files are imported (keeps a reference's
            ``rnn`` apart from a student's ``rnn``).
        extra_paths: folders the files may import from besides ``folder`` (an assignment's provided files).
    """

    def __init__(self, folder: Path, functions: dict[str, str], prefix: str = "", extra_paths=()):
        self.folder = Path(folder).resolve()
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
                spec.loader.exec_module(module)
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
        function = self._function(name)
        try:
            return function(*args, **kwargs)
        except NotImplementedError:
            raise NotImplementedYet(name) from None
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
