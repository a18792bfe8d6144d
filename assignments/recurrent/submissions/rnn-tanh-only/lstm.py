"""Long short-term memory (LSTM) layer: forward and backward passes, one step and a whole sequence.

Dimensions, used in every docstring below:
    N: batch size, T: number of time steps, D: input size, H: hidden size.

Row-vector, batch-first convention (as in the lecture). One step of the layer is

    a      = x_t Wx + h_{t-1} Wh + b                                   (N, 4H)
    split a into four H-wide blocks, in the order i, f, g, o (as Keras and PyTorch lay them out):
    i = sigmoid(a[:, 0:H])     input gate
    f = sigmoid(a[:, H:2H])    forget gate
    g = tanh(a[:, 2H:3H])      candidate cell state
    o = sigmoid(a[:, 3H:4H])   output gate
    c_t    = f * c_{t-1} + i * g
    h_t    = o * tanh(c_t)

with sigmoid(a) = 1 / (1 + exp(-a)). A whole sequence starts from the given h0 and c0 = 0.

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


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Run one time step of an LSTM.

        a = x Wx + prev_h Wh + b, split into H-wide blocks a_i, a_f, a_g, a_o
        i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o);  g = tanh(a_g)
        next_c = f * prev_c + i * g
        next_h = o * tanh(next_c)

    Inputs:
    - x: input at this time step, shape (N, D)
    - prev_h: hidden state of the previous time step, shape (N, H)
    - prev_c: cell state of the previous time step, shape (N, H)
    - Wx: input-to-hidden weights, gate blocks i, f, g, o side by side, shape (D, 4H)
    - Wh: hidden-to-hidden weights, same block layout, shape (H, 4H)
    - b: biases, same block layout, shape (4H,)

    Returns a tuple of:
    - next_h: next hidden state, shape (N, H)
    - next_c: next cell state, shape (N, H)
    - cache: values needed by lstm_step_backward (opaque)
    """
    _check_shapes(
        "lstm_step_forward",
        ("x", x, ("N", "D")),
        ("prev_h", prev_h, ("N", "H")),
        ("prev_c", prev_c, ("N", "H")),
        ("Wx", Wx, ("D", "4H")),
        ("Wh", Wh, ("H", "4H")),
        ("b", b, ("4H",)),
    )
    next_h, next_c, cache = None, None, None
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = sigmoid(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one LSTM time step (see lstm_step_forward for the equations).

    next_c reaches the loss twice: directly (dnext_c) and through next_h = o * tanh(next_c).

    Inputs:
    - dnext_h: upstream gradient with respect to next_h, shape (N, H)
    - dnext_c: upstream gradient with respect to next_c, shape (N, H)
    - cache: the cache returned by lstm_step_forward

    Returns a tuple of:
    - dx: gradient with respect to x, shape (N, D)
    - dprev_h: gradient with respect to prev_h, shape (N, H)
    - dprev_c: gradient with respect to prev_c, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, 4H)
    - dWh: gradient with respect to Wh, shape (H, 4H)
    - db: gradient with respect to b, shape (4H,)
    """
    dx, dprev_h, dprev_c, dWx, dWh, db = None, None, None, None, None, None
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c = cache
    dc = dnext_c + dnext_h * o * (1.0 - tanh_c**2)
    da = np.concatenate(
        [
            dc * g * i * (1.0 - i),
            dc * prev_c * f * (1.0 - f),
            dc * i * (1.0 - g**2),
            dnext_h * tanh_c * o * (1.0 - o),
        ],
        axis=1,
    )
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dprev_c = dc * f
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """Run an LSTM over a whole sequence, calling lstm_step_forward at each time step.

        h_0 = h0,  c_0 = 0,  (h_t, c_t) = lstm_step_forward(x_t, h_{t-1}, c_{t-1}, Wx, Wh, b)  for t = 1..T

    Inputs:
    - x: input sequence, shape (N, T, D)
    - h0: initial hidden state, shape (N, H); the initial cell state is zero
    - Wx: input-to-hidden weights, gate blocks i, f, g, o, shape (D, 4H)
    - Wh: hidden-to-hidden weights, shape (H, 4H)
    - b: biases, shape (4H,)

    Returns a tuple of:
    - h: hidden states at every time step (h_1 .. h_T; h0 not included), shape (N, T, H)
    - cache: values needed by lstm_backward (opaque)
    """
    _check_shapes(
        "lstm_forward",
        ("x", x, ("N", "T", "D")),
        ("h0", h0, ("N", "H")),
        ("Wx", Wx, ("D", "4H")),
        ("Wh", Wh, ("H", "4H")),
        ("b", b, ("4H",)),
    )
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    step_caches = []
    prev_h, prev_c = h0, np.zeros((N, H))
    for t in range(T):
        prev_h, prev_c, step_cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        step_caches.append(step_cache)
    cache = (step_caches, (N, T, D, H))
    return h, cache


def lstm_backward(dh, cache):
    """Backpropagation through time for a whole LSTM sequence, calling lstm_step_backward at each step.

    Going backwards from t = T to 1, the gradient reaching h_t is dh[:, t] plus the gradient flowing
    back from step t + 1; the gradient reaching c_t is the one flowing back from step t + 1 (zero
    after the last step). The weights are shared by all time steps. c0 is the constant 0, so there is
    no gradient for it.

    Inputs:
    - dh: upstream gradients of the loss with respect to every hidden state h_1 .. h_T (not including
      what flows between time steps), shape (N, T, H)
    - cache: the cache returned by lstm_forward

    Returns a tuple of:
    - dx: gradient with respect to the inputs x, shape (N, T, D)
    - dh0: gradient with respect to the initial hidden state h0, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, 4H)
    - dWh: gradient with respect to Wh, shape (H, 4H)
    - db: gradient with respect to b, shape (4H,)
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    step_caches, (N, T, D, H) = cache
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dc = np.zeros((N, H))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    for t in reversed(range(T)):
        dx_t, dh0, dc, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dh0, dc, step_caches[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh0, dWx, dWh, db
