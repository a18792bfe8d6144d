"""Before/after snapshots of grades (autograder/devtools/snapshot.py): what ``compare`` reports."""

from __future__ import annotations

import json

from autograder.devtools import snapshot


def entry(score, **checks):
    return {"score": score, "checks": {name: list(v) for name, v in checks.items()}}


def test_identical_snapshots_have_no_difference():
    table = {"a/class/s1": entry(2.0, f=(1.0, "ok"), g=(1.0, ""))}
    assert snapshot.differences(table, json.loads(json.dumps(table))) == []


def test_every_kind_of_difference_is_reported():
    before = {"a/class/s1": entry(2.0, f=(1.0, "ok"), g=(1.0, "")), "a/class/gone": entry(0.0)}
    after = {"a/class/s1": entry(1.5, f=(1.0, "changed"), g=(0.5, ""), h=(0.0, "")), "a/class/new": entry(0.0)}
    lines = snapshot.differences(before, after)
    assert lines == [
        "a/class/gone: only before",
        "a/class/new: only after",
        "a/class/s1: total 2.0 -> 1.5",
        "a/class/s1: f: feedback text differs",
        "a/class/s1: g: 1.0 -> 0.5",
        "a/class/s1: check 'h' only after",
    ]


def test_compare_exits_1_on_a_difference(tmp_path, capsys):
    for name, score in (("before", 1.0), ("after", 0.0)):
        (tmp_path / name).mkdir()
        (tmp_path / name / snapshot.SNAPSHOT).write_text(json.dumps({"a/x/s": entry(score)}))
    assert snapshot.main(["compare", str(tmp_path / "before"), str(tmp_path / "before")]) == 0
    assert snapshot.main(["compare", str(tmp_path / "before"), str(tmp_path / "after")]) == 1
    assert "a/x/s: total 1.0 -> 0.0" in capsys.readouterr().out


def test_totals_lists_only_the_entries_whose_total_changed():
    before = {"a/class/s1": entry(2.0, f=(1.0, "ok")), "a/class/s2": entry(1.0, f=(1.0, "ok"))}
    after = {"a/class/s1": entry(1.5, f=(1.5, "other")), "a/class/s2": entry(1.0, f=(1.0, "other text"))}
    assert snapshot.total_changes(before, after) == ["| `a/class/s1` | 2 | 1.5 |"]
