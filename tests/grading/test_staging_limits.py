"""Submissions that are links or oversized zips are not read (issue 11, item 7): the grader notes
why and grades nothing, rather than following a link to the reference or building a huge directory."""

import zipfile

import pytest

from autograder.grading import staging
from autograder.grading.staging import stage_submission

FILES = ["rnn.py", "lstm.py", "gru.py"]
# the staged folders these tests leave go with pytest's temporary folders
pytestmark = pytest.mark.usefixtures("private_temp")


def test_a_submission_that_is_a_symlink_is_not_followed(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    for name in FILES:
        (real / name).write_text("x = 1\n")
    link = tmp_path / "student"
    link.symlink_to(real)
    stage = stage_submission(link, FILES)
    assert stage.present == set()
    assert any("symbolic link" in n for n in stage.notes)


def test_a_zip_claiming_too_many_entries_is_not_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MAX_MEMBERS", 50)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(60):
            zf.writestr(f"junk/{i}.txt", "")
        zf.writestr("rnn.py", "x = 1\n")
    stage = stage_submission(path, FILES)
    assert stage.present == set()
    assert any("claims 61 entries, more than the 50 allowed" in n for n in stage.notes)


def test_a_zip_larger_than_the_cap_is_not_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MAX_ZIP", 1000)
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("rnn.py", "#" * 5000)
    stage = stage_submission(path, FILES)
    assert stage.present == set()
    assert any("more than the 1000 allowed" in n for n in stage.notes)


def test_student_file_names_in_notes_are_inert(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "rnn.py").write_text("x = 1\n")
    (folder / "gru\x1b[2J.py").write_text("x = 1\n")
    stage = stage_submission(folder, FILES)
    assert stage.notes and not any("\x1b" in n for n in stage.notes)
