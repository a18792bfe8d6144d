"""The batch's warm graders (``autograder/classroom/warm.py``): a grading forked from a grade-server
writes what ``python -m autograder grade`` writes (scores, feedback texts, so the cases Hypothesis
drew), one server serves one grading after another, and a grading or server that is killed is
reported as killed and replaced."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from autograder import manifest as manifests
from autograder.classroom.warm import KILLED, WarmGraders
from autograder.grading import scratch
from autograder.grading.command import grade_command
from autograder.grading.grade import PROFILE_ENV
from helpers import run_grade

ASSIGNMENT = "sequences"
WRONG = "off-by-one-window"  # fails checks on drawn cases: its feedback shows them


def _submission(name: str) -> Path:
    return manifests.load(ASSIGNMENT).submissions / name


def _texts(results: dict) -> list[tuple]:
    return [(t["name"], t["score"], t["output"]) for t in results["tests"]]


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie of ours (never here: the server reaps its gradings) counts as gone
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except (OSError, IndexError):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def graders():
    pool = WarmGraders()
    yield pool
    pool.close()


@pytest.mark.slow
def test_a_forked_grading_writes_what_the_grade_command_writes(tmp_path, monkeypatch):
    """Same scores and feedback texts, and the same local modules loaded before the checks run and
    at the end (Hypothesis mixes their constants into its draws: a server that had loaded others
    would draw other cases); two gradings in a row are served by one warm server."""
    cold = run_grade(ASSIGNMENT, _submission(WRONG), tmp_path / "cold.json",
                     env={**os.environ, PROFILE_ENV: str(tmp_path / "cold-profile.json")})
    assert cold.returncode == 0 and cold.results["score"] < cold.results["extra_data"]["max_score"]
    cold_modules = json.loads((tmp_path / "cold-profile.json").read_text())["local_modules"]
    assert "autograder.grading.grade" in cold_modules["before_checks"]
    assert {"_reference_windowing", "strategies_sequences"} <= set(cold_modules["end"]) - set(cold_modules["before_checks"])
    monkeypatch.setenv(PROFILE_ENV, str(tmp_path / "warm-profile.json"))  # the servers' environment
    graders = WarmGraders()
    try:
        _graded_twice_by_one_server(graders, cold, tmp_path)
    finally:
        graders.close()
    assert json.loads((tmp_path / "warm-profile.json").read_text())["local_modules"] == cold_modules


def _graded_twice_by_one_server(graders, cold, tmp_path):
    for name in ("first", "second"):
        output = tmp_path / f"{name}.json"
        grading = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / f"{name}.log")
        assert grading.wait(timeout=600) == 0, (tmp_path / f"{name}.log").read_text()
        warm = json.loads(output.read_text())
        assert warm["score"] == cold.results["score"]
        assert _texts(warm) == _texts(cold.results)
        assert f"{ASSIGNMENT}: {warm['score']:g} /" in (tmp_path / f"{name}.log").read_text()
    assert len(graders.all) == 1 and len(graders.idle) == 1


@pytest.mark.slow
def test_a_grading_past_its_time_is_stopped_by_its_process_group(graders, tmp_path):
    output = tmp_path / "results.json"
    grading = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / "grader.log")
    with pytest.raises(subprocess.TimeoutExpired):
        grading.wait(timeout=0.05)
    assert os.getpgid(grading.pid) == grading.pid  # it leads its own group, as a `grade` process did
    os.killpg(grading.pid, signal.SIGKILL)
    assert grading.wait(timeout=60) == KILLED
    assert _gone(grading.pid)
    scratch.remove_left_by(grading.pid)  # as the batch does after a kill
    again = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / "again.log")
    assert again.wait(timeout=600) == 0 and json.loads(output.read_text())["tests"]
    assert len(graders.all) == 1  # the server outlived its killed grading


@pytest.mark.slow
def test_a_dead_server_takes_its_grading_along_and_is_replaced(graders, tmp_path):
    output = tmp_path / "results.json"
    grading = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / "grader.log")
    server = grading.server
    server.proc.kill()
    assert grading.wait(timeout=60) == KILLED
    assert _gone(grading.pid), "a grading must die with its grade-server"
    scratch.remove_left_by(grading.pid)
    assert server not in graders.all
    again = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / "again.log")
    assert again.server is not server and again.wait(timeout=600) == 0


@pytest.mark.slow
def test_an_idle_server_that_died_is_replaced_at_the_next_start(graders, tmp_path):
    output = tmp_path / "results.json"
    first = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / "first.log")
    assert first.wait(timeout=600) == 0
    first.server.proc.kill()
    first.server.proc.wait()
    second = graders.start(grade_command(ASSIGNMENT, _submission(WRONG), output), tmp_path / "second.log")
    assert second.server is not first.server and second.wait(timeout=600) == 0


def test_start_takes_only_the_kits_grade_command(tmp_path):
    with pytest.raises(ValueError, match=r"WarmGraders.start: cmd: expected \[python, '-m', 'autograder'"):
        WarmGraders().start(["python", "grade.py"], tmp_path / "log")


def test_a_batch_s_gradings_run_unpinned_unless_the_caller_chose(monkeypatch):
    from autograder.classroom.batch import graders_environment
    from autograder.grading.cpu import NO_PIN_ENV

    monkeypatch.delenv(NO_PIN_ENV, raising=False)
    assert graders_environment()[NO_PIN_ENV] == "1" and NO_PIN_ENV not in os.environ
    monkeypatch.setenv(NO_PIN_ENV, "")  # bench --one-core-vs-any-core's "one core": pinned
    assert graders_environment()[NO_PIN_ENV] == ""


@pytest.mark.slow
def test_grade_servers_start_with_the_environment_given(tmp_path):
    pool = WarmGraders(env={**os.environ, "AG_TEST_SERVER_ENV": "given"})
    try:
        server = pool._take()
        for _ in range(100):  # /proc shows an empty environment for a moment around the exec
            environ = Path(f"/proc/{server.proc.pid}/environ").read_bytes().split(b"\0")
            if environ != [b""]:
                break
            time.sleep(0.02)
        assert b"AG_TEST_SERVER_ENV=given" in environ, (server.proc.poll(), environ[:3])
    finally:
        pool.close()
