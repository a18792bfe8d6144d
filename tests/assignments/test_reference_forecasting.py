"""The references ``solutions/forecasting/layers.py``, ``optim.py``, ``forecast.py`` against independent
ground truth (SPEC sections 2 and 9).

Ground truth here:
- centred numerical gradients of each forward, for every output of every backward (affine with one,
  two and three leading axes; layer norm with rows of tiny variance where eps matters; the
  layer-normalised RNN with N = 1, T = 1, H = 1; the forecaster and seq2seq for every cell; mse);
- PyTorch (skipped cleanly without it): nn.LayerNorm, autograd through the layer-normalised RNN,
  nn.MSELoss, nn.utils.clip_grad_norm_ (below and above max_norm), optim.Adam over several steps,
  nn.RNN / nn.LSTM with an nn.Linear head (weights copied in), and, since torch.nn.GRU resets *after*
  the recurrent product while SPEC 7 resets before, SPEC's GRU written in torch with the same head;
- numpy's own statistics of the training part, for standardize;
- SPEC's properties: no argument modified (dicts included), backward repeatable on one cache, outputs
  float64 arrays or Python floats, train_forecaster deterministic for a seed and different across
  seeds, the loss falls and the trained model beats the naive forecast on the held-out sunspots;
- the SPEC's ValueErrors, which (like ``_check_shapes`` in rnn.py) sit outside the solution regions and
  so still raise in the stripped student templates.

Self-contained: the solution files are imported from their paths (the provided recurrent layers from
``solutions/recurrent/``), nothing from ``autograder/``.
"""

import ast
import contextlib
import importlib
import math
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]  # tests/assignments/ -> the kit
FORECASTING = ROOT / "solutions" / "forecasting"
RECURRENT = ROOT / "solutions" / "recurrent"  # the provided rnn.py, lstm.py, gru.py
SUNSPOTS = ROOT / "assignments" / "forecasting" / "data" / "sunspots.csv"

#: The student files of the assignment and the functions graded in each (one solution region each).
GRADED = {
    "layers": ("affine_forward", "affine_backward", "layer_norm_forward", "layer_norm_backward",
               "ln_rnn_forward", "ln_rnn_backward", "mse_loss"),
    "optim": ("clip_grad_norm", "sgd_step", "adam_init", "adam_step"),
    "forecast": ("standardize", "unstandardize", "forecaster_forward", "forecaster_backward",
                 "seq2seq_forward", "seq2seq_backward", "forecast_recursive", "init_forecaster",
                 "train_forecaster"),
}
PROVIDED = ("rnn", "lstm", "gru")
CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
PARAM_NAMES = ("Wx", "Wh", "b", "W_out", "b_out")

# Tolerances (the kit's values, repeated so that this file stands alone). Two float64 computations of
# the same formula agree to ~1e-13 on these sizes; centred differences with step 1e-6 are accurate to
# ~1e-10 for outputs of order 1.
VALUE_RTOL, VALUE_ATOL = 1e-7, 1e-9
NUMGRAD_EPS = 1e-6
GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-6


# --- loading the references -----------------------------------------------------------------------


@contextlib.contextmanager
def _top_level_modules(modules):
    """Make ``modules`` (name -> module) importable by their plain names, then restore sys.modules."""
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _load_references():
    recurrent = RECURRENT
    names = PROVIDED + tuple(GRADED)
    saved_path = list(sys.path)
    saved_modules = {name: sys.modules.pop(name, None) for name in names}
    sys.path[:0] = [str(FORECASTING), str(recurrent)]
    try:
        loaded = {name: importlib.import_module(name) for name in names}
    finally:
        sys.path[:] = saved_path
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    for name in names:
        expected_dir = FORECASTING if name in GRADED else recurrent
        assert Path(loaded[name].__file__).resolve().parent == expected_dir.resolve(), name
    return types.SimpleNamespace(**loaded, recurrent_dir=recurrent)


@pytest.fixture(scope="module")
def ref():
    """The reference modules: ref.layers, ref.optim, ref.forecast and the provided ref.rnn/lstm/gru."""
    return _load_references()


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


# --- helpers ----------------------------------------------------------------------------------------


def numerical_gradient(f, x, upstream, eps=NUMGRAD_EPS):
    """Gradient of sum(f(x) * upstream) with respect to x by centred differences (x is not modified)."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = np.sum((np.asarray(f(plus)) - np.asarray(f(minus))) * upstream) / (2.0 * eps)
    return grad


def assert_grad(got, expected, name):
    """Analytic against numerical gradient; the absolute part scales with the gradient's size."""
    assert got.shape == expected.shape, (name, got.shape, expected.shape)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(got, expected, rtol=GRAD_RTOL, atol=GRAD_ATOL * scale, err_msg=name)


def assert_value(got, expected, name=""):
    np.testing.assert_allclose(got, expected, rtol=VALUE_RTOL, atol=VALUE_ATOL, err_msg=name)


def deep_copy(value):
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def assert_same(after, before, what):
    """``after`` equals ``before`` exactly, dicts key by key (arrays by value, other values by ==)."""
    if isinstance(before, dict):
        assert isinstance(after, dict) and set(after) == set(before), f"{what}: keys changed"
        for k in before:
            assert_same(after[k], before[k], f"{what}[{k!r}]")
    elif isinstance(before, np.ndarray):
        assert type(after) is np.ndarray and after.dtype == before.dtype, f"{what}: type changed"
        np.testing.assert_array_equal(after, before, err_msg=f"{what} was modified")
    else:
        assert after == before and type(after) is type(before), f"{what} was modified"


def make_params(cell, F, H, M, seed, scale=0.6):
    """Parameters of a forecaster, normal with standard deviation ``scale`` (larger than init's range,
    so that the gates are not all near their linear regime)."""
    rng = np.random.default_rng(seed)
    G = GATES[cell]
    shapes = {"Wx": (F, G * H), "Wh": (H, G * H), "b": (G * H,), "W_out": (H, M), "b_out": (M,)}
    return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}


def sunspots():
    data = np.loadtxt(SUNSPOTS, delimiter=",", skiprows=1)
    return data[:, 0], data[:, 1]


# --- layers.py: affine ------------------------------------------------------------------------------


AFFINE_LEADING = [(5,), (3, 2), (2, 3, 2)]


