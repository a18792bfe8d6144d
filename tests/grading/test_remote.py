"""The remote submission (autograder/grading/remote.py) against a real sandboxed worker on a tiny staged
folder: calls and their errors, caches of the declared cache functions kept in the worker as
handles, per-function time limits, a function that timed out is not called again, and one stopped
for time while holding much of the memory limit is reported as a memory problem, not a loop."""

from __future__ import annotations

import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.checklib.errors import (
    MissingFile, MissingFunction, NotImplementedYet, StudentCrash, StudentException, StudentTimeout,
)
from autograder.grading import wire
from autograder.grading.remote import RemoteSubmission
from autograder.grading.sandbox import Limits, Worker

pytestmark = pytest.mark.slow  # every test starts a sandboxed worker

CALL_TIMEOUT_S = 1.0

MODULE = '''
import time
import numpy as np

def forward(x):
    return 2 * x, (x.copy(), "cache")

def plain(x):
    return 2 * x, x.copy()

def from_cache(cache):
    return cache[0] * 3

def mutate(x):
    x += 1
    return x.sum()

def nap(seconds):
    time.sleep(seconds)
    return float(seconds)

def nap_longer(seconds):
    time.sleep(seconds)
    return float(seconds)

def boom():
    raise ValueError("bad input")

def todo():
    raise NotImplementedError

def hog():
    return np.ones(1 << 40)

def hoard(seconds):
    kept = np.empty(96 << 20)  # 768 MiB of address space (never touched), half the 1536 MiB limit
    time.sleep(seconds)
    return float(kept.size)
'''

FUNCTIONS = {name: "mod.py" for name in ("forward", "plain", "from_cache", "mutate", "nap", "nap_longer", "boom",
                                          "todo", "not_defined", "hog", "hoard")}
FUNCTIONS["elsewhere"] = "other.py"


@pytest.fixture
def submission():
    """A RemoteSubmission of mod.py (other.py missing), ``forward`` declared a cache function,
    ``nap_longer`` with its own 3 s limit; the stage is in a folder the sandbox uid can reach."""
    stage = Path(tempfile.mkdtemp(prefix="ag-test-remote-"))
    (stage / "mod.py").write_text(textwrap.dedent(MODULE))
    worker = Worker(stage, Limits(call_timeout_s=CALL_TIMEOUT_S))
    try:
        worker.start()
        yield RemoteSubmission(worker, FUNCTIONS, {"mod.py"}, CALL_TIMEOUT_S, cache_functions=frozenset({"forward"}),
                               function_timeouts={"nap_longer": 3.0})
    finally:
        worker.close()
        shutil.rmtree(stage, ignore_errors=True)


def test_a_call_runs_in_the_worker_and_returns_plain_arrays(submission):
    x = np.arange(4.0)
    out, copy = submission.call("plain", x)
    assert type(out) is np.ndarray and np.array_equal(out, 2 * x)
    assert type(copy) is np.ndarray and np.array_equal(copy, x)  # not a cache function: a plain value
    assert np.array_equal(submission.plain(x)[0], 2 * x)  # attribute access calls too
    with pytest.raises(AttributeError):
        submission.not_a_function


def test_a_declared_cache_function_returns_a_handle_the_worker_resolves(submission):
    x = np.arange(3.0)
    out, cache = submission.call("forward", x)
    assert np.array_equal(out, 2 * x)
    assert isinstance(cache, wire.Handle) and cache.generation == submission.worker.generation
    assert np.array_equal(submission.call("from_cache", cache), 3 * x)


def test_call_many_sends_a_shared_argument_once_and_every_call_gets_it_unchanged(submission):
    x = np.zeros(3)
    calls = [(x,)] * 3 + [(np.ones(3),)]  # "mutate" adds 1 to its argument in place
    sent = []
    send = submission.worker.send_raw
    submission.worker.send_raw = lambda header, blobs, timeout: sent.append(header) or send(header, blobs, timeout)
    assert submission.call_many("mutate", calls) == [3.0, 3.0, 3.0, 6.0]
    assert len(sent[-1]["shared"]) == 2 and [c["args"] for c in sent[-1]["calls"]] == [[0], [0], [0], [1]]
    assert np.array_equal(x, np.zeros(3))
    results = submission.call_many("boom", [(), ()])  # each call's error comes back as its own exception
    assert all(isinstance(r, StudentException) and "bad input" in str(r) for r in results)


