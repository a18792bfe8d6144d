"""Manifests (autograder/manifest.py): what an assignment declares, validated on load. Hand-made
manifests in a temporary folder for every refusal; the kit's own manifests for what they declare."""

import pytest

from autograder import manifest as manifests
from autograder.manifest import ManifestError, load, load_file
from autograder.paths import ASSIGNMENTS, SOLUTIONS

GOOD = '''\
name = "toy"
title = "A toy assignment"

[files]
"alpha.py" = ["f", "g"]
"beta.py" = ["h"]

[checks]
hidden = ["hidden/test_toy_hidden.py"]
public = ["public/test_toy.py"]
examples = ["public/examples_toy.py"]
cache_functions = ["f"]
hidden_visibility = "after_due_date"

[provided]
from = "recurrent"
files = ["rnn.py"]

[handout]
data = ["data/series.csv"]

[limits]
call_timeout_s = 2.5
memory_mb = 512
function_timeout_s = { h = 30 }
'''


def _write(root, text, name="toy"):
    (root / name).mkdir(parents=True, exist_ok=True)
    (root / name / "manifest.toml").write_text(text)
    return root / name / "manifest.toml"


@pytest.fixture
def toy(tmp_path):
    """A complete assignment folder: manifest, public and hidden checks with their modules, data."""
    _write(tmp_path, GOOD)
    root = tmp_path / "toy"
    for rel in ("public/test_toy.py", "public/examples_toy.py", "public/strategies_toy.py", "public/expected.npz",
                "hidden/test_toy_hidden.py", "public/__pycache__/examples_toy.cpython-311.pyc", "data/series.csv"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    return root


def test_a_good_manifest_is_read_in_full(toy):
    m = load("toy", root=toy.parent)
    assert (m.name, m.title, m.root) == ("toy", "A toy assignment", toy)
    assert m.files == {"alpha.py": ("f", "g"), "beta.py": ("h",)}
    assert m.functions == {"f": "alpha.py", "g": "alpha.py", "h": "beta.py"}
    assert m.module_names == ("alpha", "beta")
    assert m.public_checks == (toy / "public/test_toy.py",) and m.hidden_checks == (toy / "hidden/test_toy_hidden.py",)
    assert m.examples == (toy / "public/examples_toy.py",) and m.data == (toy / "data/series.csv",)
    assert m.cache_functions == frozenset({"f"}) and m.hidden_visibility == "after_due_date"
    assert m.provided == {"rnn.py": SOLUTIONS / "recurrent" / "rnn.py"} and m.provided_from == "recurrent"
    assert (m.call_timeout_s, m.memory_mb, m.function_timeouts) == (2.5, 512, {"h": 30.0})
    assert m.solutions == SOLUTIONS / "toy" and m.submissions == toy / "submissions"


def test_defaults_of_the_optional_entries(tmp_path):
    m = load_file(_write(tmp_path, 'name = "toy"\n[files]\n"a.py" = ["f"]\n[checks]\n'))
    assert (m.title, m.public_checks, m.hidden_checks, m.examples, m.data) == ("toy", (), (), (), ())
    assert (m.cache_functions, m.provided, m.provided_from, m.function_timeouts) == (frozenset(), {}, "", {})
    assert (m.hidden_visibility, m.call_timeout_s, m.memory_mb) == ("after_published", 5.0, 1536)


def test_check_dirs_are_public_first(toy):
    m = load("toy", root=toy.parent)  # the manifest lists hidden before public
    assert m.check_dirs == (toy / "public", toy / "hidden")


def test_score_files_cover_examples_expected_values_check_modules_data_reference_and_provided(toy):
    m = load("toy", root=toy.parent)
    files = m.score_files()
    assert files == sorted(set(files))
    for path in (toy / "manifest.toml", toy / "public/test_toy.py", toy / "public/examples_toy.py",
                 toy / "public/strategies_toy.py", toy / "public/expected.npz", toy / "hidden/test_toy_hidden.py",
                 toy / "data/series.csv", SOLUTIONS / "toy" / "alpha.py", SOLUTIONS / "toy" / "beta.py",
                 SOLUTIONS / "recurrent" / "rnn.py"):
        assert path in files, path
    assert not [p for p in files if "__pycache__" in p.parts]


def test_an_unknown_assignment_names_the_known_ones(tmp_path):
    _write(tmp_path, GOOD)
    with pytest.raises(ManifestError, match=r"unknown assignment 'nope'; known assignments: .*recurrent"):
        load("nope")
    with pytest.raises(ManifestError, match=r"unknown assignment 'nope'"):
        load("nope", root=tmp_path)


def _refused(tmp_path, text, message, name="toy"):
    path = _write(tmp_path, text, name)
    with pytest.raises(ManifestError, match=message):
        load(name, root=tmp_path)
    return path


@pytest.mark.parametrize("old, new, message", [
    ('hidden_visibility = "after_due_date"', 'hidden_visibility = "sometimes"',
     r"hidden_visibility must be one of \('hidden', 'after_due_date', 'after_published', 'visible'\), got 'sometimes'"),
    ('"beta.py" = ["h"]', '"beta.txt" = ["h"]', r"student or provided file 'beta.txt' must be a plain \.py file name"),
    ('"beta.py" = ["h"]', '"sub/beta.py" = ["h"]', r"'sub/beta.py' must be a plain \.py file name"),
    ('files = ["rnn.py"]', 'files = ["rnn.c"]', r"'rnn.c' must be a plain \.py file name"),
    ('cache_functions = ["f"]', 'cache_functions = ["f", "nope"]', r"name unknown functions \['nope'\]"),
    ("function_timeout_s = { h = 30 }", "function_timeout_s = { zzz = 30 }", r"name unknown functions \['zzz'\]"),
    ('from = "recurrent"\n', "", r"\[provided\] files need `from = \"<assignment>\"`"),
    ('files = ["rnn.py"]', 'files = ["alpha.py"]', r"\['alpha.py'\] are both student files and provided files"),
    ('name = "toy"', 'name = "other"', r"name = 'other' but the folder is 'toy'"),
    ('public = ["public/test_toy.py"]', 'public = "public/test_toy.py"', r"\[checks\] public must be a list"),
    ("[files]", "[filez]", r"missing or malformed entry"),
    ("call_timeout_s = 2.5", "call_timeout_s = [2.5]", r"missing or malformed entry"),
    ('title = "A toy assignment"', 'title = "unclosed', r"not valid TOML"),
], ids=["visibility", "not-py", "path", "provided-not-py", "cache-functions", "function-timeouts", "provided-from",
        "provided-clash", "name", "checks-list", "no-files", "malformed-limit", "toml"])
def test_a_malformed_manifest_is_refused_with_the_reason(tmp_path, old, new, message):
    assert old in GOOD
    path = _refused(tmp_path, GOOD.replace(old, new), message)
    with pytest.raises(ManifestError, match=str(path).replace(".", r"\.")):  # the message names the file
        load_file(path, "toy")


def test_the_kits_assignments_load_with_public_checks_first():
    names = manifests.available()
    assert {"recurrent", "sequences"} <= set(names)
    assert names == sorted(p.parent.name for p in ASSIGNMENTS.glob("*/manifest.toml"))
    for m in manifests.load_all():
        assert m.root == ASSIGNMENTS / m.name
        publics = {p.parent for p in m.public_checks}
        assert m.check_dirs[:len(publics)] == tuple(dict.fromkeys(p.parent for p in m.public_checks))
        assert set(m.check_dirs) == publics | {p.parent for p in m.hidden_checks}
        assert set(m.cache_functions) <= set(m.functions)


@pytest.mark.parametrize("name", ["recurrent", "sequences"])
def test_score_files_of_the_kits_assignments_include_their_expected_values(name):
    m = manifests.load(name)
    files = set(m.score_files())
    assert {m.root / "manifest.toml", *m.examples, *m.public_checks, *m.hidden_checks} <= files
    assert m.examples[0].parent / "expected.npz" in files
    assert {m.solutions / f for f in m.files} <= files
    for folder in m.check_dirs:
        assert {p for p in folder.glob("*.py")} <= files
