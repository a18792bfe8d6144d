"""Known misconceptions of the recurrent assignment, as variants of the reference (grader only: each one
computes a student function, so this module never ships; ``hidden/`` stays with the grader).

When a hidden check finds an output wrong, ``explained`` diagnoses it: where the wrong entries are
(gate blocks, time steps: ``autograder.checklib.diagnosis``) and which variants of the reference give
the student's output on the failing case, worded as a hint ("your dWx matches what the reference
gives when ..."). Nothing runs on a passing check: correct submissions pay nothing.

Each variant is the reference's source with a few lines replaced (``Variant.patches``): most mirror
one bug of the mutation suite (``submissions/<id>/``, same id), the others are misconceptions the
suite does not hold (CS231n's gate order, z and r read from each other's blocks, db averaged, the LSTM
without BPTT). A patch that no longer applies to the reference (the reference was edited) drops its
variant; ``tests/checklib/test_diagnosis.py`` fails then, naming it. The variants are built on first
use (``autograder/grading/variants.py``).
"""

from __future__ import annotations

import numpy as np

import checks_recurrent as rc
from autograder.checklib.compare import CheckFailure
from autograder.checklib.diagnosis import distinct_match, explain, same_as
from autograder.grading import variants
from autograder.grading.variants import Variant
from autograder.paths import SOLUTIONS
from strategies_recurrent import GATES


def _v(id: str, says: str, *patches: tuple[str, str]) -> Variant:
    return Variant(id, id.split("-")[0] + ".py", says, patches)