@pytest.mark.parametrize("leading", AFFINE_LEADING, ids=lambda s: f"leading{len(s)}")
def test_affine_forward_equals_einsum_and_backward_matches_numerical_gradients(ref, leading):
    rng = np.random.default_rng(len(leading))
    D, M = 4, 3
    x, W, b = rng.standard_normal((*leading, D)), rng.standard_normal((D, M)), rng.standard_normal(M)
    dout = rng.standard_normal((*leading, M))
    out, cache = ref.layers.affine_forward(x, W, b)
    assert out.shape == (*leading, M) and out.dtype == np.float64
    assert_value(out, np.einsum("...d,dm->...m", x, W) + b, "out")
    dx, dW, db = ref.layers.affine_backward(dout, cache)
    args = [x, W, b]
    for k, (name, got) in enumerate(zip(("dx", "dW", "db"), (dx, dW, db))):
        def f(value, k=k):
            a = list(args)
            a[k] = value
            return ref.layers.affine_forward(*a)[0]

        assert_grad(got, numerical_gradient(f, args[k], dout), f"affine_backward {name}")


def test_affine_sums_parameter_gradients_over_every_leading_axis(ref):
    rng = np.random.default_rng(7)
    x, W, b = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((5, 2)), rng.standard_normal(2)
    dout = rng.standard_normal((2, 3, 4, 2))
    _, cache = ref.layers.affine_forward(x, W, b)
    dx, dW, db = ref.layers.affine_backward(dout, cache)
    _, flat_cache = ref.layers.affine_forward(x.reshape(-1, 5), W, b)
    fdx, fdW, fdb = ref.layers.affine_backward(dout.reshape(-1, 2), flat_cache)
    assert_value(dx, fdx.reshape(dx.shape), "dx")
    assert_value(dW, fdW, "dW")
    assert_value(db, fdb, "db")
    assert_value(db, dout.sum(axis=(0, 1, 2)), "db is the sum of dout")


# --- layers.py: layer norm ------------------------------------------------------------------------


def ln_inputs(leading, H, seed):
    """x with ordinary rows and rows whose variance is far below, near and equal to eps = 1e-5."""
    rng = np.random.default_rng(seed)
    x = 2.0 * rng.standard_normal((*leading, H)) + 1.0
    rows = x.reshape(-1, H)
    if rows.shape[0] >= 3:
        rows[0] = 0.3 + 1e-4 * rng.standard_normal(H)  # var ~ 1e-8 << eps
        rows[1] = -1.2 + 3e-3 * rng.standard_normal(H)  # var ~ 1e-5 ~ eps
        rows[2] = 0.7  # constant: var = 0, only eps keeps it finite
    return x


@pytest.mark.parametrize("leading, H", [((6,), 4), ((2, 3), 5), ((1,), 1), ((3, 2, 2), 3)],
                         ids=["rows", "two-axes", "H1", "three-axes"])
def test_layer_norm_backward_matches_numerical_gradients_including_tiny_variance_rows(ref, leading, H):
    rng = np.random.default_rng(H)
    x = ln_inputs(leading, H, seed=H)
    gamma, beta = rng.standard_normal(H), rng.standard_normal(H)
    dout = rng.standard_normal(x.shape)
    out, cache = ref.layers.layer_norm_forward(x, gamma, beta)
    assert out.shape == x.shape and np.all(np.isfinite(out))
    grads = ref.layers.layer_norm_backward(dout, cache)
    args = [x, gamma, beta]
    for k, (name, got) in enumerate(zip(("dx", "dgamma", "dbeta"), grads)):
        def f(value, k=k):
            a = list(args)
            a[k] = value
            return ref.layers.layer_norm_forward(*a)[0]

        # A smaller step for x: with var + eps ~ 1e-5 the function curves on a scale of ~3e-3.
        eps = 1e-7 if k == 0 else NUMGRAD_EPS
        assert_grad(got, numerical_gradient(f, args[k], dout, eps=eps), f"layer_norm_backward {name}")


def test_layer_norm_forward_equals_the_formula_and_eps_matters_for_tiny_variance(ref):
    x = ln_inputs((5,), 4, seed=3)
    gamma, beta = np.linspace(0.5, 2.0, 4), np.linspace(-1.0, 1.0, 4)
    for eps in (1e-5, 1e-3):
        out, _ = ref.layers.layer_norm_forward(x, gamma, beta, eps=eps)
        mu = x.mean(axis=1, keepdims=True)
        var = x.var(axis=1, keepdims=True)  # numpy's biased variance
        assert_value(out, gamma * (x - mu) / np.sqrt(var + eps) + beta, f"eps={eps}")
    # The constant row normalises to 0, so it comes out as beta; the var ~ 1e-8 row stays small.
    default, _ = ref.layers.layer_norm_forward(x, gamma, beta)
    assert_value(default[2], beta, "constant row")
    assert np.max(np.abs(default[0] - beta)) < 0.1 * np.max(np.abs(gamma))


def test_layer_norm_matches_torch_layer_norm(ref, torch):
    rng = np.random.default_rng(11)
    H = 5
    x = ln_inputs((3, 4), H, seed=11)
    gamma, beta, dout = rng.standard_normal(H), rng.standard_normal(H), rng.standard_normal((3, 4, H))
    for eps in (1e-5, 1e-3):
        ln = torch.nn.LayerNorm(H, eps=eps, dtype=torch.float64)
        with torch.no_grad():
            ln.weight.copy_(torch.tensor(gamma))
            ln.bias.copy_(torch.tensor(beta))
        tx = torch.tensor(x, requires_grad=True)
        tout = ln(tx)
        (tout * torch.tensor(dout)).sum().backward()
        out, cache = ref.layers.layer_norm_forward(x, gamma, beta, eps=eps)
        dx, dgamma, dbeta = ref.layers.layer_norm_backward(dout, cache)
        assert_value(out, tout.detach().numpy(), "out")
        # dx of the tiny-variance rows is ~1/sqrt(eps) ~ 300 and cancels strongly: relative 1e-7 of its size.
        np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-7, atol=1e-9 * np.abs(dx).max(), err_msg="dx")
        assert_value(dgamma, ln.weight.grad.numpy(), "dgamma")
        assert_value(dbeta, ln.bias.grad.numpy(), "dbeta")


# --- layers.py: layer-normalised RNN ---------------------------------------------------------------


LN_RNN_SIZES = [(2, 3, 2, 4), (1, 4, 3, 2), (3, 1, 2, 3), (2, 3, 2, 1), (1, 1, 1, 1)]
LN_RNN_IDS = ["N2T3D2H4", "N1", "T1", "H1", "N1T1D1H1"]


def ln_rnn_case(N, T, D, H, seed):
    rng = np.random.default_rng(seed)
    args = [rng.standard_normal((N, T, D)), 0.5 * rng.standard_normal((N, H)), rng.standard_normal((D, H)),
            0.7 * rng.standard_normal((H, H)), 0.3 * rng.standard_normal(H),
            1.0 + 0.3 * rng.standard_normal(H), 0.3 * rng.standard_normal(H)]
    return args, rng.standard_normal((N, T, H))


