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
        e_val = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e_val), e_val / (1.0 + e_val))


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
    next_h_val, next_c_val, saved = None, None, None
    hidden = prev_h.shape[1]
    pre = x @ Wx + prev_h @ Wh + b
    next_c_val = sigmoid(pre[:, hidden : 2 * hidden]) * prev_c + sigmoid(pre[:, :hidden]) * np.tanh(pre[:, 2 * hidden : 3 * hidden])
    next_h_val = sigmoid(pre[:, 3 * hidden :]) * np.tanh(next_c_val)
    saved = (x, prev_h, prev_c, Wx, Wh, b)
    return next_h_val, next_c_val, saved


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
    grad_x, dprev_h_val, dprev_c_val, grad_Wx, grad_Wh, grad_b = None, None, None, None, None, None
    x_val, prev_h_val, prev_c_val, Wx_val, Wh_val, b_val = cache
    hidden = prev_h_val.shape[1]
    pre = x_val @ Wx_val + prev_h_val @ Wh_val + b_val
    k, f_val, g_val, o_val = sigmoid(pre[:, :hidden]), sigmoid(pre[:, hidden : 2 * hidden]), np.tanh(pre[:, 2 * hidden : 3 * hidden]), sigmoid(pre[:, 3 * hidden :])
    tanh_c_val = np.tanh(f_val * prev_c_val + k * g_val)
    dc_val = dnext_c + dnext_h * o_val * (1.0 - tanh_c_val**2)
    dpre = np.concatenate([dc_val * g_val * k * (1.0 - k), dc_val * prev_c_val * f_val * (1.0 - f_val), dc_val * k * (1.0 - g_val**2),
                         dnext_h * tanh_c_val * o_val * (1.0 - o_val)], axis=1)
    grad_x = dpre @ Wx_val.T
    dprev_h_val = dpre @ Wh_val.T
    dprev_c_val = dc_val * f_val
    grad_Wx = x_val.T @ dpre
    grad_Wh = prev_h_val.T @ dpre
    grad_b = dpre.sum(axis=0)
    return grad_x, dprev_h_val, dprev_c_val, grad_Wx, grad_Wh, grad_b


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
    states, saved = None, None
    count, length, dim2 = x.shape
    states = np.zeros((count, length, h0.shape[1]))
    prev_h_val, prev_c_val = h0, np.zeros_like(h0)
    for step in range(length):
        prev_h_val, prev_c_val, _ = lstm_step_forward(x[:, step, :], prev_h_val, prev_c_val, Wx, Wh, b)
        states[:, step, :] = prev_h_val
    saved = (x, h0, Wx, Wh, b)
    return states, saved


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
    grad_x, grad_h0, grad_Wx, grad_Wh, grad_b = None, None, None, None, None
    x_val, h0_val, Wx_val, Wh_val, b_val = cache
    count, length, dim2 = x_val.shape
    steps_val = []
    prev_h_val, prev_c_val = h0_val, np.zeros_like(h0_val)
    for step in range(length):
        prev_h_val, prev_c_val, step_cache_val = lstm_step_forward(x_val[:, step, :], prev_h_val, prev_c_val, Wx_val, Wh_val, b_val)
        steps_val.append(step_cache_val)
    grad_x = np.zeros_like(x_val)
    grad_Wx, grad_Wh, grad_b = np.zeros_like(Wx_val), np.zeros_like(Wh_val), np.zeros_like(b_val)
    grad_h0, dc_val = np.zeros_like(h0_val), np.zeros_like(h0_val)
    for step in range(length - 1, -1, -1):
        grad_x[:, step, :], grad_h0, dc_val, dWx_t_val, dWh_t_val, db_t_val = lstm_step_backward(dh[:, step, :] + grad_h0, dc_val, steps_val[step])
        grad_Wx, grad_Wh, grad_b = grad_Wx + dWx_t_val, grad_Wh + dWh_t_val, grad_b + db_t_val
    return grad_x, grad_h0, grad_Wx, grad_Wh, grad_b
