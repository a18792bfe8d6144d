"""Gated recurrent unit (GRU) layer: forward and backward passes, one step and a whole sequence.

Dimensions, used in every docstring below:
    N: batch size, T: number of time steps, D: input size, H: hidden size.

Row-vector, batch-first convention (as in the lecture). This is the lecture's GRU (Geron, eq. 15-4),
with the reset gate applied to the previous hidden state *before* the recurrent product (Keras
`reset_after=False`; PyTorch's nn.GRU applies it after, which is a different layer). The weights hold
three H-wide gate blocks side by side, in the order z, r, g. One step of the layer is

    z   = sigmoid(x_t Wx_z + h_{t-1} Wh_z + b_z)           update gate      (N, H)
    r   = sigmoid(x_t Wx_r + h_{t-1} Wh_r + b_r)           reset gate       (N, H)
    g   = tanh(x_t Wx_g + (r * h_{t-1}) Wh_g + b_g)        candidate state  (N, H)
    h_t = z * h_{t-1} + (1 - z) * g

where Wx_z = Wx[:, 0:H], Wx_r = Wx[:, H:2H], Wx_g = Wx[:, 2H:3H] (likewise for Wh and b), and
sigmoid(a) = 1 / (1 + exp(-a)).

Every forward function returns its outputs and a `cache`; only the matching backward function reads the
cache, and it may be called several times with the same cache. No function modifies its arguments.
numpy only; all arrays are float64.
"""

import numpy as np


def sigmoid(a):
    """The logistic sigmoid 1 / (1 + exp(-a)), elementwise, computed without overflow.

    exp is only ever taken of -|a| <= 0, so it never overflows, and the result is accurate for every
    finite a: sigmoid(a) = 1 / (1 + e) for a >= 0 and e / (1 + e) for a < 0, where e = exp(-|a|).
    For a below about -708, e underflows to (nearly) 0, which is the correctly rounded answer, so
    numpy's underflow warning is switched off here.

    Inputs:
    - a: array of any shape (or a float)

    Returns:
    - s: sigmoid(a), float64, same shape as a
    """
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


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


def gru_step_forward(x, prev_h, Wx, Wh, b):
    """Run one time step of a GRU (reset gate applied before the recurrent product).

        z      = sigmoid(x Wx_z + prev_h Wh_z + b_z)
        r      = sigmoid(x Wx_r + prev_h Wh_r + b_r)
        g      = tanh(x Wx_g + (r * prev_h) Wh_g + b_g)
        next_h = z * prev_h + (1 - z) * g

    Inputs:
    - x: input at this time step, shape (N, D)
    - prev_h: hidden state of the previous time step, shape (N, H)
    - Wx: input-to-hidden weights, gate blocks z, r, g side by side, shape (D, 3H)
    - Wh: hidden-to-hidden weights, same block layout, shape (H, 3H)
    - b: biases, same block layout, shape (3H,)

    Returns a tuple of:
    - next_h: next hidden state, shape (N, H)
    - cache: values needed by gru_step_backward (opaque)
    """
    _check_shapes(
        "gru_step_forward",
        ("x", x, ("N", "D")),
        ("prev_h", prev_h, ("N", "H")),
        ("Wx", Wx, ("D", "3H")),
        ("Wh", Wh, ("H", "3H")),
        ("b", b, ("3H",)),
    )
    next_h, cache = None, None
    H = prev_h.shape[1]
    ax = x @ Wx + b  # input part of all three pre-activations, (N, 3H)
    a_zr = ax[:, : 2 * H] + prev_h @ Wh[:, : 2 * H]
    z = sigmoid(a_zr[:, :H])
    r = sigmoid(a_zr[:, H:])
    r_prev_h = r * prev_h
    g = np.tanh(ax[:, 2 * H :] + r_prev_h @ Wh[:, 2 * H :])
    next_h = z * prev_h + (1.0 - z) * g
    cache = (x, prev_h, Wx, Wh, z, r, g, r_prev_h)
    return next_h, cache