def ln_rnn_by_hand(x, h0, Wx, Wh, b, gamma, beta):
    """SPEC 9's layer-normalised RNN written out with numpy's mean and var, one step at a time."""
    h, hs = h0, []
    for t in range(x.shape[1]):
        a = x[:, t] @ Wx + h @ Wh + b
        h = np.tanh(gamma * (a - a.mean(axis=1, keepdims=True)) / np.sqrt(a.var(axis=1, keepdims=True) + 1e-5)
                    + beta)
        hs.append(h)
    return np.stack(hs, axis=1)


LN_RNN_GRADS = ("dx", "dh0", "dWx", "dWh", "db", "dgamma", "dbeta")


@pytest.mark.parametrize("sizes", LN_RNN_SIZES, ids=LN_RNN_IDS)
def test_ln_rnn_backward_matches_numerical_gradients(ref, sizes):
    args, dh = ln_rnn_case(*sizes, seed=sum(sizes))
    h, cache = ref.layers.ln_rnn_forward(*args)
    assert h.shape == (sizes[0], sizes[1], sizes[3]) and h.dtype == np.float64
    assert_value(h, ln_rnn_by_hand(*args), "h")
    grads = ref.layers.ln_rnn_backward(dh, cache)
    assert len(grads) == 7
    for k, (name, got) in enumerate(zip(LN_RNN_GRADS, grads)):
        def f(value, k=k):
            a = list(args)
            a[k] = value
            return ref.layers.ln_rnn_forward(*a)[0]

        assert_grad(got, numerical_gradient(f, args[k], dh), f"ln_rnn_backward {name}")


def test_ln_rnn_with_one_hidden_unit_outputs_tanh_beta_and_passes_no_gradient_back(ref):
    # H = 1: layer norm of a single feature is 0, so h = tanh(beta) whatever the input.
    args, dh = ln_rnn_case(2, 3, 2, 1, seed=5)
    h, cache = ref.layers.ln_rnn_forward(*args)
    assert_value(h, np.broadcast_to(np.tanh(args[6]), h.shape), "h")
    dx, dh0, dWx, dWh, db, dgamma, dbeta = ref.layers.ln_rnn_backward(dh, cache)
    for name, g in (("dx", dx), ("dh0", dh0), ("dWx", dWx), ("dWh", dWh), ("db", db), ("dgamma", dgamma)):
        assert np.max(np.abs(g)) < 1e-12, name
    assert_value(dbeta, [np.sum(dh * (1.0 - h**2))], "dbeta")


def test_ln_rnn_matches_torch_autograd(ref, torch):
    args, dh = ln_rnn_case(3, 4, 2, 5, seed=42)
    targs = [torch.tensor(a, requires_grad=True) for a in args]
    x, h0, Wx, Wh, b, gamma, beta = targs
    h, hs = h0, []
    for t in range(x.shape[1]):
        a = x[:, t] @ Wx + h @ Wh + b
        h = torch.tanh(torch.nn.functional.layer_norm(a, (a.shape[1],), gamma, beta, eps=1e-5))
        hs.append(h)
    th = torch.stack(hs, dim=1)
    (th * torch.tensor(dh)).sum().backward()
    out, cache = ref.layers.ln_rnn_forward(*args)
    assert_value(out, th.detach().numpy(), "h")
    for name, got, t in zip(LN_RNN_GRADS, ref.layers.ln_rnn_backward(dh, cache), targs):
        assert_value(got, t.grad.numpy(), f"ln_rnn_backward {name}")


# --- layers.py: mse ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7, 1), (4, 3), (2, 5, 3)])
def test_mse_loss_value_type_and_gradient(ref, shape):
    rng = np.random.default_rng(len(shape))
    pred, target = rng.standard_normal(shape), rng.standard_normal(shape)
    loss, dpred = ref.layers.mse_loss(pred, target)
    assert type(loss) is float
    assert math.isclose(loss, float(np.sum((pred - target) ** 2)) / pred.size, rel_tol=1e-12)
    assert dpred.shape == shape and dpred.dtype == np.float64
    assert_grad(dpred, numerical_gradient(lambda p: np.array(ref.layers.mse_loss(p, target)[0]), pred, 1.0),
                "mse_loss dpred")


def test_mse_loss_matches_torch_mse_loss(ref, torch):
    rng = np.random.default_rng(3)
    pred, target = rng.standard_normal((6, 4, 2)), rng.standard_normal((6, 4, 2))
    tp = torch.tensor(pred, requires_grad=True)
    tl = torch.nn.MSELoss()(tp, torch.tensor(target))
    tl.backward()
    loss, dpred = ref.layers.mse_loss(pred, target)
    assert math.isclose(loss, tl.item(), rel_tol=1e-12)
    assert_value(dpred, tp.grad.numpy(), "dpred")


# --- optim.py -----------------------------------------------------------------------------------------