CATALOGUE = (
    # ---------------------------------------------------------------- rnn.py
    _v("rnn-tanh-derivative-not-squared", "tanh' is taken as 1 - tanh(a) instead of 1 - tanh(a)**2",
       ("* (1.0 - h_tilde**2)", "* (1.0 - h_tilde)")),
    _v("rnn-tanh-backward-missing-leak-factor", "the tanh branch of the step backward leaves out the factor (1 - alpha)",
       ("da = (1.0 - alpha) * dnext_h * (1.0 - h_tilde**2)", "da = dnext_h * (1.0 - h_tilde**2)")),
    _v("rnn-relu-derivative-missing-mask", "relu' is taken as 1 everywhere (no mask a > 0)",
       ("da = (1.0 - alpha) * dnext_h * (a > 0)", "da = (1.0 - alpha) * dnext_h")),
    _v("rnn-leaky-dprev-missing-alpha", "dprev_h leaves out the leak's direct path alpha * dnext_h",
       ("dprev_h = alpha * dnext_h + da @ Wh.T", "dprev_h = da @ Wh.T")),
    _v("rnn-dWh-uses-x", "dWh is computed from x instead of prev_h", ("dWh = prev_h.T @ da", "dWh = x.T @ da")),
    _v("rnn-db-not-summed", "db is not summed over the batch (one row per example)",
       ("db = da.sum(axis=0)", "db = da")),
    _v("rnn-db-averaged", "db is averaged over the batch instead of summed", ("db = da.sum(axis=0)", "db = da.mean(axis=0)")),
    _v("rnn-leak-on-wrong-term", "the leak multiplies the wrong term: (1 - alpha) * prev_h + alpha * h~",
       ("next_h = alpha * prev_h + (1.0 - alpha) * h_tilde", "next_h = (1.0 - alpha) * prev_h + alpha * h_tilde")),
    _v("rnn-forward-ignores-h0", "the sequence starts from zeros instead of h0",
       ("    prev_h = h0\n", "    prev_h = np.zeros((N, H))\n")),
    _v("rnn-bptt-dropped", "nothing is carried back between time steps (each step gets only its own dh[:, t])",
       ("rnn_step_backward(dh[:, t, :] + dh0,", "rnn_step_backward(dh[:, t, :],")),
    _v("rnn-bptt-forward-in-time", "the backward loop runs forwards in time (t = 0, 1, ...)",
       ("    for t in reversed(range(T)):\n        dx_t, dh0, dWx_t", "    for t in range(T):\n        dx_t, dh0, dWx_t")),
    _v("rnn-dh0-not-returned", "the carried gradient is kept in its own variable and dh0 stays zero",
       ("dx_t, dh0, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dh0,",
        "dx_t, _carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + _carried,"),
       ("    dh0 = np.zeros((N, H))\n    dWx", "    dh0 = np.zeros((N, H))\n    _carried = dh0\n    dWx")),
    # ---------------------------------------------------------------- lstm.py
    _v("lstm-swapped-i-f-gates", "the input and forget gates are read from each other's blocks in the step forward "
       "(i from columns H:2H, f from 0:H)",
       ("    i = sigmoid(a[:, :H])\n    f = sigmoid(a[:, H : 2 * H])", "    f = sigmoid(a[:, :H])\n    i = sigmoid(a[:, H : 2 * H])")),
    _v("lstm-cs231n-gate-order", "the gates are laid out in CS231n's order i, f, o, g instead of SPEC's i, f, g, o",
       ("    g = np.tanh(a[:, 2 * H : 3 * H])\n    o = sigmoid(a[:, 3 * H :])",
        "    o = sigmoid(a[:, 2 * H : 3 * H])\n    g = np.tanh(a[:, 3 * H :])"),
       ("            dc * i * (1.0 - g**2),\n            dnext_h * tanh_c * o * (1.0 - o),",
        "            dnext_h * tanh_c * o * (1.0 - o),\n            dc * i * (1.0 - g**2),")),
    _v("lstm-forget-gate-tanh", "the forget gate uses tanh instead of sigmoid",
       ("f = sigmoid(a[:, H : 2 * H])", "f = np.tanh(a[:, H : 2 * H])")),
    _v("lstm-h-without-tanh", "next_h = o * next_c (the tanh of the cell state left out)",
       ("next_h = o * tanh_c", "next_h = o * next_c")),
    _v("lstm-c0-equals-h0", "the sequence starts the cell state from h0 instead of 0",
       ("prev_h, prev_c = h0, np.zeros((N, H))", "prev_h, prev_c = h0, h0")),
    _v("lstm-dprev-c-missing-f", "dprev_c leaves out the forget gate (dprev_c = dc instead of dc * f)",
       ("dprev_c = dc * f", "dprev_c = dc")),
    _v("lstm-tanh-c-derivative-missing-o", "the path from next_h to the cell state leaves out the output gate o",
       ("dc = dnext_c + dnext_h * o * (1.0 - tanh_c**2)", "dc = dnext_c + dnext_h * (1.0 - tanh_c**2)")),
    _v("lstm-g-derivative-missing", "the candidate's tanh' (1 - g**2) is left out", ("dc * i * (1.0 - g**2),", "dc * i,")),
    _v("lstm-cell-grad-not-carried", "the cell-state gradient is not carried back between time steps",
       ("dx_t, dh0, dc, dWx_t", "dx_t, dh0, _dprev_c, dWx_t")),
    _v("lstm-bptt-dropped", "nothing is carried back between time steps through h (each step gets only its own dh[:, t])",
       ("lstm_step_backward(dh[:, t, :] + dh0,", "lstm_step_backward(dh[:, t, :],")),
    _v("lstm-db-averaged", "db is averaged over the batch instead of summed", ("db = da.sum(axis=0)", "db = da.mean(axis=0)")),
    # ---------------------------------------------------------------- gru.py
    _v("gru-reset-after-product", "the reset gate is applied after the recurrent product, r * (prev_h Wh_g) "
       "(PyTorch's GRU), not before it",
       ("g = np.tanh(ax[:, 2 * H :] + r_prev_h @ Wh[:, 2 * H :])", "g = np.tanh(ax[:, 2 * H :] + r * (prev_h @ Wh[:, 2 * H :]))")),
    _v("gru-z-swapped", "z and 1 - z are swapped: next_h = (1 - z) * prev_h + z * g",
       ("next_h = z * prev_h + (1.0 - z) * g", "next_h = (1.0 - z) * prev_h + z * g")),
    _v("gru-swapped-z-r-blocks", "the update and reset gates are read from each other's blocks (z from columns H:2H, "
       "r from 0:H)",
       ("    z = sigmoid(a_zr[:, :H])\n    r = sigmoid(a_zr[:, H:])", "    r = sigmoid(a_zr[:, :H])\n    z = sigmoid(a_zr[:, H:])")),
    _v("gru-candidate-sigmoid", "the candidate g uses sigmoid instead of tanh",
       ("g = np.tanh(ax[:, 2 * H :] + r_prev_h @ Wh[:, 2 * H :])", "g = sigmoid(ax[:, 2 * H :] + r_prev_h @ Wh[:, 2 * H :])")),
    _v("gru-state-not-updated", "every step starts from h0 (the new state is stored in h but not passed on)",
       ("        prev_h, step_cache = gru_step_forward(x[:, t, :], prev_h, Wx, Wh, b)\n        h[:, t, :] = prev_h",
        "        next_h, step_cache = gru_step_forward(x[:, t, :], prev_h, Wx, Wh, b)\n        h[:, t, :] = next_h")),
    _v("gru-dprev-h-missing-r-path", "dprev_h leaves out the path through r * prev_h in the candidate",
       ("dprev_h = dnext_h * z + dr_prev_h * r + da_zr", "dprev_h = dnext_h * z + da_zr")),
    _v("gru-dWh-g-uses-prev-h", "the candidate's block of dWh uses prev_h instead of r * prev_h",
       ("r_prev_h.T @ da_g], axis=1)", "prev_h.T @ da_g], axis=1)")),
    _v("gru-dz-sign-flipped", "the update gate's gradient has the wrong sign: (g - prev_h) instead of (prev_h - g)",
       ("da_z = dnext_h * (prev_h - g)", "da_z = dnext_h * (g - prev_h)")),
    _v("gru-bptt-dropped", "nothing is carried back between time steps (each step gets only its own dh[:, t])",
       ("gru_step_backward(dh[:, t, :] + dh0,", "gru_step_backward(dh[:, t, :],")),
    _v("gru-db-averaged", "db is averaged over the batch instead of summed", ("db = da.sum(axis=0)", "db = da.mean(axis=0)")),
)


