"""Building blocks of a trainable forecaster: an affine layer, layer normalisation, the layer-normalised
RNN and the mean squared error loss. Forward and backward passes.

Dimensions, used in every docstring below:
    N: batch size, T: number of time steps, D: input size, H: hidden size (features normalised by
    layer norm), M: outputs. "..." stands for any number of leading axes (none, one or more).

Row-vector, batch-first convention (as in the lecture): a batch is a matrix with one example per row,
an affine layer is out = x W + b, and one step of the layer-normalised RNN (Geron's LNSimpleRNNCell) is

    a_t = x_t Wx + h_{t-1} Wh + b                                 (N, H)
    h_t = tanh(layer_norm(a_t, gamma, beta))  with eps = 1e-5     (N, H)

Layer normalisation works over the last axis (the features of one example at one step), as
torch.nn.LayerNorm does:

    mu  = mean(x),  var = mean((x - mu)**2)  (biased),  out = gamma * (x - mu) / sqrt(var + eps) + beta

Every forward function returns its outputs and a `cache`; only the matching backward function reads the
cache, and it may be called several times with the same cache. No function modifies its arguments.
numpy only; all arrays are float64, scalars are Python floats.
"""

import numpy as np

#: eps of the layer norm inside ln_rnn_forward (SPEC: as torch.nn.LayerNorm's default).
LN_RNN_EPS = 1e-5


def _check_shapes(func, *specs):
    """Raise a ValueError naming `func` and the first argument whose shape does not fit.

    Each spec is (argument name, array, dims), dims a tuple such as ("N", "D") or ("...", "D"). A
    letter takes its size from the first array that uses it; later arrays must agree with it. A
    leading "..." matches any number of leading axes (including none).
    """
    sizes = {}

    def expected(dim):
        return sizes.get(dim, dim)

    for name, array, dims in specs:
        shape = np.shape(array)
        fixed = dims[1:] if dims[:1] == ("...",) else dims
        ok = len(shape) == len(fixed) or (len(fixed) < len(dims) and len(shape) >= len(fixed))
        tail = shape[len(shape) - len(fixed):] if ok else ()
        for dim, size in zip(fixed, tail):
            sizes.setdefault(dim, size)
            ok = ok and expected(dim) == size
        if not ok:
            wanted = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
            values = tuple(expected(dim) for dim in dims)
            if any(isinstance(v, int) for v in values):
                wanted += " = (" + ", ".join(map(str, values)) + ("," if len(dims) == 1 else "") + ")"
            raise ValueError(f"{func}: {name} should have shape {wanted}, got {shape}")


def affine_forward(x, W, b):
    """An affine (fully connected) layer applied to the last axis of x.

        out = x W + b

    Inputs:
    - x: inputs, shape (..., D): any number of leading axes, e.g. (N, D) or (N, T, D)
    - W: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: outputs, shape (..., M), the leading axes of x
    - cache: values needed by affine_backward (opaque)
    """
    _check_shapes("affine_forward", ("x", x, ("...", "D")), ("W", W, ("D", "M")), ("b", b, ("M",)))
    out, cache = None, None
    out = x @ W + b
    cache = (x, W)
    return out, cache


def affine_backward(dout, cache):
    """Backward pass of affine_forward.

    Every leading position of x used the same W and b, so their gradients sum over all leading axes.

    Inputs:
    - dout: upstream gradient with respect to out, shape (..., M)
    - cache: the cache returned by affine_forward

    Returns a tuple of:
    - dx: gradient with respect to x, shape (..., D)
    - dW: gradient with respect to W, shape (D, M)
    - db: gradient with respect to b, shape (M,)
    """
    dx, dW, db = None, None, None
    x, W = cache
    D, M = W.shape
    dx = dout @ W.T
    x_rows = x.reshape(-1, D)  # every leading position as one row, (P, D)
    dout_rows = dout.reshape(-1, M)  # (P, M)
    dW = x_rows.T @ dout_rows
    db = dout_rows.sum(axis=0)
    return dx, dW, db