def grad_dict(seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return {"W": scale * rng.standard_normal((3, 4)), "b": scale * rng.standard_normal(4),
            "c": scale * rng.standard_normal((2, 2, 2))}


@pytest.mark.parametrize("scale, max_norm", [(0.1, 5.0), (1.0, 1.0), (3.0, 0.5), (100.0, 2.0)],
                         ids=["below", "near", "above", "far-above"])
def test_clip_grad_norm_matches_torch_clip_grad_norm(ref, torch, scale, max_norm):
    grads = grad_dict(1, scale)
    tensors = {k: torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for k, g in grads.items()}
    for k, t in tensors.items():
        t.grad = torch.tensor(grads[k])
    torch_norm = torch.nn.utils.clip_grad_norm_(list(tensors.values()), max_norm)
    before = deep_copy(grads)
    clipped, total_norm = ref.optim.clip_grad_norm(grads, max_norm)
    assert type(total_norm) is float
    assert math.isclose(total_norm, torch_norm.item(), rel_tol=1e-12)
    assert set(clipped) == set(grads)
    for k in grads:
        assert_value(clipped[k], tensors[k].grad.numpy(), f"clipped[{k!r}]")
        assert clipped[k] is not grads[k]
    assert_same(grads, before, "grads")
    new_norm = math.sqrt(sum(float(np.sum(g**2)) for g in clipped.values()))
    if total_norm > max_norm:
        assert new_norm <= max_norm * (1 + 1e-12) and new_norm > 0.999 * max_norm
    else:
        assert math.isclose(new_norm, total_norm, rel_tol=1e-5)


def test_clip_grad_norm_of_zero_gradients_keeps_them_zero(ref):
    grads = {"a": np.zeros((2, 3)), "b": np.zeros(1)}
    clipped, total_norm = ref.optim.clip_grad_norm(grads, 1.0)
    assert total_norm == 0.0 and all(not np.any(g) for g in clipped.values())


@given(scale=st.floats(1e-3, 1e3), max_norm=st.floats(1e-2, 1e2), seed=st.integers(0, 2**16))
def test_clip_grad_norm_keeps_the_direction_and_bounds_the_norm(ref, scale, max_norm, seed):
    grads = grad_dict(seed, scale)
    clipped, total_norm = ref.optim.clip_grad_norm(grads, max_norm)
    flat = np.concatenate([grads[k].ravel() for k in sorted(grads)])
    flat_clipped = np.concatenate([clipped[k].ravel() for k in sorted(grads)])
    factor = min(1.0, max_norm / (total_norm + 1e-6))
    np.testing.assert_allclose(flat_clipped, factor * flat, rtol=1e-12, atol=0)
    assert np.linalg.norm(flat_clipped) <= max(max_norm, total_norm) * (1 + 1e-12)


def test_sgd_step_is_p_minus_lr_g_and_returns_new_arrays(ref):
    params, grads = grad_dict(2), grad_dict(3)
    before = deep_copy((params, grads))
    new = ref.optim.sgd_step(params, grads, 0.1)
    assert set(new) == set(params)
    for k in params:
        assert_value(new[k], before[0][k] - 0.1 * before[1][k], k)
        assert new[k] is not params[k]
    assert_same(params, before[0], "params")
    assert_same(grads, before[1], "grads")


def test_adam_init_gives_step_zero_and_zero_moments_of_each_shape(ref):
    params = grad_dict(4)
    before = deep_copy(params)
    state = ref.optim.adam_init(params)
    assert set(state) == {"t", "m", "v"} and state["t"] == 0 and isinstance(state["t"], int)
    for moment in ("m", "v"):
        assert set(state[moment]) == set(params)
        for k, p in params.items():
            z = state[moment][k]
            assert type(z) is np.ndarray and z.dtype == np.float64 and z.shape == p.shape and not np.any(z)
            assert z is not p
    assert state["m"]["W"] is not state["v"]["W"]
    assert_same(params, before, "params")


def test_adam_first_step_moves_each_entry_by_about_lr_against_its_gradient(ref):
    # At t = 1 the bias-corrected moments are g and g**2: the step is lr * g / (|g| + eps).
    params, grads = grad_dict(5), grad_dict(6)
    new, state = ref.optim.adam_step(params, grads, ref.optim.adam_init(params), lr=0.01)
    for k in params:
        assert_value(new[k], params[k] - 0.01 * grads[k] / (np.abs(grads[k]) + 1e-8), k)
        assert_value(state["m"][k], 0.1 * grads[k], f"m[{k!r}]")
        assert_value(state["v"][k], 0.001 * grads[k] ** 2, f"v[{k!r}]")
    assert state["t"] == 1


@pytest.mark.slow  # torch.optim's first use costs seconds of CPU, more than the fast tier's budget
@pytest.mark.parametrize("hyper", [{}, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}],
                         ids=["defaults", "custom"])
def test_adam_steps_with_state_carried_match_torch_adam(ref, torch, hyper):
    params = grad_dict(7)
    tparams = {k: torch.tensor(p, requires_grad=True) for k, p in params.items()}
    torch_kwargs = {"lr": hyper.get("lr", 1e-3), "eps": hyper.get("eps", 1e-8),
                    "betas": (hyper.get("beta1", 0.9), hyper.get("beta2", 0.999))}
    opt = torch.optim.Adam(list(tparams.values()), **torch_kwargs)
    state = ref.optim.adam_init(params)
    for step in range(6):
        grads = grad_dict(100 + step, scale=10.0 ** (step % 3 - 1))  # gradients of changing size
        for k, t in tparams.items():
            t.grad = torch.tensor(grads[k])
        opt.step()
        old = (params, grads, state)
        before = deep_copy(old)
        params, state = ref.optim.adam_step(params, grads, state, **hyper)
        assert_same(old, before, "the arguments")
        assert state["t"] == step + 1
        for k in params:
            assert_value(params[k], tparams[k].detach().numpy(), f"step {step + 1}: {k}")
            torch_state = opt.state[tparams[k]]
            assert_value(state["m"][k], torch_state["exp_avg"].numpy(), f"step {step + 1}: m[{k!r}]")
            assert_value(state["v"][k], torch_state["exp_avg_sq"].numpy(), f"step {step + 1}: v[{k!r}]")


def test_adam_step_modifies_no_argument_and_returns_new_dicts(ref):
    params, grads = grad_dict(8), grad_dict(9)
    state = ref.optim.adam_init(params)
    state1_params, state1 = ref.optim.adam_step(params, grads, state)
    before = deep_copy((state1_params, grads, state1))
    new_params, new_state = ref.optim.adam_step(state1_params, grads, state1, lr=0.1)
    assert_same(state1_params, before[0], "params")
    assert_same(grads, before[1], "grads")
    assert_same(state1, before[2], "state")
    assert new_state is not state1 and new_state["m"] is not state1["m"] and new_state["v"] is not state1["v"]
    assert new_params is not state1_params and new_state["t"] == 2


# --- forecast.py: scaling ---------------------------------------------------------------------------------


def test_standardize_uses_numpy_statistics_of_the_training_part_only(ref):
    _, y = sunspots()
    n_train = 247
    scaled, mean, std = ref.forecast.standardize(y, n_train)
    assert type(mean) is float and type(std) is float
    assert math.isclose(mean, float(np.mean(y[:n_train])), rel_tol=1e-14)
    assert math.isclose(std, float(np.std(y[:n_train], ddof=0)), rel_tol=1e-14)
    assert_value(scaled, (y - np.mean(y[:n_train])) / np.std(y[:n_train]), "scaled")
    assert abs(np.mean(scaled[:n_train])) < 1e-12
    assert math.isclose(np.std(scaled[:n_train]), 1.0, rel_tol=1e-12)
    # The held-out part does not enter the statistics.
    changed = y.copy()
    changed[n_train:] *= 10.0
    _, mean2, std2 = ref.forecast.standardize(changed, n_train)
    assert (mean2, std2) == (mean, std)
    assert_value(ref.forecast.unstandardize(scaled, mean, std), y, "round trip")


