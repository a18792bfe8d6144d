"""Reading a class as the platforms export it (autograder/classroom/exports.py), on exports the kit
builds itself from the bundled sequences class: a Gradescope "Export Submissions" folder with its
metadata, a Canvas bulk download with late and re-uploaded files, plain folders; with and without a
roster. No grader runs here."""

import os
import shutil
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from autograder import manifest as manifests
from autograder.classroom.batch import BatchError, discover, select
from autograder.classroom.exports import (GRADESCOPE_METADATA, load_gradescope_metadata, parse_simple_yaml,
                                          read_export, write_example_exports)
from autograder.classroom.roster import load_roster
from autograder.grading.staging import stage_submission

ASSIGNMENT = "sequences"
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
FILES = list(manifests.load(ASSIGNMENT).files)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Six students of the bundled class (entries 0-5: folders and zips), students 2-4 late by 10 min,
    5 h and 2 days; students 4 and 5 hand in together on Gradescope; student 0 re-uploaded on Canvas;
    one more roster student handed in nothing."""
    dest = tmp_path_factory.mktemp("exports")
    return write_example_exports(manifests.load(ASSIGNMENT).class_folder, dest, DUE, limit=6, groups=[(4, 5)])


def _staged(path):
    stage = stage_submission(path, FILES)
    try:
        return {n: (stage.folder / n).read_bytes() for n in stage.present}
    finally:
        shutil.rmtree(stage.folder, ignore_errors=True)


def test_the_generator_writes_both_layouts_and_a_roster(exports):
    gradescope, canvas = exports["gradescope"], exports["canvas"]
    assert (gradescope / GRADESCOPE_METADATA).is_file()
    assert sorted(p.name for p in gradescope.iterdir() if p.is_dir()) == [f"submission_{200001 + i}" for i in range(5)]
    names = sorted(p.name for p in canvas.iterdir())
    assert any("_late_" in n for n in names) and any(n.endswith("-1.py") for n in names)
    assert all(p.is_file() for p in canvas.iterdir())  # flat
    assert exports["roster"].read_text().splitlines()[0] == "id,name,email,section,sid,login,canvas_id"
    assert len(exports["roster"].read_text().splitlines()) == 1 + 7  # six students and one who handed in nothing


def test_gradescope_export_is_read_with_names_sids_emails_and_times(exports, tmp_path):
    found = read_export(exports["gradescope"], FILES, None, tmp_path)
    people = exports["students"]
    # the metadata file is read, not "ignored (not a submission)"
    assert found.layout == "gradescope" and found.ignored == [] and not found.unidentified
    by_key = {s.student: s for s in found.submissions}
    assert sorted(by_key) == sorted(p.person.sid for p in people[:5])  # the SID names each submission
    first = by_key[people[0].person.sid]
    assert first.members[0].name == people[0].person.name and first.members[0].email == people[0].person.email
    assert first.submitted_at == people[0].submitted_at and first.time_source == "Gradescope :created_at"
    group = by_key[people[4].person.sid]
    assert [m.sid for m in group.members] == [people[4].person.sid, people[5].person.sid]
    assert _staged(first.path) == _staged(people[0].entry)  # the student's files, as they handed them in


def test_gradescope_with_a_roster_names_by_it_and_finds_who_is_missing(exports, tmp_path):
    roster = load_roster(exports["roster"])
    found = read_export(exports["gradescope"], FILES, roster, tmp_path)
    absent = exports["roster_people"][-1]
    assert [p.id for p in found.missing] == [absent.id]
    sections = {m.section for s in found.submissions for m in s.members}
    assert sections <= {"L01", "L02", "L03", "L04"} and "" not in sections
    assert all(s.identified for s in found.submissions)


def test_an_export_unzipped_into_its_own_folder_is_found_one_level_down(exports, tmp_path):
    shutil.copytree(exports["gradescope"], tmp_path / "download" / "assignment_123_export")
    found = read_export(tmp_path / "download", FILES)
    assert found.layout == "gradescope" and len(found.submissions) == 5
    assert found.notes == ["the export is in assignment_123_export/"]


def test_a_gradescope_folder_missing_from_the_metadata_is_graded_and_listed(exports, tmp_path):
    folder = tmp_path / "gs"
    shutil.copytree(exports["gradescope"], folder)
    shutil.copytree(folder / "submission_200001", folder / "submission_999999")
    (folder / "README.txt").write_text("notes")
    found = read_export(folder, FILES)
    assert "submission_999999" in [s.student for s in found.submissions]
    assert any(u.startswith("submission_999999: not in submission_metadata.yml") for u in found.unidentified)
    assert "README.txt" in found.ignored


def test_the_yaml_fallback_reads_gradescope_metadata_like_pyyaml(exports):
    import yaml

    text = (exports["gradescope"] / GRADESCOPE_METADATA).read_text()
    ours = parse_simple_yaml(text)
    theirs = yaml.safe_load(text)
    for key, entry in theirs.items():
        assert ours[key][":submitters"] == entry[":submitters"]
        assert ours[key][":status"] == entry[":status"]
    assert load_gradescope_metadata(exports["gradescope"] / GRADESCOPE_METADATA).keys() == theirs.keys()


def test_bytecode_written_by_a_check_run_does_not_move_the_time_handed_in(tmp_path):
    """A TA running the checks in a student's folder writes ``__pycache__/``: the time handed in is
    still the student's files' (it was the bytecode's, and made the student days late)."""
    folder = tmp_path / "class" / "zoe"
    (folder / "__pycache__").mkdir(parents=True)
    (folder / "nested").mkdir()
    handed_in = 1_790_000_000  # 2026-09-21
    for path in (folder / "rnn.py", folder / "nested" / "lstm.py"):
        path.write_text("x = 1\n")
        os.utime(path, (handed_in, handed_in))
    (folder / "__pycache__" / "rnn.cpython-311.pyc").write_bytes(b"\0")
    (folder / "rnn.pyc").write_bytes(b"\0")
    (folder / "nested" / "lstm.pyc").write_bytes(b"\0")
    found = read_export(tmp_path / "class", FILES)
    assert found.submissions[0].submitted_at.timestamp() == handed_in


def test_metadata_that_is_not_gradescopes_leaves_a_plain_folder_layout(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / GRADESCOPE_METADATA).write_text("not: a submission\n")
    found = read_export(tmp_path, FILES)
    assert found.layout == "folders" and [s.student for s in found.submissions] == ["alice"]
    assert found.ignored == [GRADESCOPE_METADATA]


def test_canvas_download_is_grouped_per_student_with_late_flags_and_reuploads(exports, tmp_path):
    found = read_export(exports["canvas"], FILES, None, tmp_path / "work")
    people = exports["students"]
    assert found.layout == "canvas" and not found.unidentified and not found.ignored
    by_key = {s.student: s for s in found.submissions}
    assert sorted(by_key) == sorted(p.person.canvas_id for p in people)  # Canvas's user id names each
    for p in people:
        sub = by_key[p.person.canvas_id]
        assert sub.lms_late is (p.submitted_at > DUE), p.person.name
        assert sub.submitted_at == p.submitted_at  # the files' times
        assert _staged(sub.path) == _staged(p.entry), p.person.name  # rnn-1.py is graded as rnn.py
    assert (tmp_path / "work" / people[0].person.canvas_id / "arma.py").is_file()  # the re-upload put together


def test_canvas_with_a_roster_names_by_it_and_lists_files_of_no_one(exports, tmp_path):
    folder = tmp_path / "canvas"
    shutil.copytree(exports["canvas"], folder)
    (folder / "arma.py").write_text("# dropped in without Canvas's name\n")
    (folder / "zedzed_99999_1_arma.py").write_text("# a Canvas user not on the roster\n")
    found = read_export(folder, FILES, load_roster(exports["roster"]), tmp_path / "work")
    assert any(u.startswith("arma.py: not named") for u in found.unidentified)
    assert found.ungraded == ["arma.py"]
    stranger = next(s for s in found.submissions if s.student == "99999")
    assert not stranger.identified and any("99999" in u and "not on the roster" in u for u in found.unidentified)
    ada = exports["roster_people"][0]
    assert any(s.student == ada.id and s.members[0].name == ada.name for s in found.submissions)


def test_canvas_is_matched_to_a_roster_by_name_when_it_has_no_canvas_ids(exports, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email,section\n" + "".join(
        f"{p.id},{p.name},{p.email},{p.section}\n" for p in exports["roster_people"]))
    found = read_export(exports["canvas"], FILES, load_roster(roster), tmp_path / "work")
    assert not found.unidentified
    assert sorted(s.student for s in found.submissions) == sorted(p.person.id for p in exports["students"])


