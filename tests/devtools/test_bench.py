"""``make bench``'s CPU figure counts the whole machine's busy time (the sandboxed workers are not
the bench's descendants once bubblewrap has let them go, so its children's rusage misses them); its
line on the entries that ran into a time limit counts them from their results.json."""

import json
import subprocess
import sys
import time

import pytest

from autograder.devtools.bench import _busy_cpu, time_limit_share


@pytest.mark.slow
def test_busy_cpu_counts_a_process_that_is_not_a_waited_for_child():
    before = _busy_cpu()
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass"
    # a grandchild, detached from its parent (which exits at once): nobody in this process waits for it
    launcher = subprocess.run([sys.executable, "-c", (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', {spin!r}], start_new_session=True)")], check=True)
    assert launcher.returncode == 0
    time.sleep(1.5)  # the spinner's 0.4 s of CPU, with room for a busy machine
    assert _busy_cpu() - before >= 0.35


def _results(kinds: dict) -> dict:
    return {"score": 0, "extra_data": {"failure_kinds": kinds}}


def test_time_limit_share_counts_the_entries_stopped_by_a_time_limit():
    results = {"s1": _results({}), "s2": _results({"f: worked example": "wrong value"}),
               "s3": _results({"f: worked example": "wrong value", "g: shapes": "timeout"})}
    seconds = {"s1": 2.0, "s2": 4.0, "s3": 12.0}
    line = time_limit_share(seconds, results, jobs=2)
    # s3 alone ran into a limit; s1 and s2 take 6 s of graders' time, 3 s on 2 graders: 40 per minute
    assert "1 of 3 entries ran into a call's time limit: 12 s of the graders' 18 s" in line
    assert "the other 2 alone, 2 at a time, would take about 3 s = 40 per minute" in line
    assert time_limit_share({"s1": 2.0, "s2": 4.0}, results, jobs=2) == ""


def test_a_graded_class_is_read_with_the_batch_s_own_loader(tmp_path):
    """bench reads seconds and results.json through ``load_class``: a student without results is left out."""
    from dataclasses import asdict

    from autograder.classroom.batch import Record
    from autograder.devtools.bench import _graded

    for student, seconds in (("s1", 2.5), ("s2", 4.0)):
        (tmp_path / student).mkdir()
        record = Record(student, student, "graded", 0.0, 1.0, seconds, "", "", "")
        (tmp_path / student / "grading.json").write_text(json.dumps(asdict(record)))
    (tmp_path / "s1" / "results.json").write_text(json.dumps(_results({"g: shapes": "timeout"})))
    seconds, results = _graded(tmp_path, ["s1", "s2"])
    assert seconds == {"s1": 2.5} and set(results) == {"s1"}



def test_the_speed_workload_is_the_same_work_every_time():
    """The machine-speed line times a fixed workload: the same steps give the same checksum (so two
    bench runs time the same work) and every step counts (the work cannot be skipped)."""
    from autograder.devtools.bench import fixed_workload

    assert fixed_workload(1000) == fixed_workload(1000)
    assert fixed_workload(1000) != fixed_workload(999)


def test_profiling_one_submission_needs_one_assignment_and_a_path_that_exists(tmp_path, capsys):
    from autograder.cli import main

    assert main(["bench", "--profile-of-submission", str(tmp_path / "nope"), "--assignment", "sequences"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["bench", "--profile-of-submission", str(tmp_path)]) == 2
    assert "exactly one --assignment (got 0)" in capsys.readouterr().err


@pytest.mark.slow
def test_profiling_one_submission_prints_a_line_per_grading_and_their_medians(tmp_path, capsys):
    from autograder import manifest as manifests
    from autograder.devtools.bench import bench_profiles

    medians = bench_profiles("sequences", manifests.load("sequences").solutions, 2, tmp_path)
    out = capsys.readouterr().out
    assert out.count("profile: wall") == 2 and "medians of 2: wall" in out
    assert set(medians) == {"wall", "grader CPU", "the checks", "worker CPU"}
    assert medians["wall"] > medians["the checks"] > 0 and medians["worker CPU"] > 0


@pytest.mark.slow  # forks a process
def test_the_pipe_round_trip_is_timed_on_the_cpus_asked_and_gives_them_back():
    import os

    from autograder.devtools.bench import pipe_round_trip

    before = os.sched_getaffinity(0)
    wall, cpu = pipe_round_trip({min(before)}, n=200)
    assert wall > 0 and cpu > 0
    assert os.sched_getaffinity(0) == before


def test_one_core_against_any_says_so_where_there_is_no_cpu_affinity(monkeypatch, tmp_path, capsys):
    from autograder.devtools.bench import bench_pinned_vs_not

    monkeypatch.delattr("os.sched_getaffinity")
    assert bench_pinned_vs_not("recurrent", tmp_path, None, 1) == {}
    assert "no CPU affinity calls" in capsys.readouterr().out


def test_timings_give_the_median_and_every_run():
    from autograder.devtools.bench import timings

    assert timings([1.5, 1.234, 2.0]) == "1.50 s (median of 3: 1.50, 1.23, 2.00"
