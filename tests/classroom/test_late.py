"""Late work (autograder/classroom/late.py): times as the platforms write them, the policy from a
manifest's [late] table and the command line, grace, per-day penalty, cap, extensions, Canvas's flag."""

from datetime import datetime, timedelta, timezone

import pytest

from autograder.classroom.late import LateError, LatePolicy, assess, days_late, load_policy, parse_time

UTC = timezone.utc
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
POLICY = LatePolicy(due=DUE, per_day=10, cap=50, grace_minutes=15)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01T23:59:00+00:00", DUE),
    ("2026-12-01 23:59", DUE),
    ("2026-12-01T23:59:00Z", DUE),
    ("2026-12-01 15:59:00.123456789 -08:00", DUE + timedelta(microseconds=123456)),  # Gradescope's :created_at
    ("2026-12-02 00:59:00 +0100", DUE),
])
def test_times_are_read_in_the_platforms_formats(text, expected):
    assert parse_time(text, UTC) == expected


def test_a_date_alone_is_the_start_or_the_end_of_the_day():
    assert parse_time("2026-12-03", UTC) == datetime(2026, 12, 3, tzinfo=UTC)
    assert parse_time("2026-12-03", UTC, end_of_day=True) == datetime(2026, 12, 3, 23, 59, tzinfo=UTC)


def test_a_time_without_offset_is_local_time_and_garbage_is_an_error():
    assert parse_time("2026-12-01 12:00").tzinfo is not None
    with pytest.raises(LateError, match="not a date and time"):
        parse_time("tomorrow")


@pytest.mark.parametrize("after, days", [
    (timedelta(minutes=-5), 0), (timedelta(minutes=15), 0), (timedelta(minutes=16), 1), (timedelta(hours=23), 1),
    (timedelta(days=1, minutes=10), 1), (timedelta(days=1, minutes=20), 2), (timedelta(days=9), 9),
])
def test_days_late_are_started_days_after_the_due_time_and_grace(after, days):
    assert days_late(DUE + after, DUE, 15) == days


def test_penalty_is_a_percent_of_the_earned_score_per_day_up_to_the_cap():
    one = assess(POLICY, DUE + timedelta(hours=2))
    assert (one.days, one.percent, one.penalty(60), one.final(60)) == (1, 10, 6, 54)
    many = assess(POLICY, DUE + timedelta(days=8))
    assert (many.days, many.percent, many.final(60)) == (8, 50, 30)  # capped, and still graded
    on_time = assess(POLICY, DUE + timedelta(minutes=10))
    assert not on_time.late and on_time.final(60) == 60


def test_an_extension_moves_the_due_date_of_the_students_it_names():
    policy = LatePolicy(due=DUE, per_day=10, cap=50, extensions={"2026001": DUE + timedelta(days=3)})
    mine = assess(policy, DUE + timedelta(days=2), ["2026001", "ada@example.edu"])
    assert not mine.late and mine.extended and mine.due == DUE + timedelta(days=3)
    theirs = assess(policy, DUE + timedelta(days=2), ["2026002"])
    assert theirs.days == 2 and not theirs.extended


def test_canvas_decides_whether_and_the_file_times_how_late():
    flagged = assess(POLICY, DUE + timedelta(days=2), lms_late=True, lms_name="Canvas")
    assert flagged.days == 2
    not_flagged = assess(POLICY, DUE + timedelta(days=2), lms_late=False, lms_name="Canvas")
    assert not not_flagged.late and "Canvas: on time" in not_flagged.note
    in_grace = assess(POLICY, DUE + timedelta(minutes=5), lms_late=True, lms_name="Canvas")
    assert not in_grace.late and "Canvas: late" in in_grace.note


def test_no_due_date_means_nothing_is_late_and_an_unknown_time_is_on_time():
    assert not assess(LatePolicy(), DUE + timedelta(days=30)).late
    unknown = assess(POLICY, None)
    assert not unknown.late and "unknown" in unknown.note


def _manifest(tmp_path, late_table: str):
    path = tmp_path / "manifest.toml"
    path.write_text('name = "x"\n[files]\n"a.py" = ["f"]\n[checks]\npublic = []\n' + late_table)
    return path


def test_the_policy_comes_from_the_manifest_and_the_command_line_overrides_it(tmp_path):
    path = _manifest(tmp_path, '[late]\ndue = "2026-12-01T23:59:00+00:00"\nper_day = 10\ncap = 50\ngrace_minutes = 15\n')
    assert load_policy(path) == POLICY
    over = load_policy(path, due="2026-12-05T12:00:00+00:00", per_day=20, grace_minutes=0)
    assert over.due == datetime(2026, 12, 5, 12, tzinfo=UTC) and (over.per_day, over.cap, over.grace_minutes) == (20, 50, 0)
    assert load_policy(_manifest(tmp_path, "")) == LatePolicy()


def test_extensions_come_from_a_csv_with_or_without_a_header(tmp_path):
    path = _manifest(tmp_path, '[late]\ndue = "2026-12-01T23:59:00+00:00"\nper_day = 10\n')
    ext = tmp_path / "extensions.csv"
    ext.write_text("id,new_due\n2026001,2026-12-04\nada@example.edu,2026-12-03T12:00:00+00:00\n")
    policy = load_policy(path, extensions=ext)
    assert policy.extensions == {"2026001": datetime(2026, 12, 4, 23, 59, tzinfo=UTC),
                                 "ada@example.edu": datetime(2026, 12, 3, 12, tzinfo=UTC)}
    ext.write_text("2026001,2026-12-04\n")
    assert list(load_policy(path, extensions=ext).extensions) == ["2026001"]


@pytest.mark.parametrize("table, kwargs, message", [
    ('[late]\ndue = "soon"\n', {}, "not a date and time"),
    ('[late]\nper_day = -1\n', {}, "per_day must be between"),
    ('[late]\ncap = 150\n', {}, "cap must be between"),
    ('[late]\npenalty = 10\n', {}, "unknown keys"),
    ("", {"extensions": "/nonexistent/ext.csv"}, "cannot read the extensions file"),
])
def test_bad_policies_are_errors_that_say_what_is_wrong(tmp_path, table, kwargs, message):
    with pytest.raises(LateError, match=message):
        load_policy(_manifest(tmp_path, table), **kwargs)


def test_extensions_without_a_due_date_are_an_error(tmp_path):
    ext = tmp_path / "ext.csv"
    ext.write_text("2026001,2026-12-04\n")
    with pytest.raises(LateError, match="no due date"):
        load_policy(_manifest(tmp_path, ""), extensions=ext)