def gru_step_backward(dnext_h, cache):
    """Backward pass of one GRU time step (see gru_step_forward for the equations).

    prev_h reaches next_h along four paths: directly (z * prev_h), through z, through r, and through
    the recurrent product (r * prev_h) Wh_g.

    Inputs:
    - dnext_h: upstream gradient with respect to next_h, shape (N, H)
    - cache: the cache returned by gru_step_forward

    Returns a tuple of:
    - dx: gradient with respect to x, shape (N, D)
    - dprev_h: gradient with respect to prev_h, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, 3H)
    - dWh: gradient with respect to Wh, shape (H, 3H)
    - db: gradient with respect to b, shape (3H,)
    """
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    x, prev_h, Wx, Wh, z, r, g, r_prev_h = cache
    H = prev_h.shape[1]
    da_g = dnext_h * (1.0 - z) * (1.0 - g**2)
    da_z = dnext_h * (prev_h - g) * z * (1.0 - z)
    dr_prev_h = da_g @ Wh[:, 2 * H :].T
    da_r = dr_prev_h * prev_h * r * (1.0 - r)
    da_zr = np.concatenate([da_z, da_r], axis=1)
    da = np.concatenate([da_zr, da_g], axis=1)
    dx = da @ Wx.T
    dprev_h = dnext_h * z + dr_prev_h * r + da_zr @ Wh[:, : 2 * H].T
    dWx = x.T @ da
    dWh = np.concatenate([prev_h.T @ da_zr, r_prev_h.T @ da_g], axis=1)
    db = da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


def gru_forward(x, h0, Wx, Wh, b):
    """Run a GRU over a whole sequence, calling gru_step_forward at each time step.

        h_0 = h0,   h_t = gru_step_forward(x_t, h_{t-1}, Wx, Wh, b)  for t = 1..T

    Inputs:
    - x: input sequence, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, gate blocks z, r, g, shape (D, 3H)
    - Wh: hidden-to-hidden weights, shape (H, 3H)
    - b: biases, shape (3H,)

    Returns a tuple of:
    - h: hidden states at every time step (h_1 .. h_T; h0 not included), shape (N, T, H)
    - cache: values needed by gru_backward (opaque)
    """
    _check_shapes(
        "gru_forward",
        ("x", x, ("N", "T", "D")),
        ("h0", h0, ("N", "H")),
        ("Wx", Wx, ("D", "3H")),
        ("Wh", Wh, ("H", "3H")),
        ("b", b, ("3H",)),
    )
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    step_caches = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = gru_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        step_caches.append(step_cache)
    cache = (step_caches, (N, T, D, H))
    return h, cache


def gru_backward(dh, cache):
    """Backpropagation through time for a whole GRU sequence, calling gru_step_backward at each step.

    Going backwards from t = T to 1, the gradient reaching h_t is dh[:, t] plus the gradient flowing
    back from step t + 1 (zero after the last step). The weights are shared by all time steps.

    Inputs:
    - dh: upstream gradients of the loss with respect to every hidden state h_1 .. h_T (not including
      what flows between time steps), shape (N, T, H)
    - cache: the cache returned by gru_forward

    Returns a tuple of:
    - dx: gradient with respect to the inputs x, shape (N, T, D)
    - dh0: gradient with respect to the initial hidden state h0, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, 3H)
    - dWh: gradient with respect to Wh, shape (H, 3H)
    - db: gradient with respect to b, shape (3H,)
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    step_caches, (N, T, D, H) = cache
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dWx = np.zeros((D, 3 * H))
    dWh = np.zeros((H, 3 * H))
    db = np.zeros(3 * H)
    for t in reversed(range(T)):
        dx_t, dh0, dWx_t, dWh_t, db_t = gru_step_backward(dh[:, t, :] + dh0, step_caches[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh0, dWx, dWh, db