def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Layer normalisation over the last axis (as torch.nn.LayerNorm(H, eps)).

        mu   = mean(x, last axis)                 (..., 1)
        var  = mean((x - mu)**2, last axis)       (..., 1), biased (divides by H)
        xhat = (x - mu) / sqrt(var + eps)         (..., H)
        out  = gamma * xhat + beta                (..., H)

    Inputs:
    - x: inputs, shape (..., H): any number of leading axes
    - gamma: scale, shape (H,)
    - beta: shift, shape (H,)
    - eps: a small positive float added to the variance

    Returns a tuple of:
    - out: normalised, scaled and shifted x, shape (..., H)
    - cache: values needed by layer_norm_backward (opaque)
    """
    _check_shapes(
        "layer_norm_forward", ("x", x, ("...", "H")), ("gamma", gamma, ("H",)), ("beta", beta, ("H",))
    )
    out, cache = None, None
    mu = x.mean(axis=-1, keepdims=True)
    centred = x - mu
    var = (centred**2).mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)  # (..., 1)
    xhat = centred * inv_std
    out = gamma * xhat + beta
    cache = (xhat, inv_std, gamma)
    return out, cache


def layer_norm_backward(dout, cache):
    """Backward pass of layer_norm_forward.

    With g = dout * gamma and s = sqrt(var + eps), the gradient with respect to x is, per row,

        dx = (g - mean(g) - xhat * mean(g * xhat)) / s

    (means over the last axis); gamma and beta are shared by every row, so their gradients sum over
    all leading axes.

    Inputs:
    - dout: upstream gradient with respect to out, shape (..., H)
    - cache: the cache returned by layer_norm_forward

    Returns a tuple of:
    - dx: gradient with respect to x, shape (..., H)
    - dgamma: gradient with respect to gamma, shape (H,)
    - dbeta: gradient with respect to beta, shape (H,)
    """
    dx, dgamma, dbeta = None, None, None
    xhat, inv_std, gamma = cache
    H = gamma.shape[0]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    dgamma = (dout * xhat).reshape(-1, H).sum(axis=0)
    dbeta = dout.reshape(-1, H).sum(axis=0)
    return dx, dgamma, dbeta


def ln_rnn_forward(x, h0, Wx, Wh, b, gamma, beta):
    """Run the layer-normalised RNN (Geron's LNSimpleRNNCell) over a whole sequence.

        a_t = x_t Wx + h_{t-1} Wh + b
        h_t = tanh(layer_norm(a_t, gamma, beta, eps=1e-5))     for t = 1..T, starting from h0

    Inputs:
    - x: input sequence, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)
    - gamma: layer-norm scale, shape (H,)
    - beta: layer-norm shift, shape (H,)

    Returns a tuple of:
    - h: hidden states at every time step (h_1 .. h_T; h0 not included), shape (N, T, H)
    - cache: values needed by ln_rnn_backward (opaque)
    """
    _check_shapes(
        "ln_rnn_forward",
        ("x", x, ("N", "T", "D")),
        ("h0", h0, ("N", "H")),
        ("Wx", Wx, ("D", "H")),
        ("Wh", Wh, ("H", "H")),
        ("b", b, ("H",)),
        ("gamma", gamma, ("H",)),
        ("beta", beta, ("H",)),
    )
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    step_caches = []
    prev_h = h0
    for t in range(T):
        a = x[:, t, :] @ Wx + prev_h @ Wh + b
        normed, ln_cache = layer_norm_forward(a, gamma, beta, LN_RNN_EPS)
        next_h = np.tanh(normed)
        step_caches.append((x[:, t, :], prev_h, next_h, ln_cache))
        h[:, t, :] = next_h
        prev_h = next_h
    cache = (step_caches, Wx, Wh, (N, T, D, H))
    return h, cache


def ln_rnn_backward(dh, cache):
    """Backpropagation through time for the layer-normalised RNN.

    Going backwards from t = T to 1, the gradient reaching h_t is dh[:, t] plus the gradient flowing
    back from step t + 1 (zero after the last step). All weights, gamma and beta are shared by every
    time step.

    Inputs:
    - dh: upstream gradients of the loss with respect to every hidden state h_1 .. h_T (not including
      what flows between time steps), shape (N, T, H)
    - cache: the cache returned by ln_rnn_forward

    Returns a tuple of:
    - dx: gradient with respect to x, shape (N, T, D)
    - dh0: gradient with respect to h0, shape (N, H)
    - dWx: gradient with respect to Wx, shape (D, H)
    - dWh: gradient with respect to Wh, shape (H, H)
    - db: gradient with respect to b, shape (H,)
    - dgamma: gradient with respect to gamma, shape (H,)
    - dbeta: gradient with respect to beta, shape (H,)
    """
    dx, dh0, dWx, dWh, db, dgamma, dbeta = None, None, None, None, None, None, None
    step_caches, Wx, Wh, (N, T, D, H) = cache
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))  # the gradient flowing back into h_{t-1}; after the loop, into h0
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dgamma = np.zeros(H)
    dbeta = np.zeros(H)
    for t in reversed(range(T)):
        x_t, prev_h, next_h, ln_cache = step_caches[t]
        dnormed = (dh[:, t, :] + dh0) * (1.0 - next_h**2)
        da, dgamma_t, dbeta_t = layer_norm_backward(dnormed, ln_cache)
        dx[:, t, :] = da @ Wx.T
        dh0 = da @ Wh.T
        dWx += x_t.T @ da
        dWh += prev_h.T @ da
        db += da.sum(axis=0)
        dgamma += dgamma_t
        dbeta += dbeta_t
    return dx, dh0, dWx, dWh, db, dgamma, dbeta


def mse_loss(pred, target):
    """Mean squared error over every entry, and its gradient.

        loss  = mean((pred - target)**2)
        dpred = 2 * (pred - target) / pred.size

    Inputs:
    - pred: predictions, any shape, e.g. (N, M) or (N, T, M)
    - target: targets, the shape of pred; a different shape raises ValueError

    Returns a tuple of:
    - loss: the mean squared error, a Python float
    - dpred: gradient of loss with respect to pred, shape of pred
    """
    if np.shape(pred) != np.shape(target):
        raise ValueError(
            f"mse_loss: target should have the shape of pred {np.shape(pred)}, got {np.shape(target)}"
        )
    loss, dpred = None, None
    diff = pred - target
    loss = float(np.mean(diff**2))
    dpred = diff / diff.size
    return loss, dpred