def test_a_student_who_uploaded_one_zip_on_canvas_is_graded_from_it(tmp_path):
    with zipfile.ZipFile(tmp_path / "doejane_4242_77_mywork.zip", "w") as z:
        for f in FILES:
            z.writestr(f"mywork/{f}", "x = 1\n")
    found = read_export(tmp_path, FILES, None, tmp_path / "work")
    assert [(s.student, s.path.name) for s in found.submissions] == [("4242", "doejane_4242_77_mywork.zip")]


def test_plain_folders_with_a_roster_take_the_roster_ids_and_list_strangers(tmp_path):
    for name in ("jdoe", "2026002", "nobody"):
        (tmp_path / "class" / name).mkdir(parents=True)
    (tmp_path / "roster.csv").write_text("id,name,email,section\n2026001,Jane Doe,jdoe@example.edu,L01\n"
                                         "2026002,Ann Lee,alee@example.edu,L02\n")
    found = read_export(tmp_path / "class", FILES, load_roster(tmp_path / "roster.csv"))
    keys = {s.student: s for s in found.submissions}
    assert sorted(keys) == ["2026001", "2026002", "nobody"]  # jdoe found by the email's local part
    assert keys["2026001"].members[0].name == "Jane Doe" and not keys["nobody"].identified
    assert found.unidentified == ["nobody: 'nobody' is not on the roster; graded as nobody"]


