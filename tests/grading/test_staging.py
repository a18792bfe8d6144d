"""Staging takes only the whitelisted student files, from a folder or a zip, and nothing dangerous."""

import os
import zipfile

import pytest

from autograder.grading.staging import MAX_FILE, SubmissionError, stage_submission

FILES = ["rnn.py", "lstm.py", "gru.py"]
# the staged folders these tests leave go with pytest's temporary folders
pytestmark = pytest.mark.usefixtures("private_temp")


def _zip(path, members: dict, symlinks=()):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            z.writestr(info, "/etc/passwd")
    return path


def test_files_at_the_top_level_of_a_folder_are_staged(tmp_path):
    (tmp_path / "rnn.py").write_text("x = 1\n")
    (tmp_path / "other.py").write_text("y = 1\n")
    stage = stage_submission(tmp_path, FILES)
    assert stage.present == {"rnn.py"}
    assert sorted(p.name for p in stage.folder.iterdir()) == ["rnn.py"]
    assert any("lstm.py was not found" in n for n in stage.notes)


def test_files_inside_exactly_one_folder_are_found(tmp_path):
    (tmp_path / "hw3").mkdir()
    (tmp_path / "hw3" / "gru.py").write_text("z = 1\n")
    assert stage_submission(tmp_path, FILES).present == {"gru.py"}


def test_symlinked_student_file_is_ignored(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "rnn.py")
    stage = stage_submission(tmp_path, FILES)
    assert stage.present == set() and any("not a regular file" in n for n in stage.notes)


def test_zip_with_nested_folder_and_traversal_paths(tmp_path):
    z = _zip(tmp_path / "s.zip", {"sub/rnn.py": "a = 1\n", "../lstm.py": "evil\n", "/abs/gru.py": "evil\n"})
    stage = stage_submission(z, FILES)
    assert stage.present == {"rnn.py"}
    assert not (tmp_path / "lstm.py").exists()


def test_zip_symlink_member_is_ignored(tmp_path):
    z = _zip(tmp_path / "s.zip", {"lstm.py": "a = 1\n"}, symlinks=["rnn.py"])
    stage = stage_submission(z, FILES)
    assert stage.present == {"lstm.py"}


def test_zip_bomb_member_is_refused_without_inflating_it(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("rnn.py", b"#" * (50 * MAX_FILE))
    assert path.stat().st_size < MAX_FILE
    stage = stage_submission(path, FILES)
    assert stage.present == set() and any("larger than" in n for n in stage.notes)


def test_corrupt_zip_gives_a_note_not_a_crash(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 definitely not a zip")
    stage = stage_submission(path, FILES)
    assert stage.present == set() and any("could not be read" in n for n in stage.notes)


def test_missing_submission_path_is_a_submission_error(tmp_path):
    with pytest.raises(SubmissionError, match="not found"):
        stage_submission(tmp_path / "nope", FILES)
