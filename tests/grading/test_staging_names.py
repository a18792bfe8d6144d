"""Misnamed files (issue 10, item 7): the stage lists what was received, names the likely match, and
accepts a browser's numbered copy when the manifest allows it and it is the only candidate."""

import zipfile

import pytest

from autograder.grading.staging import likely_match, numbered_copy_of, stage_submission

FILES = ["rnn.py", "lstm.py", "gru.py"]
# the staged folders these tests leave go with pytest's temporary folders
pytestmark = pytest.mark.usefixtures("private_temp")


def _folder(tmp_path, names):
    folder = tmp_path / "sub"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"# {name}\n")
    return folder


@pytest.mark.parametrize("candidates, expected", [
    (["rnn (1).py"], "rnn (1).py"), (["rnn(2).py"], "rnn(2).py"), (["rnn-1.py"], "rnn-1.py"),
    (["rnn (1).py", "rnn (2).py"], None), (["rnnx.py"], None), (["my_rnn.py"], None),
])
def test_numbered_copy_is_only_a_single_browser_copy(candidates, expected):
    assert numbered_copy_of("rnn.py", candidates) == expected


@pytest.mark.parametrize("candidates, expected", [
    (["gru_final.py", "lstm.py"], "gru_final.py"), (["my_gru.py"], "my_gru.py"), (["gru (1).py"], "gru (1).py"),
    (["grue.py"], "grue.py"), (["notes.py"], None), (["gru_a.py", "gru_b.py"], None),
])
def test_likely_match_names_the_probable_file(candidates, expected):
    assert likely_match("gru.py", candidates) == expected


def test_a_numbered_copy_is_graded_under_its_name_when_the_manifest_accepts_it(tmp_path):
    folder = _folder(tmp_path, ["rnn (1).py", "lstm.py", "gru.py"])
    stage = stage_submission(folder, FILES, accept_numbered_copies=True)
    assert stage.present == set(FILES)
    assert (stage.folder / "rnn.py").read_text() == "# rnn (1).py\n"
    assert any("rnn (1).py was graded as rnn.py" in n for n in stage.notes)


def test_a_numbered_copy_is_only_a_hint_without_the_option(tmp_path):
    folder = _folder(tmp_path, ["rnn (1).py", "lstm.py", "gru.py"])
    stage = stage_submission(folder, FILES)
    assert stage.present == {"lstm.py", "gru.py"}
    assert stage.hints == {"rnn.py": "rnn (1).py"}
    assert any("Did you mean rnn (1).py?" in n for n in stage.notes)


def test_two_copies_are_not_guessed_between(tmp_path):
    folder = _folder(tmp_path, ["rnn (1).py", "rnn (2).py", "lstm.py", "gru.py"])
    stage = stage_submission(folder, FILES, accept_numbered_copies=True)
    assert "rnn.py" not in stage.present and "rnn.py" not in stage.hints


def test_missing_file_note_lists_what_was_received_in_a_zip(tmp_path):
    path = tmp_path / "sub.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name in ("hw/rnn.py", "hw/lstm.py", "hw/gru_final.py", "hw/recurrent.ipynb"):
            zf.writestr(name, "x = 1\n")
    stage = stage_submission(path, FILES)
    assert stage.present == {"rnn.py", "lstm.py"}
    assert stage.hints == {"gru.py": "gru_final.py"}
    received = next(n for n in stage.notes if n.startswith("Python files received"))
    assert "gru_final.py" in received and "expected: gru.py, lstm.py, rnn.py" in received