def test_discover_keeps_its_folder_and_zip_behaviour_and_lists_ungraded_files(exports, tmp_path):
    subs, ignored = discover(exports["canvas"], FILES, None, tmp_path)
    assert len(subs) == 6 and ignored == []


def test_select_finds_students_by_any_id_and_names_the_known_ones_otherwise(exports, tmp_path):
    found = read_export(exports["gradescope"], FILES, load_roster(exports["roster"]), tmp_path)
    ada = exports["roster_people"][0]
    assert [s.student for s in select(found.submissions, [ada.email.upper()])] == [ada.id]
    assert [s.student for s in select(found.submissions, ["submission_200002"])] == [exports["roster_people"][1].id]
    with pytest.raises(BatchError) as err:
        select(found.submissions, ["2026999"])
    message = str(err.value)
    assert "unknown student '2026999'" in message and all(s.student in message for s in found.submissions)
    # on the roster, without a submission: said so (it was "unknown student ... did you mean ...?")
    absent = found.missing[0]
    with pytest.raises(BatchError, match="on the roster, but handed in nothing"):
        select(found.submissions, [absent.email], tuple(found.missing))


def test_late_and_group_choices_of_the_generator(exports):
    times = [s.submitted_at - DUE for s in exports["students"]]
    assert times[2] == timedelta(minutes=10) and times[3] == timedelta(hours=5) and times[4] == timedelta(days=2, hours=1)
    assert all(t == timedelta(hours=-1) for i, t in enumerate(times) if i not in (2, 3, 4))
