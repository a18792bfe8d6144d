"""The references ``solutions/rnn.py``, ``lstm.py``, ``gru.py`` against independent ground truth
(SPEC sections 2, 5, 6, 7), numpy only.

Ground truth here: centred numerical gradients of each forward (for every backward output), the SPEC
equations written as plain Python scalar loops (for every forward), and SPEC's properties (inputs
unchanged, repeatable backward, sequence = loop of steps, stable sigmoid). The cross-checks against
PyTorch live in ``test_reference_recurrent_torch.py``; the Hypothesis strategies are tested at the end.
"""

import ast
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from autograder.checklib.numgrad import numerical_gradient
import strategies_recurrent_hidden as rst
from autograder.checklib.tolerances import GRAD_ATOL, GRAD_RTOL, VALUE_ATOL, VALUE_RTOL
from autograder.loader import load_reference
from autograder.paths import SOLUTIONS

RECURRENT = SOLUTIONS / "recurrent"

MODULES = {stem: load_reference("recurrent", stem) for stem in ("rnn", "lstm", "gru")}

#: One strategy per forward/backward pair, with every option on: N = 1, T = 1, D != H, nonzero
#: initial states, relu, alpha > 0 and large pre-activations all occur among the examples.
STRATEGIES = {
    "rnn_step": rst.rnn_step_cases(),
    "rnn": rst.rnn_cases(),
    "lstm_step": rst.lstm_step_cases(),
    "lstm": rst.lstm_cases(),
    "gru_step": rst.gru_step_cases(),
    "gru": rst.gru_cases(),
}
KINDS = list(STRATEGIES)
SEQUENCE_KINDS = ["rnn", "lstm", "gru"]

#: SPEC's backward outputs, in order.
GRAD_NAMES = {
    "rnn_step": ("dx", "dprev_h", "dWx", "dWh", "db"),
    "rnn": ("dx", "dh0", "dWx", "dWh", "db"),
    "lstm_step": ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"),
    "lstm": ("dx", "dh0", "dWx", "dWh", "db"),
    "gru_step": ("dx", "dprev_h", "dWx", "dWh", "db"),
    "gru": ("dx", "dh0", "dWx", "dWh", "db"),
}
GRAD_PARAMS = [pytest.param(kind, g, id=f"{kind}_backward-{g}") for kind in KINDS for g in GRAD_NAMES[kind]]


def run_forward(case, args=None):
    """The reference forward on the case (or on ``args`` in its place): (outputs list, cache)."""
    fn = getattr(MODULES[case.model], case.forward_name)
    *outputs, cache = fn(*(case.args if args is None else args), **case.kwargs)
    return outputs, cache


def run_backward(case, cache):
    return getattr(MODULES[case.model], case.backward_name)(*case.upstream, cache)


def copies(arrays):
    return [None if a is None else np.array(a, copy=True) for a in arrays]


class _Found(Exception):
    pass


