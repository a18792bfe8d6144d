"""The references ``solutions/rnn.py``, ``lstm.py``, ``gru.py`` against PyTorch (skipped without torch).

- Vanilla RNN (tanh, relu) and LSTM: against ``torch.nn.RNN`` / ``torch.nn.LSTM`` (sequences) and
  ``torch.nn.RNNCell`` / ``torch.nn.LSTMCell`` (steps), float64, with our weights copied in: torch's
  ``weight_ih_l0`` is (G*H, D) = our Wx.T, ``weight_hh_l0`` = our Wh.T, ``bias_ih_l0`` = our b and
  ``bias_hh_l0`` = 0; torch's LSTM gate order i, f, g, o is ours. Gradients come from autograd through
  those modules.
- Leaky RNN (alpha > 0) and GRU: torch has no such modules (``torch.nn.GRU`` resets *after* the
  recurrent product, SPEC 7 resets before), so SPEC's equations are written in torch below and
  differentiated by autograd. One test documents how our GRU differs from ``torch.nn.GRU``.

Every test compares forward outputs and every backward output (VALUE tolerances: both sides are
exact float64 computations that differ only in the order of operations).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strategies_recurrent_hidden as rst
from autograder.checklib.tolerances import VALUE_ATOL, VALUE_RTOL
from autograder.loader import load_reference

torch = pytest.importorskip("torch")

MODULES = {stem: load_reference("recurrent", stem) for stem in ("rnn", "lstm", "gru")}
F64 = torch.float64


def tensor(a, grad=False):
    """A float64 torch copy of a numpy array (never sharing its memory)."""
    return torch.tensor(np.array(a, copy=True), dtype=F64, requires_grad=grad)


def ours(case):
    """Our forward outputs and backward gradients, by SPEC name."""
    module = MODULES[case.model]
    *outputs, cache = getattr(module, case.forward_name)(*case.args, **case.kwargs)
    grads = getattr(module, case.backward_name)(*case.upstream, cache)
    return dict(zip(case.output_names + case.grad_names, list(outputs) + list(grads)))


def assert_match(case, got, expected):
    assert set(expected) == set(got), (sorted(expected), sorted(got))
    for name, want in expected.items():
        want = want.detach().numpy() if isinstance(want, torch.Tensor) else want
        np.testing.assert_allclose(got[name], want, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                                   err_msg=f"{case.name}: {name} differs from torch")


def backprop(outputs, upstream):
    """Backpropagate sum(output * upstream) over all outputs."""
    loss = sum((out * tensor(up)).sum() for out, up in zip(outputs, upstream))
    loss.backward()


def load_weights(module, Wx, Wh, b):
    """Copy our (Wx, Wh, b) into a torch RNN/LSTM/GRU module or cell (bias_hh = 0); return its parameters."""
    suffix = "_l0" if isinstance(module, torch.nn.RNNBase) else ""
    params = [getattr(module, name + suffix) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    with torch.no_grad():
        for param, value in zip(params, (Wx.T, Wh.T, b, np.zeros_like(b))):
            param.copy_(tensor(value))
    return params


# --- vanilla RNN and LSTM against torch.nn modules ------------------------------------------------


VANILLA = {act: rst.rnn_cases(max_alpha=0.0, activations=(act,)) for act in ("tanh", "relu")}
VANILLA_STEP = {act: rst.rnn_step_cases(max_alpha=0.0, activations=(act,)) for act in ("tanh", "relu")}


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@given(data=st.data())
def test_rnn_forward_and_backward_match_torch_nn_rnn(activation, data):
    case = data.draw(VANILLA[activation], label="case")
    net = torch.nn.RNN(case.D, case.H, nonlinearity=activation, batch_first=True, dtype=F64)
    w_ih, w_hh, b_ih, _ = load_weights(net, case.Wx, case.Wh, case.b)
    x, h0 = tensor(case.x, grad=True), tensor(case.h0[None], grad=True)
    h, _ = net(x, h0)
    backprop([h], [case.dh])
    expected = {"h": h, "dx": x.grad, "dh0": h0.grad[0], "dWx": w_ih.grad.T, "dWh": w_hh.grad.T, "db": b_ih.grad}
    assert_match(case, ours(case), expected)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@given(data=st.data())
def test_rnn_step_forward_and_backward_match_torch_rnn_cell(activation, data):
    case = data.draw(VANILLA_STEP[activation], label="case")
    cell = torch.nn.RNNCell(case.D, case.H, nonlinearity=activation, dtype=F64)
    w_ih, w_hh, b_ih, _ = load_weights(cell, case.Wx, case.Wh, case.b)
    x, h = tensor(case.x, grad=True), tensor(case.prev_h, grad=True)
    next_h = cell(x, h)
    backprop([next_h], [case.dnext_h])
    expected = {"next_h": next_h, "dx": x.grad, "dprev_h": h.grad, "dWx": w_ih.grad.T, "dWh": w_hh.grad.T,
                "db": b_ih.grad}
    assert_match(case, ours(case), expected)


@given(case=rst.lstm_cases())
def test_lstm_forward_and_backward_match_torch_nn_lstm(case):
    net = torch.nn.LSTM(case.D, case.H, batch_first=True, dtype=F64)
    w_ih, w_hh, b_ih, _ = load_weights(net, case.Wx, case.Wh, case.b)
    x, h0 = tensor(case.x, grad=True), tensor(case.h0[None], grad=True)
    c0 = torch.zeros(1, case.N, case.H, dtype=F64)
    h, _ = net(x, (h0, c0))
    backprop([h], [case.dh])
    expected = {"h": h, "dx": x.grad, "dh0": h0.grad[0], "dWx": w_ih.grad.T, "dWh": w_hh.grad.T, "db": b_ih.grad}
    assert_match(case, ours(case), expected)


@given(case=rst.lstm_step_cases())
def test_lstm_step_forward_and_backward_match_torch_lstm_cell(case):
    cell = torch.nn.LSTMCell(case.D, case.H, dtype=F64)
    w_ih, w_hh, b_ih, _ = load_weights(cell, case.Wx, case.Wh, case.b)
    x, h, c = tensor(case.x, grad=True), tensor(case.prev_h, grad=True), tensor(case.prev_c, grad=True)
    next_h, next_c = cell(x, (h, c))
    backprop([next_h, next_c], [case.dnext_h, case.dnext_c])
    expected = {"next_h": next_h, "next_c": next_c, "dx": x.grad, "dprev_h": h.grad, "dprev_c": c.grad,
                "dWx": w_ih.grad.T, "dWh": w_hh.grad.T, "db": b_ih.grad}
    assert_match(case, ours(case), expected)


# --- leaky RNN and GRU against SPEC's equations written in torch ----------------------------------


def torch_rnn_step(x, h, Wx, Wh, b, activation, alpha):
    """SPEC 5 in torch."""
    a = x @ Wx + h @ Wh + b
    h_tilde = torch.tanh(a) if activation == "tanh" else torch.relu(a)
    return alpha * h + (1.0 - alpha) * h_tilde


def torch_gru_step(x, h, Wx, Wh, b):
    """SPEC 7 in torch: blocks z, r, g; reset applied to h before the recurrent product."""
    H = h.shape[1]
    z = torch.sigmoid(x @ Wx[:, :H] + h @ Wh[:, :H] + b[:H])
    r = torch.sigmoid(x @ Wx[:, H : 2 * H] + h @ Wh[:, H : 2 * H] + b[H : 2 * H])
    g = torch.tanh(x @ Wx[:, 2 * H :] + (r * h) @ Wh[:, 2 * H :] + b[2 * H :])
    return z * h + (1.0 - z) * g


def spec_in_torch(case, step_fn):
    """Forward and autograd gradients of the case through ``step_fn`` (a step, or a loop over time)."""
    x, h0, Wx, Wh, b = (tensor(a, grad=True) for a in case.args)
    if case.step:
        outputs = [step_fn(x, h0, Wx, Wh, b)]
    else:
        h, hs = h0, []
        for t in range(case.T):
            h = step_fn(x[:, t], h, Wx, Wh, b)
            hs.append(h)
        outputs = [torch.stack(hs, dim=1)]
    backprop(outputs, case.upstream)
    grads = [t.grad for t in (x, h0, Wx, Wh, b)]
    return dict(zip(case.output_names + case.grad_names, outputs + grads))


LEAKY = {"min_alpha": 0.05, "max_alpha": 0.9}


@given(case=rst.rnn_step_cases(**LEAKY))
def test_leaky_rnn_step_matches_torch_autograd_of_spec_equations(case):
    expected = spec_in_torch(case, lambda *a: torch_rnn_step(*a, case.activation, case.alpha))
    assert_match(case, ours(case), expected)


@given(case=rst.rnn_cases(**LEAKY))
def test_leaky_rnn_sequence_matches_torch_autograd_of_spec_equations(case):
    expected = spec_in_torch(case, lambda *a: torch_rnn_step(*a, case.activation, case.alpha))
    assert_match(case, ours(case), expected)


@given(case=rst.gru_step_cases())
def test_gru_step_matches_torch_autograd_of_spec_equations(case):
    assert_match(case, ours(case), spec_in_torch(case, torch_gru_step))


@given(case=rst.gru_cases())
def test_gru_sequence_matches_torch_autograd_of_spec_equations(case):
    assert_match(case, ours(case), spec_in_torch(case, torch_gru_step))


# --- our GRU is not torch.nn.GRU -------------------------------------------------------------------


def torch_nn_gru_h(x, h0, Wx, Wh, b):
    """h of torch.nn.GRU (reset after the product) with our weights reordered to torch's r, z, n."""
    D, H = Wx.shape[0], h0.shape[1]
    net = torch.nn.GRU(D, H, batch_first=True, dtype=F64)
    reorder = lambda W: np.concatenate([W[..., H : 2 * H], W[..., :H], W[..., 2 * H :]], axis=-1)  # noqa: E731
    load_weights(net, reorder(Wx), reorder(Wh), reorder(b))
    with torch.no_grad():
        h, _ = net(tensor(x), tensor(h0[None]))
    return h.numpy()


