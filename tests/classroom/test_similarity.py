"""Similar-code pairs (autograder/classroom/similarity.py) on hand-written submissions of a small
template: a near-copy with renamed variables and other comments ranks first, unrelated code does not
pair up, and code the template provides does not count as shared."""

from autograder.classroom.similarity import find_similar, normalise, template_lines, template_names

TEMPLATE = '''\
import numpy as np


def _check(x, k):
    """Provided: the argument checks."""
    if not isinstance(k, int) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("x must be 2-D, got shape %s" % (x.shape,))
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite")
    if x.shape[1] < k:
        raise ValueError("k is longer than the series")
    return x


def smooth(x, k):
    """Moving averages of width k along each row."""
    x = _check(x, k)
    raise NotImplementedError("smooth: not implemented yet")
'''

HEAD = TEMPLATE.split("def smooth")[0] + 'def smooth(x, k):\n    """Moving averages of width k along each row."""\n    x = _check(x, k)\n'

ALICE = HEAD + '''\
    # running sums: one pass
    totals = np.cumsum(x, axis=1)
    padded = np.concatenate([np.zeros((x.shape[0], 1)), totals], axis=1)
    width = x.shape[1] - k + 1
    result = np.empty((x.shape[0], width))
    for start in range(width):
        result[:, start] = (padded[:, start + k] - padded[:, start]) / k
    return result
'''

BOB = HEAD + '''\
    # prefix sums (my own idea)
    acc = np.cumsum(x, axis=1)
    acc0 = np.concatenate([np.zeros((x.shape[0], 1)), acc], axis=1)
    n_out = x.shape[1] - k + 1
    out = np.empty((x.shape[0], n_out))
    for i in range(n_out):  # each window
        out[:, i] = (acc0[:, i + k] - acc0[:, i]) / k
    return out
'''

CAROL = HEAD + '''\
    kernel = np.ones(k) / k
    rows = []
    for row in x:
        rows.append(np.convolve(row, kernel, mode="valid"))
    return np.array(rows)
'''

DAVE = HEAD + '''\
    n, t = x.shape
    means = np.zeros((n, t - k + 1))
    for r in range(n):
        for c in range(t - k + 1):
            s = 0.0
            for j in range(k):
                s += x[r, c + j]
            means[r, c] = s / k
    return means
'''

TEMPLATES = {"smooth.py": TEMPLATE}


def _pairs(submissions, templates=TEMPLATES, **options):
    return {(p.a, p.b): p.similarity for p in find_similar(submissions, templates, threshold=0.0, **options)}


def test_renaming_variables_and_changing_comments_changes_nothing_in_the_normalised_code():
    names = template_names(TEMPLATES)
    skip = template_lines(TEMPLATES, names)
    assert {"np", "_check", "smooth"} <= names
    alice, bob = normalise(ALICE, skip, names), normalise(BOB, skip, names)
    assert alice == bob and len(alice) > 50
    assert normalise(CAROL, skip, names) != alice


def test_the_templates_own_lines_are_not_the_students_code():
    names = template_names(TEMPLATES)
    skip = template_lines(TEMPLATES, names)
    assert normalise(TEMPLATE, skip, names) == []
    own = normalise(CAROL, skip, names)
    assert "_check" not in own and "ValueError" not in own  # the provided helper is gone ...
    assert "convolve" in own  # ... the student's own code stays


def test_the_near_copy_ranks_first_and_unrelated_pairs_score_low():
    submissions = {s: {"smooth.py": code} for s, code in
                   {"alice": ALICE, "bob": BOB, "carol": CAROL, "dave": DAVE}.items()}
    ranked = find_similar(submissions, TEMPLATES, threshold=0.0)
    assert (ranked[0].a, ranked[0].b) == ("alice", "bob") and ranked[0].similarity == 1.0
    assert all(p.similarity < 0.2 for p in ranked[1:])
    listed = find_similar(submissions, TEMPLATES)  # the default threshold
    assert [(p.a, p.b) for p in listed] == [("alice", "bob")]


def test_code_the_template_provides_is_not_shared_code():
    submissions = {"carol": {"smooth.py": CAROL}, "dave": {"smooth.py": DAVE}}  # the same provided helper
    without_template = _pairs(submissions, templates={}, min_shingles=1)
    with_template = _pairs(submissions, min_shingles=1)
    assert without_template[("carol", "dave")] > 0.4  # the helper alone makes them look alike
    assert with_template[("carol", "dave")] < 0.1
    assert find_similar(submissions, TEMPLATES) == []


def test_a_submission_with_too_little_code_of_its_own_is_not_compared():
    submissions = {"alice": {"smooth.py": ALICE}, "tom": {"smooth.py": TEMPLATE}, "tim": {"smooth.py": TEMPLATE}}
    assert ("tim", "tom") not in _pairs(submissions)  # two untouched templates are not "similar code"
    assert _pairs(submissions, templates={}, min_shingles=1)[("tim", "tom")] == 1.0
