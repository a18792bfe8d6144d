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
    sizes = {}

    def expected(dim):
        factor, letter = (int(dim[:-1]), dim[-1]) if len(dim) > 1 else (1, dim)
        return factor * sizes[letter] if letter in sizes else dim

    for name, array, dims in specs:
        shape = np.shape(array)
        ok = len(shape) == len(dims)
        for dim, size in zip(dims, shape) if ok else ():
            if len(dim) == 1:
                sizes.setdefault(dim, size)
            ok = ok and expected(dim) == size
        if not ok:
            wanted = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
            values = tuple(expected(dim) for dim in dims)
            if any(isinstance(v, int) for v in values):
                wanted += " = (" + ", ".join(map(str, values)) + ("," if len(dims) == 1 else "") + ")"
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
    next_h, cache = None, None
    if activation not in ACTIVATIONS:
        raise ValueError(f"rnn_step_forward: activation must be 'tanh' or 'relu', got {activation!r}")
    a = x @ Wx + prev_h @ Wh + b
    h_tilde = np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0)
    next_h = alpha * prev_h + (1.0 - alpha) * h_tilde
    cache = (x, prev_h, Wx, Wh, a, h_tilde, activation, alpha)
    return next_h, cache


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
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    x, prev_h, Wx, Wh, a, h_tilde, activation, alpha = cache
    if activation == "tanh":
        da = (1.0 - alpha) * dnext_h * (1.0 - h_tilde**2)
    else:
        da = (1.0 - alpha) * dnext_h * (a > 0)
    dx = da @ Wx.T
    dprev_h = alpha * dnext_h + da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


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
    h, cache = None, None
    if activation not in ACTIVATIONS:
        raise ValueError(f"rnn_forward: activation must be 'tanh' or 'relu', got {activation!r}")
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    step_caches = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b, activation, alpha)
        h[:, t, :] = prev_h
        step_caches.append(step_cache)
    cache = (step_caches, (N, T, D, H))
    return h, cache


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
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    step_caches, (N, T, D, H) = cache
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    for t in reversed(range(T)):
        dx_t, dh0, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dh0, step_caches[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh0, dWx, dWh, db
