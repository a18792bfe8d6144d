"""The roster CSV (autograder/classroom/roster.py): our columns, Canvas's and Gradescope's roster
exports, matching by any identifier, and errors that say which line is wrong."""

import pytest

from autograder.classroom.roster import Person, RosterError, load_roster, parse_roster, roster_csv, safe_key


def test_our_columns_in_any_order_and_case_with_a_bom():
    roster = parse_roster("\ufeffSection,Name,ID,E-mail\nL01,Ada Lovelace,2026001,ada@example.edu\n")
    assert roster.people == [Person("2026001", "Ada Lovelace", "ada@example.edu", "L01", on_roster=True)]


def test_canvas_gradebook_export_is_a_roster():
    text = ('Student,ID,SIS User ID,SIS Login ID,Section,RNN lab (123)\n'
            '    Points Possible,,,,,75.5\n'
            '"Lovelace, Ada",51000,2026001,alovelace,L01,70\n'
            '"Student, Test",99,,,L01,\n')
    (ada,) = parse_roster(text).people
    assert (ada.id, ada.name, ada.canvas_id, ada.sid, ada.login, ada.section) == (
        "2026001", "Lovelace, Ada", "51000", "2026001", "alovelace", "L01")


def test_gradescope_roster_export_is_a_roster():
    (ada,) = parse_roster("First Name,Last Name,SID,Email,Role,Sections\nAda,Lovelace,2026001,ada@example.edu,"
                          "Student,L01\n").people
    assert (ada.id, ada.name, ada.email, ada.section) == ("2026001", "Ada Lovelace", "ada@example.edu", "L01")


def test_people_are_found_by_any_identifier():
    roster = parse_roster("id,name,email,section,sid,login,canvas_id\n"
                          "s1,Ada Lovelace,Ada@Example.edu,L01,2026001,alovelace,51000\n")
    for value in ("s1", "2026001", "alovelace", "51000", "ada@example.edu", "ADA@EXAMPLE.EDU", "ada"):
        assert roster.find(value).id == "s1", value
    assert roster.find("nobody") is None
    merged = roster.merge(Person("2026001", name="from gradescope", sid="2026001"))
    assert merged.id == "s1" and merged.name == "Ada Lovelace" and merged.on_roster


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("name,section\nAda,L01\n", "no id column"),
    ("id,name\n1,Ada\n1,Alan\n", "line 3: id '1' is already on line 2"),
    ("id,name,email\n,Ada,\n", "line 2: no id"),
])
def test_bad_rosters_say_what_is_wrong(text, message):
    with pytest.raises(RosterError, match=message):
        parse_roster(text)


def test_a_missing_roster_file_is_an_error(tmp_path):
    with pytest.raises(RosterError, match="cannot read the roster"):
        load_roster(tmp_path / "nope.csv")


def test_roster_csv_round_trips(tmp_path):
    people = [Person("1", "Ada, the first", "a@x.edu", "L01", "2026001", "ada", "51000", on_roster=True)]
    path = tmp_path / "r.csv"
    path.write_text(roster_csv(people))
    assert load_roster(path).people == people


@pytest.mark.parametrize("text, key", [("2026001", "2026001"), ("ada@example.edu", "ada@example.edu"),
                                       ("../etc/passwd", "etc_passwd"), ("..", "student"), ("Ada L", "Ada_L")])
def test_keys_are_safe_folder_names(text, key):
    assert safe_key(text) == key
