"""A grading's temporary folders carry its pid, so whoever killed it removes what it left."""

import os
import stat

from autograder.grading import scratch


def test_a_folder_is_private_and_named_after_its_process(private_temp):
    temp = private_temp
    folder = scratch.make("ag-stage-")
    assert folder.parent == temp and folder.name.startswith(f"ag-stage-{os.getpid()}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_what_a_process_left_is_removed_and_nothing_else(private_temp):
    temp = private_temp
    pid = 4242
    left = [temp / f"ag-stage-{pid}-abc", temp / f"ag-runtime-{pid}-d_e", temp / f"ag-nsroot-{pid}-f"]
    for folder in left:
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "rnn.py").write_text("x = 1\n")
    others = [temp / f"ag-stage-{pid}1-abc", temp / f"ag-stage-1{pid}-abc", temp / f"bg-stage-{pid}-abc",
              temp / f"ag-stage-{pid}"]
    for folder in others:
        folder.mkdir()
    target = temp / "kept"
    target.mkdir()
    (temp / f"ag-link-{pid}-x").symlink_to(target, target_is_directory=True)  # not followed, not removed
    (temp / f"ag-file-{pid}-x").write_text("")  # not a folder: not ours
    assert sorted(scratch.remove_left_by(pid)) == sorted(left)
    assert not any(folder.exists() for folder in left)
    assert all(folder.is_dir() for folder in others) and target.is_dir()
    assert (temp / f"ag-link-{pid}-x").is_symlink() and (temp / f"ag-file-{pid}-x").is_file()
    assert scratch.remove_left_by(pid) == []


def test_the_grader_makes_its_folders_through_it(private_temp):
    """Staging (the folder holding a copy of the student's files) names its folder after its process."""
    temp = private_temp
    from autograder.grading.staging import stage_submission

    submission = temp / "submission"
    submission.mkdir()
    (submission / "rnn.py").write_text("x = 1\n")
    stage = stage_submission(submission, ["rnn.py"])
    assert stage.folder.name.startswith(f"ag-stage-{os.getpid()}-")
    assert scratch.remove_left_by(os.getpid()) == [stage.folder] and not stage.folder.exists()