def first_example(strategy, predicate, max_examples=3000):
    """The first example of ``strategy`` that satisfies ``predicate`` (generation only, no shrinking).

    Raises AssertionError when none of ``max_examples`` derandomized examples does.
    """

    @settings(database=None, derandomize=True, max_examples=max_examples, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def search(case):
        if predicate(case):
            raise _Found(case)

    try:
        search()
    except _Found as found:
        return found.args[0]
    raise AssertionError(f"no example in {max_examples} satisfies {predicate.__name__}")


# --- backward passes against centred numerical gradients ---------------------------------------


@pytest.mark.parametrize("kind, grad", GRAD_PARAMS)
@given(data=st.data())
def test_backward_matches_centred_numerical_gradient(kind, grad, data):
    case = data.draw(STRATEGIES[kind], label="case")
    assert case.grad_names == GRAD_NAMES[kind]
    _, cache = run_forward(case)
    got = dict(zip(case.grad_names, run_backward(case, cache)))[grad]
    k = case.grad_names.index(grad)

    def outputs_at(value):
        args = list(case.args)
        args[k] = value
        outputs, _ = run_forward(case, args)
        return np.concatenate([o.ravel() for o in outputs])

    upstream = np.concatenate([u.ravel() for u in case.upstream])
    expected = numerical_gradient(outputs_at, case.args[k], upstream)
    assert got.shape == case.args[k].shape
    np.testing.assert_allclose(got, expected, rtol=GRAD_RTOL, atol=GRAD_ATOL, err_msg=f"{case.backward_name}: {grad}")


# --- forward passes against the SPEC equations as scalar Python loops --------------------------


def _sig(a):
    return 1.0 / (1.0 + math.exp(-a))


def _affine(x_row, h_row, Wx, Wh, b, j):
    """x_row Wx[:, j] + h_row Wh[:, j] + b[j], one scalar."""
    return sum(x_row[k] * Wx[k][j] for k in range(len(x_row))) + sum(
        h_row[k] * Wh[k][j] for k in range(len(h_row))
    ) + b[j]


def scalar_step(case, x, h, c):
    """One step of SPEC 5/6/7, one batch row and one unit at a time. Returns (next_h, next_c)."""
    Wx, Wh, b = case.Wx.tolist(), case.Wh.tolist(), case.b.tolist()
    H = len(h[0])
    next_h, next_c = [], []
    for n in range(len(x)):
        if case.model == "rnn":
            row = []
            for j in range(H):
                a = _affine(x[n], h[n], Wx, Wh, b, j)
                act = math.tanh(a) if case.activation == "tanh" else max(a, 0.0)
                row.append(case.alpha * h[n][j] + (1.0 - case.alpha) * act)
            next_h.append(row)
        elif case.model == "lstm":
            h_row, c_row = [], []
            for j in range(H):
                i = _sig(_affine(x[n], h[n], Wx, Wh, b, j))
                f = _sig(_affine(x[n], h[n], Wx, Wh, b, H + j))
                g = math.tanh(_affine(x[n], h[n], Wx, Wh, b, 2 * H + j))
                o = _sig(_affine(x[n], h[n], Wx, Wh, b, 3 * H + j))
                c_new = f * c[n][j] + i * g
                c_row.append(c_new)
                h_row.append(o * math.tanh(c_new))
            next_h.append(h_row)
            next_c.append(c_row)
        else:
            z = [_sig(_affine(x[n], h[n], Wx, Wh, b, j)) for j in range(H)]
            r = [_sig(_affine(x[n], h[n], Wx, Wh, b, H + j)) for j in range(H)]
            reset_h = [r[k] * h[n][k] for k in range(H)]  # reset before the recurrent product
            g = [math.tanh(_affine(x[n], reset_h, Wx, Wh, b, 2 * H + j)) for j in range(H)]
            next_h.append([z[j] * h[n][j] + (1.0 - z[j]) * g[j] for j in range(H)])
    return next_h, next_c


def scalar_forward(case):
    """The case's forward outputs by SPEC's equations: [next_h(, next_c)] or [h]."""
    x = case.x.tolist()
    h = case.h0.tolist()
    if case.step:
        c = case.prev_c.tolist() if case.prev_c is not None else None
        next_h, next_c = scalar_step(case, x, h, c)
        return [np.array(next_h), np.array(next_c)] if case.model == "lstm" else [np.array(next_h)]
    c = [[0.0] * case.H for _ in range(case.N)]
    hs = []
    for t in range(case.T):
        h, c = scalar_step(case, [row[t] for row in x], h, c)
        hs.append(h)
    return [np.array(hs).transpose(1, 0, 2)]


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_forward_matches_spec_equations_computed_by_scalar_loops(kind, data):
    case = data.draw(STRATEGIES[kind], label="case")
    outputs, _ = run_forward(case)
    expected = scalar_forward(case)
    assert len(outputs) == len(expected)
    for name, got, want in zip(case.output_names, outputs, expected):
        np.testing.assert_allclose(got, want, rtol=VALUE_RTOL, atol=VALUE_ATOL, err_msg=f"{case.forward_name}: {name}")


def test_hand_computed_leaky_rnn_step():
    # a = 1 * 0.2 + 0.5 * (-0.4) + 0.1 = 0.1; next_h = 0.25 * 0.5 + 0.75 * f(0.1)
    args = (np.array([[1.0]]), np.array([[0.5]]), np.array([[0.2]]), np.array([[-0.4]]), np.array([0.1]))
    tanh_h, _ = MODULES["rnn"].rnn_step_forward(*args, activation="tanh", alpha=0.25)
    relu_h, _ = MODULES["rnn"].rnn_step_forward(*args, activation="relu", alpha=0.25)
    np.testing.assert_allclose(tanh_h, [[0.125 + 0.75 * math.tanh(0.1)]], rtol=1e-14)
    np.testing.assert_allclose(relu_h, [[0.125 + 0.75 * 0.1]], rtol=1e-14)


def test_hand_computed_lstm_step_uses_gate_order_i_f_g_o():
    # D = H = 1, zero weights, so a = b = [a_i, a_f, a_g, a_o] = [1, 2, 3, 4].
    zeros = np.zeros((1, 4))
    next_h, next_c, _ = MODULES["lstm"].lstm_step_forward(
        np.array([[0.0]]), np.array([[0.0]]), np.array([[0.5]]), zeros, zeros, np.array([1.0, 2.0, 3.0, 4.0])
    )
    c = _sig(2.0) * 0.5 + _sig(1.0) * math.tanh(3.0)
    np.testing.assert_allclose(next_c, [[c]], rtol=1e-14)
    np.testing.assert_allclose(next_h, [[_sig(4.0) * math.tanh(c)]], rtol=1e-14)


def test_hand_computed_gru_step_applies_reset_before_the_recurrent_product():
    # H = 2, x = 0, all gate biases 0 except b_r = [ln 3, -ln 3] so r = [3/4, 1/4]; z = 1/2.
    # Wh_g mixes the two units: a_g = (r * h) Wh_g = [0.75 * 1, 0.25 * 1] @ [[0, 1], [1, 0]] = [0.25, 0.75]
    # (reset after the product would give r * (h Wh_g) = [0.75, 0.25]).
    H = 2
    Wh = np.zeros((H, 3 * H))
    Wh[:, 2 * H :] = [[0.0, 1.0], [1.0, 0.0]]
    b = np.zeros(3 * H)
    b[H : 2 * H] = [math.log(3.0), -math.log(3.0)]
    prev_h = np.array([[1.0, 1.0]])
    next_h, _ = MODULES["gru"].gru_step_forward(np.zeros((1, 1)), prev_h, np.zeros((1, 3 * H)), Wh, b)
    expected = 0.5 * prev_h + 0.5 * np.tanh([[0.25, 0.75]])
    np.testing.assert_allclose(next_h, expected, rtol=1e-14)


# --- SPEC section 2 properties --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_forward_and_backward_leave_their_arguments_unchanged(kind, data):
    case = data.draw(STRATEGIES[kind], label="case")
    args_before, upstream_before = copies(case.args), copies(case.upstream)
    _, cache = run_forward(case)
    run_backward(case, cache)
    for name, before, after in zip(case.arg_names, args_before, case.args):
        np.testing.assert_array_equal(after, before, err_msg=f"{case.forward_name} changed {name}")
    for name, before, after in zip(case.upstream_names, upstream_before, case.upstream):
        np.testing.assert_array_equal(after, before, err_msg=f"{case.backward_name} changed {name}")


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_backward_twice_on_one_cache_gives_identical_results_and_keeps_outputs(kind, data):
    case = data.draw(STRATEGIES[kind], label="case")
    outputs, cache = run_forward(case)
    outputs_before = copies(outputs)
    first = copies(run_backward(case, cache))
    second = run_backward(case, cache)
    for name, a, b in zip(case.grad_names, first, second):
        np.testing.assert_array_equal(b, a, err_msg=f"{case.backward_name}: {name} changed on the second call")
    for name, before, after in zip(case.output_names, outputs_before, outputs):
        np.testing.assert_array_equal(after, before, err_msg=f"{case.backward_name} changed the forward's {name}")


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_outputs_are_float64_arrays_of_spec_shapes(kind, data):
    case = data.draw(STRATEGIES[kind], label="case")
    outputs, cache = run_forward(case)
    N, H = case.N, case.H
    expected_out = [(N, H)] * len(case.output_names) if case.step else [(N, case.T, H)]
    grads = run_backward(case, cache)
    for name, array, shape in zip(
        case.output_names + case.grad_names, outputs + list(grads), expected_out + [a.shape for a in case.args]
    ):
        assert type(array) is np.ndarray, name
        assert array.shape == shape, (name, array.shape, shape)
        assert array.dtype == np.float64, (name, array.dtype)
        assert np.all(np.isfinite(array)), name


@pytest.mark.parametrize("model", SEQUENCE_KINDS)
@given(data=st.data())
def test_sequence_forward_equals_loop_of_step_forwards(model, data):
    case = data.draw(STRATEGIES[model], label="case")
    module = MODULES[model]
    step = getattr(module, f"{model}_step_forward")
    (h,), _ = run_forward(case)
    prev_h, prev_c = case.h0, np.zeros((case.N, case.H))
    for t in range(case.T):
        if model == "lstm":
            prev_h, prev_c, _ = step(case.x[:, t], prev_h, prev_c, case.Wx, case.Wh, case.b)
        else:
            prev_h, _ = step(case.x[:, t], prev_h, case.Wx, case.Wh, case.b, **case.kwargs)
        np.testing.assert_allclose(h[:, t], prev_h, rtol=VALUE_RTOL, atol=VALUE_ATOL, err_msg=f"h[:, {t}]")


@pytest.mark.parametrize("model", SEQUENCE_KINDS)
def test_sequence_of_zero_steps_gives_empty_h_and_zero_gradients(model):
    # Not required by SPEC; the references handle T = 0 gracefully rather than crash.
    rng = np.random.default_rng(0)
    G = rst.GATES[model]
    N, D, H = 2, 3, 4
    x, h0 = np.zeros((N, 0, D)), rng.standard_normal((N, H))
    Wx, Wh, b = rng.standard_normal((D, G * H)), rng.standard_normal((H, G * H)), rng.standard_normal(G * H)
    h, cache = getattr(MODULES[model], f"{model}_forward")(x, h0, Wx, Wh, b)
    assert h.shape == (N, 0, H)
    dx, dh0, dWx, dWh, db = getattr(MODULES[model], f"{model}_backward")(np.zeros((N, 0, H)), cache)
    assert dx.shape == (N, 0, D)
    for g, ref in ((dh0, h0), (dWx, Wx), (dWh, Wh), (db, b)):
        assert g.shape == ref.shape and not np.any(g)


@pytest.mark.parametrize("stem", ["lstm", "gru"])
def test_sigmoid_is_finite_accurate_and_silent_at_large_magnitudes(stem):
    sigmoid = MODULES[stem].sigmoid
    a = np.array([-1000.0, -50.0, -20.0, -1.0, 0.0, 1e-8, 1.0, 20.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            s = sigmoid(a)
            scalar = sigmoid(-50.0)
    assert np.all(np.isfinite(s)) and s.dtype == np.float64 and s.shape == a.shape
    expected = [0.0 if v < -700 else 1.0 if v > 700 else 1.0 / (1.0 + math.exp(-v)) for v in a]
    np.testing.assert_allclose(s, expected, rtol=1e-14, atol=0)
    assert s[1] > 0.0  # sigmoid(-50) ~ 1.9e-22 is not flushed to 0
    np.testing.assert_allclose(scalar, 1.0 / (1.0 + math.exp(50.0)), rtol=1e-14)


@pytest.mark.parametrize("stem", ["lstm", "gru"])
def test_sigmoid_does_not_modify_its_argument(stem):
    a = np.array([-3.0, 0.0, 3.0])
    MODULES[stem].sigmoid(a)
    np.testing.assert_array_equal(a, [-3.0, 0.0, 3.0])


@pytest.mark.parametrize("function", ["rnn_step_forward", "rnn_forward"])
@pytest.mark.parametrize("activation", ["sigmoid", "Tanh", None])
def test_unknown_activation_raises_value_error_naming_it(function, activation):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3) if function == "rnn_step_forward" else (2, 2, 3))
    args = (x, rng.standard_normal((2, 4)), rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=f"{function}: activation must be 'tanh' or 'relu', got {activation!r}"):
        getattr(MODULES["rnn"], function)(*args, activation=activation)


SHAPE_ERRORS = [
    # (function, argument index to replace, replacement shape, expected message)
    ("rnn_step_forward", 2, (4, 4), "rnn_step_forward: Wx should have shape (D, H) = (3, 4), got (4, 4)"),
    ("rnn_step_forward", 0, (3,), "rnn_step_forward: x should have shape (N, D), got (3,)"),
    # Sizes are taken from the data first (x, then the state), so a transposed weight is the one named.
    ("rnn_forward", 1, (2, 5), "rnn_forward: Wx should have shape (D, H) = (3, 5), got (3, 4)"),
    ("rnn_forward", 1, (3, 4), "rnn_forward: h0 should have shape (N, H) = (2, 4), got (3, 4)"),
    ("lstm_step_forward", 4, (16, 4), "lstm_step_forward: Wh should have shape (H, 4H) = (4, 16), got (16, 4)"),
    ("lstm_step_forward", 3, (3, 12), "lstm_step_forward: Wx should have shape (D, 4H) = (3, 16), got (3, 12)"),
    ("lstm_forward", 4, (4,), "lstm_forward: b should have shape (4H,) = (16,), got (4,)"),
    ("gru_step_forward", 3, (4, 4), "gru_step_forward: Wh should have shape (H, 3H) = (4, 12), got (4, 4)"),
    ("gru_forward", 0, (2, 3), "gru_forward: x should have shape (N, T, D), got (2, 3)"),
]


@pytest.mark.parametrize("function, index, shape, message", SHAPE_ERRORS, ids=[f"{e[0]}-{k}" for k, e in enumerate(SHAPE_ERRORS)])
def test_forward_rejects_mismatched_shapes_naming_function_argument_and_shapes(function, index, shape, message):
    model = function.split("_")[0]
    G, N, T, D, H = rst.GATES[model], 2, 2, 3, 4
    x = np.zeros((N, D) if "step" in function else (N, T, D))
    state = [np.zeros((N, H))] * (2 if function == "lstm_step_forward" else 1)
    args = [x, *state, np.zeros((D, G * H)), np.zeros((H, G * H)), np.zeros(G * H)]
    args[index] = np.zeros(shape)
    with pytest.raises(ValueError) as info:
        getattr(MODULES[model], function)(*args)
    assert str(info.value) == message


# --- the files as students get them ---------------------------------------------------------------


REQUIRED = {
    "rnn": ("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward"),
    "lstm": ("lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward"),
    "gru": ("gru_step_forward", "gru_step_backward", "gru_forward", "gru_backward"),
}


@pytest.mark.parametrize("stem", ["rnn", "lstm", "gru"])
def test_solution_files_import_nothing_but_numpy(stem):
    tree = ast.parse((RECURRENT / f"{stem}.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported == {"numpy"}


@pytest.mark.parametrize("stem", ["rnn", "lstm", "gru"])
def test_every_function_holds_one_solution_region_and_the_stub_raises_not_implemented(stem):
    strip = pytest.importorskip("autograder.release.strip")  # autograder/release/strip.py since the reorganisation
    source = (RECURRENT / f"{stem}.py").read_text(encoding="utf-8")
    template = strip.strip_source(source, f"solutions/recurrent/{stem}.py", REQUIRED[stem])
    namespace = {}
    exec(compile(template, f"template/{stem}.py", "exec"), namespace)
    if stem != "rnn":
        assert namespace["sigmoid"](0.0) == 0.5  # the provided helper survives stripping
    case = first_example(STRATEGIES[f"{stem}_step"], lambda c: True)
    for function in REQUIRED[stem]:
        if "backward" in function:
            call = lambda: namespace[function](*[None] * (3 if function == "lstm_step_backward" else 2))  # noqa: E731
        elif "step" in function:
            call = lambda: namespace[function](*case.args, **case.kwargs)  # noqa: E731
        else:
            call = lambda: namespace[function](case.x[:, None], case.h0, case.Wx, case.Wh, case.b, **case.kwargs)  # noqa: E731
        with pytest.raises(NotImplementedError, match=f"^{function}: not implemented yet$"):
            call()


# --- the strategies themselves --------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, kwargs, message",
    [
        (rst.rnn_cases, {"min_hidden": 3, "max_hidden": 2}, "min_hidden=3 is larger than max_hidden=2"),
        (rst.lstm_step_cases, {"min_batch": 0}, "min_batch=0 must be at least 1"),
        (rst.gru_cases, {"max_steps": 2.5}, "max_steps=2.5 must be an integer"),
        (rst.rnn_step_cases, {"activations": ("sigmoid",)}, "activations=('sigmoid',) must be a non-empty subset"),
        (rst.rnn_cases, {"max_alpha": 1.0}, "max_alpha=1.0 must be a number in"),
        (rst.rnn_cases, {"min_alpha": 0.5, "max_alpha": 0.2}, "min_alpha=0.5 is larger than max_alpha=0.2"),
        (rst.gru_step_cases, {"scale": "huge"}, "scale='huge' must be one of"),
    ],
)
def test_strategies_reject_bad_bounds_echoing_the_values(make, kwargs, message):
    with pytest.raises(InvalidArgument) as info:
        make(**kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_generated_cases_have_spec_shapes_and_bounded_preactivations(kind, data):
    case = data.draw(STRATEGIES[kind], label="case")
    G = rst.GATES[case.model]
    N, D, H = case.N, case.D, case.H
    assert 1 <= N <= 3 and 1 <= D <= 4 and 1 <= H <= 4 and (case.step or 1 <= case.T <= 4)
    seq = () if case.step else (case.T,)
    shapes = {"x": (N, *seq, D), "h0": (N, H), "prev_h": (N, H), "prev_c": (N, H), "Wx": (D, G * H),
              "Wh": (H, G * H), "b": (G * H,), "dh": (N, *seq, H), "dnext_h": (N, H), "dnext_c": (N, H)}
    for name, array in zip(case.arg_names + case.upstream_names, case.args + case.upstream):
        assert type(array) is np.ndarray and array.dtype == np.float64 and array.shape == shapes[name], name
        assert np.all(np.isfinite(array)), name
    a = case.preactivations()
    assert a.shape == (case.T or 1, N, G * H)
    assert np.max(np.abs(a)) < rst.PREACT_LIMIT
    if case.activation == "relu":
        assert np.min(np.abs(a)) >= rst.RELU_KINK_MARGIN
    assert (case.activation in rst.ACTIVATIONS) == (case.model == "rnn")
    assert 0.0 <= case.alpha <= 0.9


@pytest.mark.parametrize("make", [rst.rnn_step_cases, rst.rnn_cases, rst.lstm_step_cases, rst.lstm_cases,
                                  rst.gru_step_cases, rst.gru_cases])
@given(data=st.data())
def test_large_scale_cases_saturate_but_stay_below_fifty(make, data):
    case = data.draw(make(scale="large"), label="case")
    assert 0.9 * rst.LARGE_PREACT[0] <= case.max_abs_preactivation < rst.PREACT_LIMIT


@pytest.mark.parametrize("make", [rst.rnn_step_cases, rst.rnn_cases, rst.lstm_step_cases, rst.lstm_cases,
                                  rst.gru_step_cases, rst.gru_cases])
@given(data=st.data())
def test_unit_scale_zero_state_options_are_honoured(make, data):
    case = data.draw(make(scale="unit", zero_initial_state=True, max_batch=1, max_hidden=2), label="case")
    assert case.N == 1 and case.H <= 2
    assert not np.any(case.h0) and (case.prev_c is None or not np.any(case.prev_c))
    assert np.max(np.abs(case.Wx), initial=0.0) <= 1.0 and np.max(np.abs(case.b), initial=0.0) <= 1.0


@pytest.mark.parametrize("kind", KINDS)
def test_default_strategies_can_combine_every_edge_case(kind):
    def edgy(case):
        return (
            case.N == 1
            and case.T in (None, 1)
            and case.D != case.H
            and bool(np.any(case.h0))
            and (case.prev_c is None or bool(np.any(case.prev_c)))
            and (case.model != "rnn" or (case.activation == "relu" and case.alpha > 0))
            and case.max_abs_preactivation >= rst.LARGE_PREACT[0] * 0.9
        )

    case = first_example(STRATEGIES[kind], edgy)
    assert edgy(case)


@pytest.mark.slow  # over a second of CPU: kept out of the fast tier
def test_relu_cases_can_be_drawn_near_the_kink_when_asked():
    case = first_example(
        rst.rnn_step_cases(activations=("relu",), avoid_relu_kink=False, scale="unit"),
        lambda c: np.min(np.abs(c.preactivations())) < rst.RELU_KINK_MARGIN,
    )
    assert np.min(np.abs(case.preactivations())) < rst.RELU_KINK_MARGIN


def test_case_repr_is_python_naming_the_sizes_with_every_array_in_full():
    case = first_example(STRATEGIES["lstm_step"], lambda c: c.N == 1 and c.H == 1)
    text = repr(case)
    assert text.startswith("# lstm_step: N=1, D=") and "max|a|=" in text.splitlines()[0]
    for name in ("x", "prev_h", "prev_c", "Wx", "Wh", "b", "dnext_h", "dnext_c"):
        assert f"\n{name} = np.array(" in text
    big = first_example(STRATEGIES["gru"], lambda c: c.x.size > 24)
    namespace = {}
    exec("\n".join(line for line in repr(big).splitlines() if "gru" not in line), namespace)  # no import, no calls
    assert np.array_equal(namespace["x"], big.x) and "<array" not in repr(big)
