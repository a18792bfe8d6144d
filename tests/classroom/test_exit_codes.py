"""Exit codes that mean something: `grade-batch` with nothing to grade or bad options exits 2 with one
line saying why (before grading anything); `make bench` reports a missed time target as MISSED on
stderr and fails only with BENCH_STRICT=1 (a score mismatch always fails). Grader errors (exit 1)
are in test_class_exports.py, which runs the grader."""

import pytest

from autograder import cli
from autograder import manifest as manifests
from autograder.devtools import bench


def _run(capsys, *args):
    code = cli.main(["grade-batch", "--assignment", "sequences", *args])
    return code, capsys.readouterr()


def test_an_empty_folder_is_an_error_not_a_success(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    code, out = _run(capsys, "--submissions", str(tmp_path / "class"), "--output", str(tmp_path / "out"))
    assert code == 2 and out.err.startswith("error: no submission found in ") and "the folder is empty" in out.err
    assert out.err.count("\n") == 1 and not (tmp_path / "out").exists()


def test_a_folder_of_files_that_are_not_submissions_is_an_error_naming_them(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "notes.txt").write_text("hello")
    code, out = _run(capsys, "--submissions", str(tmp_path / "class"), "--output", str(tmp_path / "out"))
    assert code == 2 and "no submission found" in out.err and "notes.txt" in out.err


@pytest.mark.parametrize("extra, message", [
    (["--roster", "/nonexistent/roster.csv"], "cannot read the roster"),
    (["--due", "next friday"], "not a date and time"),
    (["--late-cap", "150", "--due", "2026-12-01"], "cap must be between"),
    (["--student", "nobody"], "unknown student 'nobody'"),
])
def test_bad_options_exit_2_with_one_line_before_grading(tmp_path, capsys, extra, message):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    code, out = _run(capsys, "--submissions", str(tmp_path / "class"), "--output", str(tmp_path / "out"), *extra)
    assert code == 2 and out.err.startswith("error: ") and message in out.err and out.err.count("\n") == 1
    assert not (tmp_path / "out" / "alice").exists()


def test_grade_into_a_folder_and_check_of_a_missing_folder_are_one_line_errors(tmp_path, capsys):
    """`grade --output` names the results.json to write (a folder there gave a traceback and left a
    temporary copy of the results beside it); `check --folder` a folder that does not exist ran
    every check and failed each as "missing file"."""
    (tmp_path / "sub").mkdir()
    assert cli.main(["grade", "--assignment", "sequences", "--submission", str(tmp_path / "sub"),
                     "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --output ") and "is a folder" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]
    assert cli.main(["check", "--assignment", "sequences", "--folder", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --folder ") and "no such folder" in err and err.count("\n") == 1


def test_check_of_an_unknown_function_is_an_error_not_an_empty_success(capsys):
    assert cli.main(["check", "--assignment", "sequences", "--folder", str(manifests.SOLUTIONS / "sequences"),
                     "--function", "make_window"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --function: unknown function(s) make_window; this assignment has: make_windows")


@pytest.mark.slow  # runs checks
def test_check_of_one_function_runs_only_its_checks(capsys, monkeypatch):
    from autograder.runner import collector

    ran = []  # the checks pytest ran, whatever the report shows (it used to run all and filter the report)
    real = collector.run_checks
    monkeypatch.setattr(collector, "run_checks", lambda *a, **k: ran.append(real(*a, **k)) or ran[-1])
    assert cli.main(["check", "--assignment", "sequences", "--folder", str(manifests.SOLUTIONS / "sequences"),
                     "--function", "make_windows"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert lines and all(" make_windows: " in line for line in lines), lines
    names = [entry.name for entry in ran[0].entries.values()]
    assert len(names) == len(lines) and all(n.startswith("make_windows: ") for n in names), names


def test_help_explains_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["grade-batch", "--help"])
    text = capsys.readouterr().out
    assert "exit status" in text and "grader errors" in text and "no submission found" in text


@pytest.fixture
def fake_bench(monkeypatch):
    """run_bench with the timings and comparisons replaced: ``state`` says what they report."""
    state = {"fast": True, "same": True}

    def one(name, runs, tmp):
        if not state["fast"]:
            bench._missed(f"{name}: one correct submission took 99.0 s (target <= 15 s)")
        return 1.0, state["fast"]

    monkeypatch.setattr(bench, "bench_one", one)
    monkeypatch.setattr(bench, "bench_batch", lambda name, tmp, jobs, compare: (20.0, state["fast"], state["same"]))
    return state


@pytest.mark.parametrize("fast, same, strict, code", [
    (True, True, "", 0), (False, True, "", 0), (False, True, "1", 1), (True, False, "", 1), (True, True, "1", 0),
])
def test_bench_says_missed_on_stderr_and_fails_only_when_strict(fake_bench, monkeypatch, capsys, fast, same,
                                                                 strict, code):
    fake_bench.update(fast=fast, same=same)
    monkeypatch.setenv("BENCH_STRICT", strict)
    assert bench.run_bench(["sequences"], runs=1, compare=True) == code
    err = capsys.readouterr().err
    assert ("MISSED" in err) == (not fast)
    if not fast:
        assert ("failing because BENCH_STRICT=1" in err) == bool(strict)


def test_wrong_versus_correct_leaves_out_alternatives_and_hostile_entries():
    seconds = {"s1001-correct": 2.0, "s1002-alt-einsum": 9.0, "s1005-rnn-bug": 2.4, "s1006-lstm-bug": 2.1,
               "s1020-hostile-infinite-loop": 30.0}
    full = {"s1001-correct", "s1002-alt-einsum"}
    assert bench.wrong_versus_correct(seconds, full) == ("s1005-rnn-bug", 2.4, 2.0)
    assert bench.wrong_versus_correct({"s1005-rnn-bug": 2.4}, set()) is None


def test_large_class_repeats_the_bundled_class_under_new_names(tmp_path):
    folder = bench.large_class("sequences", 30, tmp_path / "big")
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 30 and len(set(names)) == 30
    bundled = sorted(p.name for p in manifests.load("sequences").class_folder.iterdir() if not p.name.startswith("."))
    assert {n.split("-", 1)[1] for n in names} <= set(bundled) and names[0].startswith("r00-")
    assert any(n.startswith("r01-") for n in names) == (30 > len(bundled))
