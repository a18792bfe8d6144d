"""A lookup table of the worked examples earns nothing (issue 11, item 2).

The worked examples' inputs and expected outputs ship in the student zip, so a student can write an
``rnn.py`` that computes nothing: it answers each worked input from a table of the expected outputs
and returns zeros anywhere else. Before the sealed twins (``autograder/checklib/sealed.py``) such a
file earned the worked-example points and every property gated on them (16 to 21.5 of rnn's 39.5).
Here the table is generated from the reference's own answers on the worked examples (what a student
reads out of expected.npz), graded by the real command, and must earn 0 on every check of rnn.py,
while the honest lstm.py and gru.py keep full marks.
"""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pytest

from autograder import manifest as manifests
from autograder.grading.grade import reference_submission
from helpers import run_grade

MANIFEST = manifests.load("recurrent")
RNN_FUNCTIONS = [f for f, file in MANIFEST.functions.items() if file == "rnn.py"]

TEMPLATE = '''"""Answers the worked examples from a table; computes nothing."""
import numpy as np

TABLE = {table}


def _key(name, args):
    parts = [name]
    for a in args:
        parts.append(repr(a) if isinstance(a, (str, tuple)) else repr(np.asarray(a, dtype=np.float64).round(12).tolist()))
    return "|".join(parts)


def _answer(name, args, zeros):
    found = TABLE.get(_key(name, args))
    if found is None:
        return zeros()
    return tuple(np.array(v) if isinstance(v, list) else v for v in found)


def _forward(name, x, h, Wx, Wh, b, activation, alpha, shape):
    key = _key(name, (x, h, Wx, Wh, b, activation, float(alpha)))
    value = _answer(name, (x, h, Wx, Wh, b, activation, float(alpha)), lambda: (np.zeros(shape),))[0]
    return value, (key, x.shape, h.shape, Wx.shape, Wh.shape, b.shape)


def _backward(name, dh, cache):
    key, *shapes = cache
    return _answer(name, (dh, key), lambda: tuple(np.zeros(s) for s in shapes))


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    return _forward("rnn_step_forward", x, prev_h, Wx, Wh, b, activation, alpha, prev_h.shape)


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    return _forward("rnn_forward", x, h0, Wx, Wh, b, activation, alpha, x.shape[:2] + h0.shape[1:])


def rnn_step_backward(dnext_h, cache):
    return _backward("rnn_step_backward", dnext_h, cache)


def rnn_backward(dh, cache):
    return _backward("rnn_backward", dh, cache)
'''


class Recorder:
    """The reference, recording the worked examples' rnn calls as table rows."""

    def __init__(self, reference):
        self.reference, self.rows, self.keys = reference, {}, {}

    def call(self, name, *args, **kwargs):
        value = self.reference.call(name, *args, **kwargs)
        if name.startswith("rnn"):
            if name.endswith("_forward"):
                full = (*args, kwargs.get("activation", "tanh"), float(kwargs.get("alpha", 0.0)))
                key = self._key(name, full)
                self.rows[key] = [value[0].tolist()]
                self.keys[id(value[1])] = key
            else:
                dh, cache = args
                cache_key = self.keys[id(cache)]
                self.rows[self._key(name, (dh, cache_key))] = [v.tolist() for v in value]
        return value

    @staticmethod
    def _key(name, args):
        parts = [name]
        for a in args:
            parts.append(repr(a) if isinstance(a, (str, tuple)) else
                         repr(np.asarray(a, dtype=np.float64).round(12).tolist()))
        return "|".join(parts)


@pytest.fixture(scope="module")
def lookup_submission(tmp_path_factory):
    sys.path[0:0] = [str(d) for d in MANIFEST.check_dirs]
    try:
        import examples_recurrent
    finally:
        del sys.path[:len(MANIFEST.check_dirs)]
    recorder = Recorder(reference_submission(MANIFEST))
    for example in examples_recurrent.EXAMPLES:
        if example.function in RNN_FUNCTIONS:
            example(recorder)
    folder = tmp_path_factory.mktemp("lookup") / "recurrent"
    shutil.copytree(MANIFEST.solutions, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "rnn.py").write_text(TEMPLATE.format(table=repr(recorder.rows)), encoding="utf-8")
    return folder, len(recorder.rows)


def test_the_table_answers_the_worked_examples(lookup_submission):
    """The attack is real: on the worked examples' own inputs the table gives the expected outputs."""
    folder, rows = lookup_submission
    assert rows >= 2 * len(RNN_FUNCTIONS)
    namespace: dict = {}
    exec(compile((folder / "rnn.py").read_text(encoding="utf-8"), "rnn.py", "exec"), namespace)
    key = next(k for k in namespace["TABLE"] if k.startswith("rnn_forward|"))
    args = [np.array(eval(part)) if part.startswith("[") else eval(part) for part in key.split("|")[1:]]
    got, _ = namespace["rnn_forward"](*args)
    assert np.array_equal(got, np.array(namespace["TABLE"][key][0])) and np.abs(got).max() > 0


@pytest.mark.slow
def test_a_lookup_table_of_the_worked_examples_earns_nothing(lookup_submission, tmp_path):
    folder, _ = lookup_submission
    out = tmp_path / "results.json"
    proc = run_grade("recurrent", folder, out)
    assert proc.returncode == 0, proc.stderr[-2000:]
    tests = json.loads(out.read_text(encoding="utf-8"))["tests"]
    earned = {t["name"]: t["score"] for t in tests if t["name"].split(":")[0] in RNN_FUNCTIONS and t["score"] > 0}
    assert earned == {}, f"the lookup table earned {sum(earned.values())} points: {sorted(earned)}"
    honest = [t for t in tests if t["name"].split(":")[0] not in RNN_FUNCTIONS]
    assert honest and all(t["score"] == t["max_score"] for t in honest)
