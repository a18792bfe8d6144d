"""Vanilla and leaky recurrent layers: forward and backward passes, one step and a whole sequence.

Dimensions, used in every docstring below:
    N: batch size, T: number of time steps, D: input size, H: hidden size.

Row-vector, batch-first convention (as in the lecture): a batch of inputs is a matrix with one example
per row, and one step of the layer is

    a      = x_t Wx + h_{t-1} Wh + b           (N, H)
    h~     = tanh(a)  or  relu(a) = max(a, 0)  (N, H)
    h_t    = alpha * h_{t-1} + (1 - alpha) * h~

alpha = 0 is the vanilla RNN; 0 < alpha < 1 is the leaky RNN, whose hidden state keeps a fraction
alpha of its previous value.

Every forward function returns its outputs and a `cache`; only the matching backward function reads the
cache, and it may be called several times with the same cache. No function modifies its arguments.
numpy only; all arrays are float64.
"""

import numpy as np

ACTIVATIONS = ("tanh", "relu")


def _check_shapes(func, *specs):
    """Raise a ValueError naming `func` and the first argument whose shape does not fit.

    Each spec is (argument name, array, dims), dims a tuple such as ("N", "D") or ("D", "4H"). A
    letter takes its size from the first array that uses it; later arrays must agree with it
    ("4H" means four times the size of "H").
    """
    sizes_val = {}

    def expected(dim):
        factor_val, letter_val = (int(dim[:-1]), dim[-1]) if len(dim) > 1 else (1, dim)
        return factor_val * sizes_val[letter_val] if letter_val in sizes_val else dim

    for name, array_val, dims_val in specs:
        shape = np.shape(array_val)
        ok_val = len(shape) == len(dims_val)
        for dim, size_val in zip(dims_val, shape) if ok_val else ():
            if len(dim) == 1:
                sizes_val.setdefault(dim, size_val)
            ok_val = ok_val and expected(dim) == size_val
        if not ok_val:
            wanted = "(" + ", ".join(dims_val) + ("," if len(dims_val) == 1 else "") + ")"
            values_val = tuple(expected(dim) for dim in dims_val)
            if any(isinstance(v_val, int) for v_val in values_val):
                wanted += " = (" + ", ".join(map(str, values_val)) + ("," if len(dims_val) == 1 else "") + ")"
            raise ValueError(f"{func}: {name} should have shape {wanted}, got {shape}")


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh", alpha=0.0):
    """Run one time step of a vanilla (alpha = 0) or leaky (0 < alpha < 1) RNN.

        a      = x Wx + prev_h Wh + b
        h~     = tanh(a)  or  relu(a)
        next_h = alpha * prev_h + (1 - alpha) * h~

    Inputs:
    - x: input at this time step, shape (N, D)
    - prev_h: hidden state of the previous time step, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)
    - activation: "tanh" or "relu"; anything else raises ValueError
    - alpha: leak, a float; 0.0 gives the vanilla RNN

    Returns a tuple of:
    - next_h: next hidden state, shape (N, H)
    - cache: values needed by rnn_step_backward (opaque)
    """
    _check_shapes(
        "rnn_step_forward",
        ("x", x, ("N", "D")),
        ("prev_h", prev_h, ("N", "H")),
        ("Wx", Wx, ("D", "H")),
        ("Wh", Wh, ("H", "H")),
        ("b", b, ("H",)),
    )
    next_h_val, saved = None, None
    if activation not in ACTIVATIONS:
        raise ValueError(f"rnn_step_forward: bad activation {activation!r}")
    pre = x @ Wx + prev_h @ Wh + b
    next_h_val = alpha * prev_h + (1.0 - alpha) * (np.tanh(pre) if activation == "tanh" else np.maximum(pre, 0.0))
    saved = (x, prev_h, Wx, Wh, b, activation, alpha)
    return next_h_val, saved