def test_standardize_two_dimensional_series_per_feature(ref):
    rng = np.random.default_rng(12)
    series = rng.standard_normal((40, 3)) * [1.0, 10.0, 0.1] + [0.0, 5.0, -2.0]
    before = series.copy()
    scaled, mean, std = ref.forecast.standardize(series, 30)
    np.testing.assert_array_equal(series, before)
    assert mean.shape == (3,) and std.shape == (3,) and scaled.shape == (40, 3) and scaled.dtype == np.float64
    assert_value(mean, series[:30].mean(axis=0), "mean")
    assert_value(std, series[:30].std(axis=0), "std")
    assert_value(ref.forecast.unstandardize(scaled, mean, std), series, "round trip")


def test_standardize_accepts_an_integer_series(ref):
    scaled, mean, std = ref.forecast.standardize(np.arange(10), 4)
    assert scaled.dtype == np.float64 and mean == 1.5 and math.isclose(std, math.sqrt(1.25))


# --- forecast.py: forecaster and seq2seq -----------------------------------------------------------------


def torch_spec_gru(torch, x, Wx, Wh, b):
    """SPEC 7's GRU (reset before the recurrent product) over x (N, W, F) from h0 = 0, in torch."""
    H = Wh.shape[0]
    h = torch.zeros(x.shape[0], H, dtype=torch.float64)
    hs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        z = torch.sigmoid(xt @ Wx[:, :H] + h @ Wh[:, :H] + b[:H])
        r = torch.sigmoid(xt @ Wx[:, H : 2 * H] + h @ Wh[:, H : 2 * H] + b[H : 2 * H])
        g = torch.tanh(xt @ Wx[:, 2 * H :] + (r * h) @ Wh[:, 2 * H :] + b[2 * H :])
        h = z * h + (1.0 - z) * g
        hs.append(h)
    return torch.stack(hs, dim=1)


def torch_model(torch, params, X, cell, seq2seq, dY):
    """Forward through torch modules (nn.RNN / nn.LSTM with our weights copied in, or SPEC's GRU in
    torch) and an nn.Linear head; backward of sum(Y * dY). Returns (Y, grads by our names)."""
    F, GH = params["Wx"].shape
    H, M = params["W_out"].shape
    x = torch.tensor(X)
    head = torch.nn.Linear(H, M, dtype=torch.float64)
    with torch.no_grad():
        head.weight.copy_(torch.tensor(params["W_out"].T))
        head.bias.copy_(torch.tensor(params["b_out"]))
    if cell == "gru":
        Wx, Wh, b = (torch.tensor(params[k], requires_grad=True) for k in ("Wx", "Wh", "b"))
        h = torch_spec_gru(torch, x, Wx, Wh, b)
    else:
        net = (torch.nn.RNN(F, H, nonlinearity="tanh", batch_first=True, dtype=torch.float64) if cell == "rnn"
               else torch.nn.LSTM(F, H, batch_first=True, dtype=torch.float64))
        with torch.no_grad():
            net.weight_ih_l0.copy_(torch.tensor(params["Wx"].T))
            net.weight_hh_l0.copy_(torch.tensor(params["Wh"].T))
            net.bias_ih_l0.copy_(torch.tensor(params["b"]))
            net.bias_hh_l0.zero_()
        h, _ = net(x)
    Y = head(h if seq2seq else h[:, -1])
    (Y * torch.tensor(dY)).sum().backward()
    if cell == "gru":
        rec = {"Wx": Wx.grad, "Wh": Wh.grad, "b": b.grad}
    else:
        rec = {"Wx": net.weight_ih_l0.grad.T, "Wh": net.weight_hh_l0.grad.T, "b": net.bias_ih_l0.grad}
    grads = {**rec, "W_out": head.weight.grad.T, "b_out": head.bias.grad}
    return Y.detach().numpy(), {k: v.numpy() for k, v in grads.items()}


def model_case(cell, seq2seq, seed, N=3, W=4, F=2, H=3, M=2):
    rng = np.random.default_rng(seed)
    params = make_params(cell, F, H, M, seed)
    X = rng.standard_normal((N, W, F))
    dY = rng.standard_normal((N, W, M) if seq2seq else (N, M))
    return params, X, dY


def run_model(ref, seq2seq):
    if seq2seq:
        return ref.forecast.seq2seq_forward, ref.forecast.seq2seq_backward
    return ref.forecast.forecaster_forward, ref.forecast.forecaster_backward


MODEL_PARAMS = [pytest.param(cell, s2s, id=f"{'seq2seq' if s2s else 'forecaster'}-{cell}")
                for s2s in (False, True) for cell in CELLS]


@pytest.mark.parametrize("cell, seq2seq", MODEL_PARAMS)
def test_model_backward_matches_numerical_gradients(ref, cell, seq2seq):
    params, X, dY = model_case(cell, seq2seq, seed=GATES[cell] + 10 * seq2seq)
    forward, backward = run_model(ref, seq2seq)
    Y, cache = forward(params, X, cell)
    assert Y.shape == dY.shape and Y.dtype == np.float64
    grads = backward(dY, cache)
    assert set(grads) == set(PARAM_NAMES)
    for name in PARAM_NAMES:
        def f(value, name=name):
            return forward({**params, name: value}, X, cell)[0]

        numerical = numerical_gradient(f, params[name], dY)
        assert np.max(np.abs(numerical)) > 1e-3, f"{name}: trivially zero gradient, a useless case"
        kind = "seq2seq" if seq2seq else "forecaster"
        assert_grad(grads[name], numerical, f"{cell} {kind}_backward {name}")


@pytest.mark.parametrize("cell, seq2seq", MODEL_PARAMS)
def test_model_matches_torch_recurrent_layer_and_linear_head(ref, torch, cell, seq2seq):
    params, X, dY = model_case(cell, seq2seq, seed=20 + GATES[cell], N=4, W=5, F=2, H=4, M=3)
    forward, backward = run_model(ref, seq2seq)
    Y, cache = forward(params, X, cell)
    grads = backward(dY, cache)
    tY, tgrads = torch_model(torch, params, X, cell, seq2seq, dY)
    assert_value(Y, tY, "Y")
    for name in PARAM_NAMES:
        assert_value(grads[name], tgrads[name], f"{cell}: {name}")