def build(variant: Variant):
    """The variant as a module with ``call`` (built once per process), or None when its patches no
    longer apply to the reference."""
    return variants.build(variant, SOLUTIONS / "recurrent")


def output_of(impl, case, function: str, output: str):
    """``output`` of ``function`` (the case's forward or backward) computed by ``impl``."""
    outputs, cache = rc.forward(impl, case)
    if function == case.forward_name:
        return outputs[output]
    return rc.backward(impl, case, cache)[output]


def inputs(case) -> dict:
    """What an output that computes nothing may echo: every argument of the case's functions, h0 at
    every time step, and the upstream gradient of the first and the last step."""
    found = dict(zip(case.arg_names, case.args))
    found.update(zip(case.upstream_names, case.upstream))
    if not case.step:
        found["h0 at every time step"] = np.repeat(case.h0[:, None, :], case.T, axis=1)
        found["dh[:, 0]"], found["dh[:, -1]"] = case.dh[:, 0], case.dh[:, -1]
    return found


def hints(case, function: str, output: str, got, expected) -> list[tuple[str, str]]:
    """(id, what the reference does) of every variant of the case's file that gives ``got`` on ``case``
    (and tells it from ``expected``, the reference's output)."""
    found = []
    for variant in CATALOGUE:
        if variant.file != f"{case.model}.py":
            continue
        impl = build(variant)
        if impl is None:
            continue
        try:
            with np.errstate(all="ignore"):
                value = output_of(impl, case, function, output)
        except Exception:  # a variant that cannot run on this case matches nothing
            continue
        if distinct_match(got, value, expected):
            found.append((variant.id, variant.says))
    return found


def explain_failure(failure: CheckFailure, case) -> None:
    """Add the diagnosis of ``failure`` (a comparison of one output of ``case``'s functions) to it."""
    if failure.compared is None or failure.diagnosis:
        return
    function, output, got, expected = failure.compared
    if function not in (case.forward_name, case.backward_name):
        return
    same = same_as(got, inputs(case))
    found = [] if same else hints(case, function, output, got, expected)
    explain(failure, rc.layout(case, function, output), found, same)


def explained(check, student, reference, case, *args) -> None:
    """``check(student, reference, case, *args)`` (a comparison with the reference), with the diagnosis
    of its failure added to the failure."""
    try:
        check(student, reference, case, *args)
    except CheckFailure as failure:
        explain_failure(failure, case)
        raise


assert all(GATES[model] == len(names) for model, names in rc.GATE_NAMES.items())
