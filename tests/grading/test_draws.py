"""The store of draws (autograder/grading/draws.py): a grading that replays the cases an earlier one
drew gives exactly what Hypothesis's engine gives, pass or fail."""

from __future__ import annotations

import importlib
import os
import pickle
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import manifest as manifests
from autograder.checklib import settings
from autograder.grading import draws
from autograder.grading.draws import DrawStore, fingerprint
from autograder.grading.grade import private_paths
from autograder.paths import KIT_ROOT
from helpers import run_grade

STRATEGY = hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-10, 10))


@pytest.fixture(autouse=True)
def grading_profile():
    settings.load()
    yield
    settings.STORE[0] = None
    hypothesis_settings.load_profile("kit")


def new_process() -> None:
    """What a new grading process starts without: the in-process replay of ``for_all``."""
    settings._DRAWN.clear()


def run_check(store: DrawStore, body, check: str = "test_x.py::test_check", **options) -> None:
    settings.STORE[0] = store
    store.begin(check)
    try:
        settings.for_all(STRATEGY, body, **options)
    finally:
        settings.STORE[0] = None


def engine_cases(**options) -> list:
    seen = []
    settings._hypothesis_run(STRATEGY, lambda case: seen.append(case.copy()), **options)
    return seen


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_a_later_grading_replays_the_engines_cases_without_the_engine(tmp_path, monkeypatch):
    path = tmp_path / "a.pickle"
    new_process()
    run_check(store := DrawStore(path), lambda case: None)
    store.save()
    assert path.is_file()

    new_process()
    monkeypatch.setattr(settings, "_hypothesis_run", lambda *a, **k: pytest.fail("the engine ran"))
    seen = []
    run_check(DrawStore(path), lambda case: seen.append(case.copy()))
    monkeypatch.undo()
    assert same(seen, engine_cases())


def test_a_case_that_fails_is_found_and_shrunk_by_the_engine_as_without_the_store(tmp_path):
    path = tmp_path / "a.pickle"
    new_process()
    run_check(store := DrawStore(path), lambda case: None)
    store.save()

    def body(case):
        assert np.all(case < 5.0)

    with pytest.raises(AssertionError) as direct:
        settings._hypothesis_run(STRATEGY, body)
    new_process()
    with pytest.raises(AssertionError) as stored:
        run_check(DrawStore(path), body)
    assert str(stored.value) == str(direct.value)
    assert getattr(stored.value, "__notes__", []) == getattr(direct.value, "__notes__", [])


LATE = "late_constants_module"  # a local module a check imports partway, as hidden checks import the reference