@pytest.mark.parametrize("cell", CELLS)
def test_forecaster_is_the_provided_layer_then_the_head_on_its_last_state(ref, cell):
    params, X, _ = model_case(cell, False, seed=30)
    h0 = np.zeros((X.shape[0], params["Wh"].shape[0]))
    layer = getattr(ref, cell)
    h, _ = getattr(layer, f"{cell}_forward")(X, h0, params["Wx"], params["Wh"], params["b"])
    Y, _ = ref.forecast.forecaster_forward(params, X, cell)
    assert_value(Y, h[:, -1] @ params["W_out"] + params["b_out"], "forecaster Y")
    Y2, _ = ref.forecast.seq2seq_forward(params, X, cell)
    assert_value(Y2, h @ params["W_out"] + params["b_out"], "seq2seq Y")
    assert_value(Y2[:, -1], Y, "seq2seq's last step is the forecaster")


@pytest.mark.parametrize("cell, seq2seq", MODEL_PARAMS)
def test_model_modifies_no_argument_and_backward_is_repeatable(ref, cell, seq2seq):
    params, X, dY = model_case(cell, seq2seq, seed=40)
    before = deep_copy((params, X, dY))
    forward, backward = run_model(ref, seq2seq)
    Y, cache = forward(params, X, cell)
    Y_before = Y.copy()
    first = deep_copy(backward(dY, cache))
    second = backward(dY, cache)
    assert_same(second, first, "second backward")
    np.testing.assert_array_equal(Y, Y_before)
    assert_same(params, before[0], "params")
    assert_same(X, before[1], "X")
    assert_same(dY, before[2], "dY")
    for name in PARAM_NAMES:
        assert type(second[name]) is np.ndarray and second[name].dtype == np.float64
        assert second[name].shape == params[name].shape


def test_forecaster_with_one_window_step_and_one_example(ref):
    params, X, dY = model_case("lstm", False, seed=50, N=1, W=1, F=1, H=2, M=1)
    Y, cache = ref.forecast.forecaster_forward(params, X, "lstm")
    grads = ref.forecast.forecaster_backward(dY, cache)
    for name in PARAM_NAMES:
        def f(value, name=name):
            return ref.forecast.forecaster_forward({**params, name: value}, X, "lstm")[0]

        assert_grad(grads[name], numerical_gradient(f, params[name], dY), name)


# --- forecast.py: recursive forecasts ------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_forecast_recursive_feeds_predictions_back(ref, cell):
    params = make_params(cell, 1, 4, 1, seed=60)
    history = np.sin(np.arange(6.0))
    before = history.copy()
    yhat = ref.forecast.forecast_recursive(params, history, 5, cell)
    np.testing.assert_array_equal(history, before)
    assert type(yhat) is np.ndarray and yhat.shape == (5,) and yhat.dtype == np.float64
    # By hand, with the provided layer and the head: slide the window over history + predictions.
    layer = getattr(getattr(ref, cell), f"{cell}_forward")
    values = list(history)
    for _ in range(5):
        window = np.array(values[-6:]).reshape(1, 6, 1)
        h, _ = layer(window, np.zeros((1, 4)), params["Wx"], params["Wh"], params["b"])
        values.append(float(h[0, -1] @ params["W_out"][:, 0] + params["b_out"][0]))
    assert_value(yhat, values[6:], "recursive forecasts")


def test_forecast_recursive_with_a_constant_head_repeats_it(ref):
    params = make_params("gru", 1, 3, 1, seed=61)
    params["W_out"] = np.zeros((3, 1))
    params["b_out"] = np.array([2.5])
    assert_value(ref.forecast.forecast_recursive(params, np.arange(4.0), 3, "gru"), [2.5, 2.5, 2.5])


# --- forecast.py: initialisation and training ------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_init_forecaster_draws_uniform_in_documented_order(ref, cell):
    F, H, M = 2, 9, 3
    G = GATES[cell]
    params = ref.forecast.init_forecaster(F, H, M, cell, seed=123)
    rng = np.random.default_rng(123)
    shapes = {"Wx": (F, G * H), "Wh": (H, G * H), "b": (G * H,), "W_out": (H, M), "b_out": (M,)}
    assert set(params) == set(shapes)
    for name, shape in shapes.items():  # the documented order: Wx, Wh, b, W_out, b_out
        expected = rng.uniform(-1 / 3, 1 / 3, size=shape)
        assert params[name].shape == shape and params[name].dtype == np.float64
        np.testing.assert_array_equal(params[name], expected, err_msg=name)
        assert np.all(np.abs(params[name]) <= 1 / 3)
    again = ref.forecast.init_forecaster(F, H, M, cell, seed=123)
    other = ref.forecast.init_forecaster(F, H, M, cell, seed=124)
    assert_same(again, params, "same seed")
    assert not np.array_equal(other["Wh"], params["Wh"])


def toy_problem(seq2seq, seed=0, N=40, W=6):
    """A learnable problem: the next value of a noisy sine from the window before it."""
    rng = np.random.default_rng(seed)
    series = np.sin(0.4 * np.arange(N + W + 1)) + 0.05 * rng.standard_normal(N + W + 1)
    X = np.stack([series[k : k + W] for k in range(N)])[..., None]
    if seq2seq:
        Y = np.stack([series[k + 1 : k + W + 1] for k in range(N)])[..., None]
    else:
        Y = series[W : W + N, None]
    return X, Y


def train_by_hand(ref, X, Y, H, cell, epochs, batch_size, lr, max_norm, seed):
    """train_forecaster's documented algorithm, spelled out with the public functions."""
    f = ref.forecast
    forward, backward = (f.forecaster_forward, f.forecaster_backward) if Y.ndim == 2 else (
        f.seq2seq_forward, f.seq2seq_backward)
    params = f.init_forecaster(X.shape[2], H, Y.shape[-1], cell, seed)
    state = ref.optim.adam_init(params)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        batch = []
        for start in range(0, X.shape[0], batch_size):
            idx = order[start : start + batch_size]
            pred, cache = forward(params, X[idx], cell)
            loss, dpred = ref.layers.mse_loss(pred, Y[idx])
            grads, _ = ref.optim.clip_grad_norm(backward(dpred, cache), max_norm)
            params, state = ref.optim.adam_step(params, grads, state, lr)
            batch.append(loss)
        losses.append(sum(batch) / len(batch))
    return params, losses


