"""One CPU per grading (autograder/grading/cpu.py): a grading and its worker share a core that no
other grading holds, and the caller gets its CPUs back."""

from __future__ import annotations

import os
import threading

import pytest

from autograder import manifest as manifests
from autograder.grading import cpu, grade as grading
from autograder.grading.cpu import NO_PIN_ENV, claim, current_cpu, one_cpu

affinity = pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                              reason="needs CPU affinity calls and at least 2 CPUs")


@pytest.fixture(autouse=True)
def pinning_on(monkeypatch):
    monkeypatch.delenv(NO_PIN_ENV, raising=False)


def private(name: str):
    """``claim`` under a name of this test process: gradings running meanwhile (other tests, other
    processes) hold the real CPU names, and would take CPUs from the tests below."""
    return claim(f"test-{os.getpid()}-{name}")


def test_a_name_is_claimed_by_one_holder_at_a_time_and_freed_on_close():
    first = claim("autograder-test-claim")
    assert first is not None
    assert claim("autograder-test-claim") is None
    first.close()
    again = claim("autograder-test-claim")
    assert again is not None
    again.close()


@affinity
def test_current_cpu_is_one_this_process_may_run_on():
    assert current_cpu() in os.sched_getaffinity(0)


@affinity
def test_the_block_runs_on_one_cpu_and_the_caller_gets_its_cpus_back():
    before = os.sched_getaffinity(0)
    with one_cpu(private) as pin:
        held = pin.cpu
        assert held in before and pin.allowed == before
        assert os.sched_getaffinity(0) == {held}
        assert private(f"autograder-cpu-{held}") is None  # held while the block runs
        with pin.lifted():
            assert os.sched_getaffinity(0) == before
        assert os.sched_getaffinity(0) == {held}
    assert os.sched_getaffinity(0) == before
    released = private(f"autograder-cpu-{held}")
    assert released is not None
    released.close()


@affinity
def test_concurrent_gradings_get_different_cpus_until_none_is_left():
    allowed = os.sched_getaffinity(0)
    holding = threading.Barrier(len(allowed) + 1)
    done = threading.Event()
    seen = []

    def grading():  # a thread per "grading": each holds its CPU until the checks below are done
        with one_cpu(private) as pin:
            seen.append(pin.cpu)
            holding.wait(timeout=30)
            done.wait(timeout=30)

    threads = [threading.Thread(target=grading) for _ in allowed]
    for thread in threads:
        thread.start()
    holding.wait(timeout=30)
    try:
        assert sorted(seen) == sorted(allowed)  # every CPU once
        with one_cpu(private) as extra:
            assert extra.cpu is None  # all held: the next grading runs on any core
            assert os.sched_getaffinity(0) == allowed
    finally:
        done.set()
        for thread in threads:
            thread.join()


@affinity
def test_the_environment_variable_turns_pinning_off(monkeypatch):
    before = os.sched_getaffinity(0)
    monkeypatch.setenv(NO_PIN_ENV, "1")
    with one_cpu() as pin:
        assert pin.cpu is None
        with pin.lifted():  # nothing to lift
            assert os.sched_getaffinity(0) == before
        assert os.sched_getaffinity(0) == before


def test_without_affinity_calls_nothing_is_pinned(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    with one_cpu() as pin:
        assert pin.cpu is None


@affinity
@pytest.mark.slow
def test_a_grading_starts_its_worker_on_one_held_cpu_and_gives_it_back(tmp_path, monkeypatch):
    before = os.sched_getaffinity(0)
    at_start = []
    begin = grading.Worker.begin_start

    def recording(self):
        at_start.append(os.sched_getaffinity(0))  # what the worker's process inherits
        return begin(self)

    monkeypatch.setattr(grading.Worker, "begin_start", recording)
    monkeypatch.setattr(grading, "one_cpu", lambda: one_cpu(private))  # apart from gradings running meanwhile
    results = grading.grade("sequences", manifests.load("sequences").solutions, tmp_path / "results.json",
                            max_examples=2)
    assert results.score == results.max_score
    assert len(at_start) == 1 and len(at_start[0]) == 1
    assert os.sched_getaffinity(0) == before
    (held,) = at_start[0]
    free = private(f"autograder-cpu-{held}")  # released when the grading ended
    assert free is not None
    free.close()


def test_the_module_adds_no_constant_hypothesis_would_draw():
    """Hypothesis mixes the constants of the grader's modules into its draws, so a new literal here
    would change the cases (and feedback) of every grading; the module uses only literals that
    sandbox.py, loaded with it in every grading, already has."""
    from hypothesis.internal.constants_ast import constants_from_module

    from autograder.grading import sandbox

    assert set(constants_from_module(cpu)) <= set(constants_from_module(sandbox))