@given(case=rst.gru_cases(min_hidden=1, max_hidden=1))
@settings(max_examples=10)
def test_gru_equals_torch_nn_gru_when_hidden_size_is_one(case):
    # With H = 1 and bias_hh = 0, r * (h Wh_g) = (r * h) Wh_g: the two placements of the reset agree.
    h, _ = MODULES["gru"].gru_forward(*case.args)
    np.testing.assert_allclose(h, torch_nn_gru_h(*case.args), rtol=VALUE_RTOL, atol=VALUE_ATOL)


def test_gru_differs_from_torch_nn_gru_which_resets_after_the_recurrent_product():
    rng = np.random.default_rng(4630)
    N, T, D, H = 2, 3, 3, 4
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, b = rng.standard_normal((D, 3 * H)), rng.standard_normal((H, 3 * H)), rng.standard_normal(3 * H)
    h, _ = MODULES["gru"].gru_forward(x, h0, Wx, Wh, b)
    torch_h = torch_nn_gru_h(x, h0, Wx, Wh, b)
    assert np.max(np.abs(h - torch_h)) > 1e-2
    # ... while the reset-after equations, written out, reproduce torch.nn.GRU exactly.
    reset_after = []
    prev = h0
    for t in range(T):
        ax = x[:, t] @ Wx + b
        z = 1 / (1 + np.exp(-(ax[:, :H] + prev @ Wh[:, :H])))
        r = 1 / (1 + np.exp(-(ax[:, H : 2 * H] + prev @ Wh[:, H : 2 * H])))
        g = np.tanh(ax[:, 2 * H :] + r * (prev @ Wh[:, 2 * H :]))
        prev = z * prev + (1 - z) * g
        reset_after.append(prev)
    np.testing.assert_allclose(np.stack(reset_after, axis=1), torch_h, rtol=VALUE_RTOL, atol=VALUE_ATOL)