@pytest.mark.parametrize("cell, seq2seq", MODEL_PARAMS)
def test_train_forecaster_follows_the_documented_algorithm_and_the_loss_falls(ref, cell, seq2seq):
    X, Y = toy_problem(seq2seq)
    before = (X.copy(), Y.copy())
    params, losses = ref.forecast.train_forecaster(X, Y, 5, cell=cell, epochs=8, batch_size=16, lr=0.02,
                                                   max_norm=1.0, seed=3)
    np.testing.assert_array_equal(X, before[0])
    np.testing.assert_array_equal(Y, before[1])
    assert type(losses) is np.ndarray and losses.dtype == np.float64 and losses.shape == (8,)
    assert set(params) == set(PARAM_NAMES) and params["W_out"].shape == (5, 1)
    assert losses[-1] < 0.5 * losses[0]
    hand_params, hand_losses = train_by_hand(ref, X, Y, 5, cell, 8, 16, 0.02, 1.0, 3)
    np.testing.assert_allclose(losses, hand_losses, rtol=1e-12, atol=0)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(params[name], hand_params[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_train_forecaster_is_deterministic_per_seed_and_seeds_differ(ref):
    X, Y = toy_problem(False, N=30)
    def run(seed):
        return ref.forecast.train_forecaster(X, Y, 4, cell="gru", epochs=3, batch_size=8, seed=seed)

    p0, l0 = run(0)
    p0b, l0b = run(0)
    p1, l1 = run(1)
    assert_same(p0b, p0, "params, same seed")
    np.testing.assert_array_equal(l0b, l0)
    assert not np.array_equal(l1, l0) and not np.array_equal(p1["Wh"], p0["Wh"])


def test_train_forecaster_defaults_and_a_batch_larger_than_the_data(ref):
    X, Y = toy_problem(False, N=10)
    params, losses = ref.forecast.train_forecaster(X, Y, 3)  # defaults: gru, 30 epochs, batch 32
    assert losses.shape == (30,) and params["Wh"].shape == (3, 9)
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("cell", CELLS)
def test_trained_forecaster_beats_the_naive_forecast_on_held_out_sunspots(ref, cell):
    # The assignment's outcome check: standardise by the first 80 %, windows of 12, train, then
    # one-step forecasts of the held-out 20 % in the original units.
    _, y = sunspots()
    assert len(y) == 309
    n_train, W = 247, 12
    scaled, mean, std = ref.forecast.standardize(y, n_train)
    X = np.stack([scaled[k : k + W] for k in range(n_train - W)])[..., None]
    Y = scaled[W:n_train, None]
    params, losses = ref.forecast.train_forecaster(X, Y, 16, cell=cell, epochs=30, batch_size=32, lr=1e-2,
                                                   max_norm=1.0, seed=0)
    assert losses[-1] < 0.3 * losses[0]
    test_t = np.arange(n_train, len(y))
    windows = np.stack([scaled[t - W : t] for t in test_t])[..., None]
    pred, _ = ref.forecast.forecaster_forward(params, windows, cell)
    mae = np.mean(np.abs(ref.forecast.unstandardize(pred[:, 0], mean, std) - y[test_t]))
    naive_mae = np.mean(np.abs(y[test_t - 1] - y[test_t]))
    assert mae < 0.75 * naive_mae, (mae, naive_mae)


# --- the SPEC's errors ------------------------------------------------------------------------------------


def _error_cases(ref):
    z = np.zeros
    p_lstm = make_params("lstm", 1, 3, 1, seed=0)
    p_two_out = make_params("rnn", 1, 3, 2, seed=0)
    X = z((2, 4, 1))
    L, O, Fc = ref.layers, ref.optim, ref.forecast
    return [
        ("affine_forward", lambda: L.affine_forward(z((2, 3)), z((4, 2)), z(2)),
         "W should have shape (D, M) = (3, 2), got (4, 2)"),
        ("affine_forward", lambda: L.affine_forward(z((2, 3)), z((3, 2)), z(3)),
         "b should have shape (M,) = (2,), got (3,)"),
        ("layer_norm_forward", lambda: L.layer_norm_forward(z((2, 3)), z(4), z(3)), "gamma"),
        ("ln_rnn_forward",
         lambda: L.ln_rnn_forward(z((2, 3, 1)), z((2, 4)), z((1, 4)), z((4, 3)), z(4), z(4), z(4)),
         "Wh should have shape (H, H) = (4, 4), got (4, 3)"),
        ("mse_loss", lambda: L.mse_loss(z((3, 1)), z(3)), "shape"),
        ("clip_grad_norm", lambda: O.clip_grad_norm({"a": z(2)}, 0.0), "max_norm"),
        ("clip_grad_norm", lambda: O.clip_grad_norm({"a": z(2)}, -1.0), "max_norm"),
        ("sgd_step", lambda: O.sgd_step({"a": z(2)}, {"b": z(2)}, 0.1), "keys"),
        ("adam_step",
         lambda: O.adam_step({"a": z(2)}, {"a": z(3)}, {"t": 0, "m": {"a": z(2)}, "v": {"a": z(2)}}),
         "grads['a'] should have shape (2,), got (3,)"),
        ("standardize", lambda: Fc.standardize(np.arange(5.0), 1), "n_train"),
        ("standardize", lambda: Fc.standardize(np.arange(5.0), 6), "n_train"),
        ("standardize", lambda: Fc.standardize(np.r_[np.ones(4), 2.0, 3.0], 4), "std"),
        ("standardize", lambda: Fc.standardize(np.c_[np.arange(6.0), np.ones(6)], 4), "std"),
        ("standardize", lambda: Fc.standardize(z((4, 2, 2)), 3), "series"),
        ("forecaster_forward", lambda: Fc.forecaster_forward(p_lstm, X, "transformer"), "cell"),
        ("forecaster_forward", lambda: Fc.forecaster_forward(p_lstm, X, "gru"),
         "Wh should have shape (H, 3H) = (3, 9), got (3, 12)"),
        ("forecaster_forward", lambda: Fc.forecaster_forward({"Wx": z((1, 4))}, X, "rnn"), "params"),
        ("forecaster_forward", lambda: Fc.forecaster_forward(p_lstm, z((2, 4)), "lstm"), "X"),
        ("seq2seq_forward", lambda: Fc.seq2seq_forward(p_lstm, z((2, 4, 2)), "lstm"), "Wx"),
        ("forecast_recursive", lambda: Fc.forecast_recursive(p_lstm, np.arange(4.0), 0, "lstm"), "steps"),
        ("forecast_recursive", lambda: Fc.forecast_recursive(p_two_out, np.arange(4.0), 2, "rnn"), "M = 1"),
        ("forecast_recursive", lambda: Fc.forecast_recursive(p_lstm, z((4, 1)), 2, "lstm"), "history"),
        ("init_forecaster", lambda: Fc.init_forecaster(1, 4, 1, "GRU", 0), "cell"),
        ("init_forecaster", lambda: Fc.init_forecaster(1, 0, 1, "gru", 0), "H"),
        ("train_forecaster", lambda: Fc.train_forecaster(z((4, 3)), z((4, 1)), 2), "X"),
        ("train_forecaster", lambda: Fc.train_forecaster(X, z((3, 1)), 2), "Y"),
        ("train_forecaster", lambda: Fc.train_forecaster(X, z((2, 3, 1)), 2), "Y"),
        ("train_forecaster", lambda: Fc.train_forecaster(X, z((2, 4, 1, 1)), 2), "Y"),
        ("train_forecaster", lambda: Fc.train_forecaster(X, z((2, 1)), 2, epochs=0), "epochs"),
        ("train_forecaster", lambda: Fc.train_forecaster(X, z((2, 1)), 2, batch_size=2.5), "batch_size"),
        ("train_forecaster", lambda: Fc.train_forecaster(X, z((2, 1)), 2, cell="cnn"), "cell"),
    ]


ERROR_COUNT = 31


def test_error_table_size(ref):
    assert len(_error_cases(ref)) == ERROR_COUNT


@pytest.mark.parametrize("k", range(ERROR_COUNT))
def test_bad_arguments_raise_value_error_naming_function_and_argument(ref, k):
    function, call, fragment = _error_cases(ref)[k]
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{function}: "), message
    assert fragment in message, (fragment, message)


# --- the files as students get them -----------------------------------------------------------------------


def strip(source):
    """The template of a solution file: each BEGIN/END SOLUTION region becomes a NotImplementedError
    naming its function (the kit's stripper, restated so that this file stands alone)."""
    tree = ast.parse(source)
    spans = [(n.lineno, n.end_lineno, n.name) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    out, regions, inside = [], {}, False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == "# BEGIN SOLUTION":
            assert not inside, f"line {number}: nested BEGIN"
            name = max((s, n) for s, e, n in spans if s <= number <= e)[1]
            regions[name] = regions.get(name, 0) + 1
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("{name}: not implemented yet")\n')
            inside = True
        elif marker == "# END SOLUTION":
            assert inside, f"line {number}: END without BEGIN"
            inside = False
        elif not inside:
            out.append(line)
    assert not inside, "BEGIN without END"
    return "".join(out), regions


@pytest.mark.parametrize("stem", list(GRADED))
def test_every_graded_function_holds_exactly_one_solution_region(stem):
    _, regions = strip((FORECASTING / f"{stem}.py").read_text(encoding="utf-8"))
    assert regions == {name: 1 for name in GRADED[stem]}


@pytest.mark.parametrize("stem", list(GRADED))
def test_solution_files_import_only_numpy_the_standard_library_and_the_assignment(stem):
    tree = ast.parse((FORECASTING / f"{stem}.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= {"numpy", "numbers", *PROVIDED, *GRADED}, imported


def _templates(ref):
    """Namespaces of the stripped layers, optim and forecast; forecast's imports resolve to the other
    templates and the provided reference layers."""
    namespaces = {}
    provided = {name: getattr(ref, name) for name in PROVIDED}
    for stem in GRADED:
        text, _ = strip((FORECASTING / f"{stem}.py").read_text(encoding="utf-8"))
        module = types.ModuleType(f"template_{stem}")
        with _top_level_modules({**provided, **{s: namespaces[s] for s in namespaces}}):
            exec(compile(text, f"template/{stem}.py", "exec"), module.__dict__)
        namespaces[stem] = module
    return types.SimpleNamespace(**namespaces, **provided)


def test_stubs_raise_not_implemented_on_valid_arguments(ref):
    tpl = _templates(ref)
    params = make_params("gru", 1, 3, 1, seed=0)
    X, x2 = np.zeros((2, 4, 1)), np.zeros((2, 3))
    calls = {
        "affine_forward": lambda: tpl.layers.affine_forward(x2, np.zeros((3, 2)), np.zeros(2)),
        "affine_backward": lambda: tpl.layers.affine_backward(x2, None),
        "layer_norm_forward": lambda: tpl.layers.layer_norm_forward(x2, np.ones(3), np.zeros(3)),
        "layer_norm_backward": lambda: tpl.layers.layer_norm_backward(x2, None),
        "ln_rnn_forward": lambda: tpl.layers.ln_rnn_forward(np.zeros((2, 3, 1)), x2, np.zeros((1, 3)),
                                                             np.zeros((3, 3)), *[np.zeros(3)] * 3),
        "ln_rnn_backward": lambda: tpl.layers.ln_rnn_backward(np.zeros((2, 3, 3)), None),
        "mse_loss": lambda: tpl.layers.mse_loss(x2, x2),
        "clip_grad_norm": lambda: tpl.optim.clip_grad_norm(params, 1.0),
        "sgd_step": lambda: tpl.optim.sgd_step(params, params, 0.1),
        "adam_init": lambda: tpl.optim.adam_init(params),
        "adam_step": lambda: tpl.optim.adam_step(params, params, ref.optim.adam_init(params)),
        "standardize": lambda: tpl.forecast.standardize(np.arange(5.0), 3),
        "unstandardize": lambda: tpl.forecast.unstandardize(np.arange(5.0), 1.0, 2.0),
        "forecaster_forward": lambda: tpl.forecast.forecaster_forward(params, X, "gru"),
        "forecaster_backward": lambda: tpl.forecast.forecaster_backward(np.zeros((2, 1)), None),
        "seq2seq_forward": lambda: tpl.forecast.seq2seq_forward(params, X, "gru"),
        "seq2seq_backward": lambda: tpl.forecast.seq2seq_backward(np.zeros((2, 4, 1)), None),
        "forecast_recursive": lambda: tpl.forecast.forecast_recursive(params, np.arange(4.0), 2, "gru"),
        "init_forecaster": lambda: tpl.forecast.init_forecaster(1, 3, 1, "gru", 0),
        "train_forecaster": lambda: tpl.forecast.train_forecaster(X, np.zeros((2, 1)), 3),
    }
    assert set(calls) == {f for functions in GRADED.values() for f in functions}
    for function, call in calls.items():
        with pytest.raises(NotImplementedError, match=f"^{re.escape(function)}: not implemented yet$"):
            call()


def test_spec_errors_are_checked_outside_the_solution_regions(ref):
    # The validation is provided: the stripped templates raise the same ValueErrors as the reference.
    tpl = _templates(ref)
    for function, call, _ in _error_cases(tpl):
        with pytest.raises(ValueError, match=f"^{re.escape(function)}: "):
            call()


def test_sunspots_data_file():
    years, y = sunspots()
    header = SUNSPOTS.read_text(encoding="utf-8").splitlines()[0]
    assert header == "year,sunspots"
    np.testing.assert_array_equal(years, np.arange(1700, 2009))
    assert y.shape == (309,) and np.all(y >= 0) and y[years == 1957][0] == 190.2