@pytest.fixture
def late_module(tmp_path, monkeypatch):
    """``restart()``: a new grading process as far as Hypothesis's constants go (the module not yet
    imported, the constants Hypothesis collected from local modules as they were before it)."""
    (tmp_path / f"{LATE}.py").write_text("SCALE = 123456.75\nWORD = 'late word'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from hypothesis.internal.conjecture import providers

    settings.hypothesis_state()  # Hypothesis has looked at every module loaded so far
    fresh = (providers._local_constants, set(providers._seen_modules), providers._sys_modules_len)

    def restart():
        new_process()
        sys.modules.pop(LATE, None)
        monkeypatch.setattr(providers, "_local_constants", fresh[0])
        monkeypatch.setattr(providers, "_seen_modules", set(fresh[1]))
        monkeypatch.setattr(providers, "_sys_modules_len", fresh[2])

    yield restart
    sys.modules.pop(LATE, None)


def importing_at(case_number: int, seen: list):
    """A passing check body that imports the late module when it judges case ``case_number`` (1-based)."""
    def body(case):
        seen.append(case.copy())
        if len(seen) == case_number:
            importlib.import_module(LATE)
    return body


def test_a_check_that_imports_a_local_module_partway_is_replayed_when_it_imports_it_at_the_same_case(
        tmp_path, late_module, monkeypatch):
    late_module()
    before = settings.hypothesis_state()
    built = []
    run_check(store := DrawStore(tmp_path / "a.pickle"), importing_at(2, built))
    assert settings.hypothesis_state() > before  # the constants Hypothesis draws with grew during the check
    store.save()

    late_module()
    engine = []
    settings._hypothesis_run(STRATEGY, importing_at(2, engine))  # Hypothesis's own run, in a new process
    assert same(built, engine)

    late_module()
    replayed = []
    monkeypatch.setattr(settings, "_hypothesis_run", lambda *a, **k: pytest.fail("the engine ran"))
    run_check(DrawStore(tmp_path / "a.pickle"), importing_at(2, replayed))
    assert same(replayed, engine)


def test_a_check_that_imports_it_at_another_case_runs_through_the_engine(tmp_path, late_module):
    late_module()
    run_check(store := DrawStore(tmp_path / "a.pickle"), importing_at(2, []))
    store.save()

    late_module()
    runs = dict(settings.RUNS)
    run_check(DrawStore(tmp_path / "a.pickle"), importing_at(4, []))
    # cases 3 and 4 were drawn with the module's constants, not so here: Hypothesis draws them again
    assert settings.RUNS["rerun"] == runs["rerun"] + 1 and settings.RUNS["replayed"] == runs["replayed"]


def test_entries_are_per_check_call_and_example_count(tmp_path):
    store = DrawStore(tmp_path / "a.pickle")
    store.begin("a")
    assert store.key(20, True, 7) == ("a", 1, 20, True, 7)
    assert store.key(20, True, 7) == ("a", 2, 20, True, 7)  # a check's second for_all
    store.begin("b")
    assert store.key(5, False, 7) == ("b", 1, 5, False, 7)
    new_process()
    run_check(store, lambda case: None, check="c", max_examples=5)
    assert store.get(("c", 1, 5, True, settings.hypothesis_state())) is not None
    assert store.get(("c", 1, 20, True, settings.hypothesis_state())) is None


def test_outside_a_check_nothing_is_kept(tmp_path):
    store = DrawStore(tmp_path / "a.pickle")
    assert store.key(20, True, 1) is None
    store.put(None, [1], [0])
    assert not store.added and store.get(None) is None


def test_a_damaged_file_is_ignored_and_two_gradings_writing_at_once_keep_both(tmp_path):
    path = tmp_path / "a-0.pickle"
    path.write_bytes(b"not a pickle")
    assert DrawStore(path).entries == {}
    one, two = DrawStore(path), DrawStore(path)
    one.put(("x", 1, 20, True, 0), [np.zeros(2)], [0])
    two.put(("y", 1, 20, True, 0), [np.ones(2)], [0])
    one.save()
    two.save()
    merged = DrawStore(path)
    assert set(merged.entries) == {("x", 1, 20, True, 0), ("y", 1, 20, True, 0)}
    cases, states = merged.get(("y", 1, 20, True, 0))
    assert same(cases, [np.ones(2)]) and states == [0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-0.pickle"]  # no temporary file left


def test_unpicklable_cases_are_simply_not_kept(tmp_path):
    store = DrawStore(tmp_path / "a.pickle")
    store.put(("x", 1, 20, True, 0), [lambda: None], [0])
    assert not store.added and store.get(("x", 1, 20, True, 0)) is None


def test_an_entry_without_a_state_for_every_case_is_not_replayed(tmp_path):
    store = DrawStore(tmp_path / "a.pickle")
    store.put(("x", 1, 20, True, 0), [1.0, 2.0], [0])
    assert store.get(("x", 1, 20, True, 0)) is None


def test_the_file_name_follows_every_check_source(tmp_path, monkeypatch):
    (tmp_path / "strategies_x.py").write_text("SIZE = 3\n")
    fake = SimpleNamespace(name="x", check_dirs=(tmp_path,))
    before = fingerprint(fake)
    (tmp_path / "strategies_x.py").write_text("SIZE = 4\n")
    assert fingerprint(fake) != before
    monkeypatch.setenv(draws.ENV, str(tmp_path / "store"))
    store = DrawStore.of(fake)
    assert store.path.parent.is_dir()
    assert store.path.parent == tmp_path / "store" and fingerprint(fake)[:20] in store.path.name
    monkeypatch.setenv(draws.ENV, "off")
    assert DrawStore.of(fake) is None


def test_an_older_fingerprint_file_is_removed_when_a_new_one_is_written(tmp_path):
    (tmp_path / "x-old.pickle").write_bytes(pickle.dumps({}))
    (tmp_path / "other-old.pickle").write_bytes(pickle.dumps({}))
    store = DrawStore(tmp_path / "x-new.pickle")
    store.put(("a", 1, 20, True, 0), [1.0], [0])
    store.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-old.pickle", "x-new.pickle"]


def test_the_default_folder_is_kept_from_the_worker(monkeypatch):
    monkeypatch.delenv(draws.ENV, raising=False)
    assert draws.store_folder() == draws.FOLDER
    assert draws.FOLDER.is_dir() and KIT_ROOT / ".cache" in private_paths()


@pytest.mark.slow
@pytest.mark.parametrize("assignment,submission", [
    ("sequences", "submissions/residual-sign-flipped"),
    ("recurrent", "submissions/rnn-tanh-derivative-not-squared"),
    ("recurrent", "submissions/lstm-forward-fails-for-one-sample"),
])
def test_results_are_byte_identical_without_the_store_building_it_and_replaying_it(tmp_path, assignment, submission):
    folder = manifests.load(assignment).root / submission
    outputs = {}
    for run, setting in (("engine", "off"), ("build", str(tmp_path / "store")), ("replay", str(tmp_path / "store"))):
        done = run_grade(assignment, folder, tmp_path / f"{run}.json", env={**os.environ, draws.ENV: setting})
        assert done.returncode == 0, done.stderr
        outputs[run] = done.output.read_bytes()
    assert any((tmp_path / "store").iterdir())
    assert outputs["engine"] == outputs["build"] == outputs["replay"]