def test_no_reset_round_trip_while_the_worker_holds_no_cache(submission):
    requests = []
    request = submission.worker.request
    submission.worker.request = lambda header, values, timeout: requests.append(header["op"]) or request(
        header, values, timeout)
    submission.call("plain", np.arange(2.0))
    submission.reset()
    assert requests == ["import", "call"] and not submission.worker.holds
    submission.call("forward", np.arange(2.0))  # a declared cache function: the worker keeps its cache
    assert submission.worker.holds
    submission.reset()
    assert requests == ["import", "call", "call", "reset"] and not submission.worker.holds


def test_watch_gives_the_arguments_as_they_were_after_the_call(submission):
    x = np.zeros(3)
    value, args, kwargs = submission.watch("mutate", x)
    assert value == 3.0 and np.array_equal(args[0], np.ones(3)) and kwargs == {}
    assert np.array_equal(x, np.zeros(3))  # the grader's copy is untouched


def test_errors_of_the_students_code_are_student_code_errors(submission):
    with pytest.raises(StudentException, match="your code raised ValueError while calling boom: bad input"):
        submission.call("boom")
    with pytest.raises(NotImplementedYet):
        submission.call("todo")
    with pytest.raises(MissingFunction, match="mod.py does not define a function named not_defined"):
        submission.call("not_defined")
    with pytest.raises(MissingFile, match="other.py is missing"):
        submission.call("elsewhere")
    limit = submission.worker.limits.memory_mb
    with pytest.raises(StudentException, match=rf"raised MemoryError while calling hog: .*at most {limit} MiB of memory"):
        submission.call("hog")
    assert np.array_equal(submission.call("plain", np.ones(2))[0], 2 * np.ones(2))  # nothing broken


def test_each_function_has_its_own_time_limit(submission):
    assert submission.timeout_of("nap") == CALL_TIMEOUT_S and submission.timeout_of("nap_longer") == 3.0
    assert submission.call("nap_longer", 1.5) == 1.5  # over the call limit, within its own
    start = time.monotonic()
    with pytest.raises(StudentTimeout, match="nap did not finish within 1 s"):
        submission.call("nap", 5)
    assert time.monotonic() - start < 4  # stopped at its limit, not after its nap


def test_a_function_that_timed_out_is_not_called_again(submission):
    with pytest.raises(StudentTimeout):
        submission.call("nap", 5)
    generation = submission.worker.generation
    start = time.monotonic()
    with pytest.raises(StudentTimeout, match="nap timed out earlier in grading"):
        submission.call("nap", 0)  # would finish at once: it is not called at all
    assert time.monotonic() - start < 0.5
    assert submission.worker.generation == generation  # no worker was started for it
    assert submission.call("nap_longer", 0.1) == 0.1  # other functions run, in a new worker
    assert submission.worker.generation == generation + 1


def test_a_cache_from_a_killed_worker_is_not_used(submission):
    _, cache = submission.call("forward", np.ones(2))
    with pytest.raises(StudentTimeout):
        submission.call("nap", 5)  # the worker is killed, and the cache with it
    with pytest.raises(StudentCrash, match=r"while running from_cache \(its cache was lost"):
        submission.call("from_cache", cache)


def test_a_call_stopped_for_time_while_holding_much_memory_is_reported_as_memory(submission):
    with pytest.raises(StudentTimeout) as info:
        submission.call("hoard", 10.0)
    assert str(info.value) == ("hoard was stopped after 1 s while holding half or more of its 1536 MiB memory limit "
                               "(a huge allocation, or a list that keeps growing?)")
    with pytest.raises(StudentTimeout, match=r"did not finish within 1 s \(infinite loop\?\)"):  # a loop holds little
        submission.call("nap", 10.0)