def rnn_step_backward(dnext_h, cache):
    """Backward pass of one RNN time step (see rnn_step_forward for the equations).

    Backpropagate through next_h = alpha * prev_h + (1 - alpha) * f(x Wx + prev_h Wh + b). Take the
    derivative of relu at exactly 0 to be 0.

    Inputs:
    - dnext_h: upstream gradient of the loss with respect to next_h, shape (N, H)
    - cache: the cache returned by rnn_step_forward

    Returns a tuple of:
    - dx: gradient with respect to x, shape (N, D)
    - dprev_h: gradient with respect to prev_h, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, H)
    - dWh: gradient with respect to Wh, shape (H, H)
    - db: gradient with respect to b, shape (H,)
    """
    grad_x, dprev_h_val, grad_Wx, grad_Wh, grad_b = None, None, None, None, None
    x_val, prev_h_val, Wx_val, Wh_val, b_val, activation_val, alpha_val = cache
    pre = x_val @ Wx_val + prev_h_val @ Wh_val + b_val
    slope_val = 1.0 - np.tanh(pre) ** 2 if activation_val == "tanh" else (pre > 0).astype(float)
    dpre = (1.0 - alpha_val) * dnext_h * slope_val
    grad_x = dpre @ Wx_val.T
    dprev_h_val = alpha_val * dnext_h + dpre @ Wh_val.T
    grad_Wx = x_val.T @ dpre
    grad_Wh = prev_h_val.T @ dpre
    grad_b = dpre.sum(axis=0)
    return grad_x, dprev_h_val, grad_Wx, grad_Wh, grad_b


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh", alpha=0.0):
    """Run a vanilla or leaky RNN over a whole sequence, calling rnn_step_forward at each time step.

        h_0 = h0,   h_t = rnn_step_forward(x_t, h_{t-1}, Wx, Wh, b, activation, alpha)  for t = 1..T

    Inputs:
    - x: input sequence, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)
    - activation: "tanh" or "relu"; anything else raises ValueError
    - alpha: leak, a float; 0.0 gives the vanilla RNN

    Returns a tuple of:
    - h: hidden states at every time step (h_1 .. h_T; h0 not included), shape (N, T, H)
    - cache: values needed by rnn_backward (opaque)
    """
    _check_shapes(
        "rnn_forward",
        ("x", x, ("N", "T", "D")),
        ("h0", h0, ("N", "H")),
        ("Wx", Wx, ("D", "H")),
        ("Wh", Wh, ("H", "H")),
        ("b", b, ("H",)),
    )
    states, saved = None, None
    if activation not in ACTIVATIONS:
        raise ValueError(f"rnn_forward: bad activation {activation!r}")
    states = np.zeros((x.shape[0], x.shape[1], h0.shape[1]))
    prev_h_val = h0
    for step in range(x.shape[1]):
        prev_h_val, _ = rnn_step_forward(x[:, step, :], prev_h_val, Wx, Wh, b, activation, alpha)
        states[:, step, :] = prev_h_val
    saved = (x, h0, Wx, Wh, b, activation, alpha)
    return states, saved


def rnn_backward(dh, cache):
    """Backpropagation through time for a whole sequence, calling rnn_step_backward at each time step.

    Going backwards from t = T to 1, the gradient reaching h_t is dh[:, t] plus the gradient flowing
    back from step t + 1 (zero after the last step). The weights are shared by all time steps.

    Inputs:
    - dh: upstream gradients of the loss with respect to every hidden state h_1 .. h_T (not including
      what flows between time steps), shape (N, T, H)
    - cache: the cache returned by rnn_forward

    Returns a tuple of:
    - dx: gradient with respect to the inputs x, shape (N, T, D)
    - dh0: gradient with respect to the initial hidden state h0, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, H)
    - dWh: gradient with respect to Wh, shape (H, H)
    - db: gradient with respect to b, shape (H,)
    """
    grad_x, grad_h0, grad_Wx, grad_Wh, grad_b = None, None, None, None, None
    x_val, h0_val, Wx_val, Wh_val, b_val, activation_val, alpha_val = cache
    count, length, dim2 = x_val.shape
    steps_val = []
    prev_h_val = h0_val
    for step in range(length):
        prev_h_val, step_cache_val = rnn_step_forward(x_val[:, step, :], prev_h_val, Wx_val, Wh_val, b_val, activation_val, alpha_val)
        steps_val.append(step_cache_val)
    grad_x = np.zeros_like(x_val)
    grad_Wx, grad_Wh, grad_b = np.zeros_like(Wx_val), np.zeros_like(Wh_val), np.zeros_like(b_val)
    grad_h0 = np.zeros_like(h0_val)
    for step in range(length - 1, -1, -1):
        grad_x[:, step, :], grad_h0, dWx_t_val, dWh_t_val, db_t_val = rnn_step_backward(dh[:, step, :] + grad_h0, steps_val[step])
        grad_Wx, grad_Wh, grad_b = grad_Wx + dWx_t_val, grad_Wh + dWh_t_val, grad_b + db_t_val
    return grad_x, grad_h0, grad_Wx, grad_Wh, grad_b
