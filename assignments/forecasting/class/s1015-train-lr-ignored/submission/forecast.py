"""Forecasting a series with a recurrent network: scaling, the forecaster (a recurrent layer with an
affine head), sequence-to-sequence outputs, recursive multi-step forecasts, initialisation and training.

Dimensions, used in every docstring below:
    N: batch size (number of windows), T: length of a series, W: window length (time steps of one
    input), F: features per time step, H: hidden size, M: outputs per prediction, G: gate blocks of
    the cell (1 for "rnn", 4 for "lstm", 3 for "gru").

A model's parameters are a dict with exactly the keys

    "Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,)   the recurrent layer (the provided rnn.py, lstm.py, gru.py)
    "W_out" (H, M), "b_out" (M,)               the affine head

and `cell` names the recurrent layer: "rnn" (vanilla tanh RNN: activation "tanh", alpha 0), "lstm" or
"gru". Every sequence starts from h0 = 0 (and c0 = 0 for the LSTM). With h (N, W, H) the hidden states,

    forecaster:  Y = h[:, -1] W_out + b_out      (N, M)       the next value (M = 1) or the next M values
    seq2seq:     Y = h W_out + b_out             (N, W, M)    at every step, the next M values

Every forward function returns its outputs and a `cache`; only the matching backward function reads the
cache, and it may be called several times with the same cache. No function modifies its arguments.
numpy only; all arrays are float64, scalars are Python floats.
"""

import numbers

import numpy as np

from gru import gru_backward, gru_forward
from layers import affine_backward, affine_forward, mse_loss
from lstm import lstm_backward, lstm_forward
from optim import adam_init, adam_step, clip_grad_norm
from rnn import rnn_backward, rnn_forward

#: The known cells and their number of gate blocks G (the recurrent weights are H wide per block).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}

#: The keys of a model's parameter dict.
PARAM_NAMES = ("Wx", "Wh", "b", "W_out", "b_out")


# --- provided helpers (not graded) ---------------------------------------------------------------


def _check_shapes(func, *specs):
    """Raise a ValueError naming `func` and the first argument whose shape does not fit.

    Each spec is (argument name, array, dims), dims a tuple such as ("N", "W", "F") or ("H", "4H").
    A letter takes its size from the first array that uses it; later arrays must agree with it
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


def _check_cell(func, cell):
    if not isinstance(cell, str) or cell not in GATES:
        raise ValueError(f"{func}: cell must be one of 'rnn', 'lstm', 'gru', got {cell!r}")


def _check_positive_int(func, name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{func}: {name} must be a positive integer, got {value!r}")


def _check_model(func, params, X, cell):
    """Validate cell, the parameter dict's keys and every shape against X (N, W, F) with W >= 1."""
    _check_cell(func, cell)
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{func}: params should be a dict with keys {sorted(PARAM_NAMES)}, got {got}")
    gh = "H" if GATES[cell] == 1 else f"{GATES[cell]}H"
    _check_shapes(
        func,
        ("X", X, ("N", "W", "F")),
        ("Wh", params["Wh"], ("H", gh)),
        ("Wx", params["Wx"], ("F", gh)),
        ("b", params["b"], (gh,)),
        ("W_out", params["W_out"], ("H", "M")),
        ("b_out", params["b_out"], ("M",)),
    )
    if np.shape(X)[1] < 1:
        raise ValueError(f"{func}: X should hold at least one time step, got shape {np.shape(X)}")


# --- scaling ---------------------------------------------------------------------------------------


def standardize(series, n_train):
    """Standardise a series by the mean and standard deviation of its training part only.

        mean   = mean(series[:n_train])               per feature
        std    = std(series[:n_train])                population (ddof 0), per feature
        scaled = (series - mean) / std                the whole series, test part included

    Using the first n_train values only keeps the held-out end of the series out of the scaling.

    Inputs:
    - series: the series, shape (T,) or (T, F); float or integer. Not modified.
    - n_train: length of the training part, an integer with 2 <= n_train <= T

    Returns a tuple of:
    - scaled: the standardised series, float64, shape of series
    - mean: a Python float for a (T,) series, else float64 shape (F,)
    - std: a Python float for a (T,) series, else float64 shape (F,)

    Raises ValueError when the series is not 1-D or 2-D, when n_train is not an integer with
    2 <= n_train <= T, or when the training part is constant (in some feature), whose std is 0.
    """
    series = np.asarray(series, dtype=np.float64)
    if series.ndim not in (1, 2):
        raise ValueError(f"standardize: series must be 1-D (T,) or 2-D (T, F), got shape {series.shape}")
    T = series.shape[0]
    if (isinstance(n_train, (bool, np.bool_)) or not isinstance(n_train, (int, np.integer))
            or not 2 <= n_train <= T):
        raise ValueError(
            f"standardize: n_train must be an integer with 2 <= n_train <= T = {T}, got {n_train!r}"
        )
    if np.any(np.ptp(series[:n_train], axis=0) == 0):
        raise ValueError(
            "standardize: the training part series[:n_train] is constant (std 0), cannot scale by it"
        )
    scaled, mean, std = None, None, None
    train = series[:n_train]
    mean = train.mean(axis=0)
    std = train.std(axis=0)  # ddof 0
    scaled = (series - mean) / std
    if series.ndim == 1:
        mean, std = float(mean), float(std)
    return scaled, mean, std


def unstandardize(scaled, mean, std):
    """Undo standardize: scaled * std + mean.

    Inputs:
    - scaled: standardised values, any shape whose last axis is F for a (T, F) series (e.g. (T,),
      (N, M) or (T, F))
    - mean, std: as returned by standardize (floats, or shape (F,))

    Returns:
    - values: in the series' original units, float64, shape of scaled
    """
    values = None
    values = np.asarray(scaled, dtype=np.float64) * std + mean
    return values


# --- the forecaster ------------------------------------------------------------------------------


def forecaster_forward(params, X, cell):
    """A recurrent layer over each window, then an affine head on its last hidden state.

        h = recurrent layer of `cell` over X from h0 = 0     (N, W, H)
        Y = h[:, -1] W_out + b_out                           (N, M)

    Inputs:
    - params: dict with keys "Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,), "W_out" (H, M), "b_out" (M,)
    - X: input windows, shape (N, W, F), W >= 1
    - cell: "rnn", "lstm" or "gru"

    Returns a tuple of:
    - Y: predictions, shape (N, M)
    - cache: values needed by forecaster_backward (opaque)
    """
    _check_model("forecaster_forward", params, X, cell)
    Y, cache = None, None
    Wx, Wh, b = params["Wx"], params["Wh"], params["b"]
    h0 = np.zeros((X.shape[0], Wh.shape[0]))
    if cell == "rnn":
        h, rec_cache = rnn_forward(X, h0, Wx, Wh, b, activation="tanh", alpha=0.0)
    elif cell == "lstm":
        h, rec_cache = lstm_forward(X, h0, Wx, Wh, b)
    else:
        h, rec_cache = gru_forward(X, h0, Wx, Wh, b)
    Y, head_cache = affine_forward(h[:, -1, :], params["W_out"], params["b_out"])
    cache = (cell, h.shape, rec_cache, head_cache)
    return Y, cache


def forecaster_backward(dY, cache):
    """Backward pass of forecaster_forward: the head's gradient enters at the last hidden state only.

    Inputs:
    - dY: upstream gradient with respect to Y, shape (N, M)
    - cache: the cache returned by forecaster_forward

    Returns:
    - grads: a new dict with the keys of params, each gradient of its parameter's shape:
      "Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,), "W_out" (H, M), "b_out" (M,)
    """
    grads = None
    cell, h_shape, rec_cache, head_cache = cache
    dlast, dW_out, db_out = affine_backward(dY, head_cache)
    dh = np.zeros(h_shape)
    dh[:, -1, :] = dlast
    recurrent_backward = {"rnn": rnn_backward, "lstm": lstm_backward, "gru": gru_backward}[cell]
    _, _, dWx, dWh, db = recurrent_backward(dh, rec_cache)
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "W_out": dW_out, "b_out": db_out}
    return grads


def seq2seq_forward(params, X, cell):
    """A recurrent layer over each window, then the affine head on every hidden state.

        h = recurrent layer of `cell` over X from h0 = 0     (N, W, H)
        Y = h W_out + b_out                                  (N, W, M)

    Y[:, t] predicts the M values after step t (the targets of make_seq2seq_windows).

    Inputs:
    - params: dict with keys "Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,), "W_out" (H, M), "b_out" (M,)
    - X: input windows, shape (N, W, F), W >= 1
    - cell: "rnn", "lstm" or "gru"

    Returns a tuple of:
    - Y: predictions at every step, shape (N, W, M)
    - cache: values needed by seq2seq_backward (opaque)
    """
    _check_model("seq2seq_forward", params, X, cell)
    Y, cache = None, None
    Wx, Wh, b = params["Wx"], params["Wh"], params["b"]
    h0 = np.zeros((X.shape[0], Wh.shape[0]))
    if cell == "rnn":
        h, rec_cache = rnn_forward(X, h0, Wx, Wh, b, activation="tanh", alpha=0.0)
    elif cell == "lstm":
        h, rec_cache = lstm_forward(X, h0, Wx, Wh, b)
    else:
        h, rec_cache = gru_forward(X, h0, Wx, Wh, b)
    Y, head_cache = affine_forward(h, params["W_out"], params["b_out"])
    cache = (cell, rec_cache, head_cache)
    return Y, cache


def seq2seq_backward(dY, cache):
    """Backward pass of seq2seq_forward: the head's gradient enters at every hidden state.

    Inputs:
    - dY: upstream gradient with respect to Y, shape (N, W, M)
    - cache: the cache returned by seq2seq_forward

    Returns:
    - grads: a new dict with the keys of params, each gradient of its parameter's shape:
      "Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,), "W_out" (H, M), "b_out" (M,)
    """
    grads = None
    cell, rec_cache, head_cache = cache
    dh, dW_out, db_out = affine_backward(dY, head_cache)
    recurrent_backward = {"rnn": rnn_backward, "lstm": lstm_backward, "gru": gru_backward}[cell]
    _, _, dWx, dWh, db = recurrent_backward(dh, rec_cache)
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "W_out": dW_out, "b_out": db_out}
    return grads


def forecast_recursive(params, history, steps, cell):
    """Forecast several steps ahead with a next-value model (option 1 of the lecture).

    With W = len(history): predict the next value from the last W values, append the prediction to
    them, and repeat, `steps` times. Predictions later than the first use earlier predictions.

    Inputs:
    - params: a next-value model of one feature (F = 1, M = 1): "Wx" (1, G*H), "W_out" (H, 1), ...
    - history: the last W observed values, shape (W,), W >= 1. Not modified.
    - steps: number of values to forecast, a positive integer
    - cell: "rnn", "lstm" or "gru"

    Returns:
    - yhat: the forecasts, float64, shape (steps,)
    """
    history = np.asarray(history, dtype=np.float64)
    if history.ndim != 1 or history.shape[0] < 1:
        raise ValueError(
            f"forecast_recursive: history must be a non-empty 1-D array (W,), got shape {history.shape}"
        )
    _check_positive_int("forecast_recursive", "steps", steps)
    _check_model("forecast_recursive", params, history.reshape(1, -1, 1), cell)
    if params["Wx"].shape[0] != 1 or params["W_out"].shape[1] != 1:
        raise ValueError(
            "forecast_recursive: params must be a next-value model of one feature (F = 1, M = 1), "
            f"got Wx {params['Wx'].shape} and W_out {params['W_out'].shape}"
        )
    yhat = None
    W = history.shape[0]
    values = np.concatenate([history, np.zeros(steps)])  # observed, then the forecasts as they come
    for k in range(steps):
        window = values[k : k + W].reshape(1, W, 1)
        Y, _ = forecaster_forward(params, window, cell)
        values[W + k] = Y[0, 0]
    yhat = values[W:]
    return yhat


# --- initialisation and training -----------------------------------------------------------------


def init_forecaster(F, H, M, cell, seed):
    """Random initial parameters, as torch initialises nn.RNN / nn.LSTM / nn.GRU and nn.Linear's
    uniform range: every entry (biases included) uniform in [-1/sqrt(H), 1/sqrt(H)].

    One generator rng = np.random.default_rng(seed) draws, in this order,
        Wx (F, G*H), Wh (H, G*H), b (G*H,), W_out (H, M), b_out (M,)
    each with rng.uniform(-1/sqrt(H), 1/sqrt(H), shape), so the same seed gives the same parameters.

    Inputs:
    - F: features per time step, H: hidden size, M: outputs; positive integers
    - cell: "rnn" (G = 1), "lstm" (G = 4) or "gru" (G = 3)
    - seed: the seed of np.random.default_rng (an integer)

    Returns:
    - params: dict with keys "Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,), "W_out" (H, M), "b_out" (M,)
    """
    for name, value in (("F", F), ("H", H), ("M", M)):
        _check_positive_int("init_forecaster", name, value)
    _check_cell("init_forecaster", cell)
    params = None
    G = GATES[cell]
    rng = np.random.default_rng(seed)
    bound = 1.0 / np.sqrt(H)
    params = {}
    shapes = {"Wx": (F, G * H), "Wh": (H, G * H), "b": (G * H,), "W_out": (H, M), "b_out": (M,)}
    for name, shape in shapes.items():  # the documented order
        params[name] = rng.uniform(-bound, bound, size=shape)
    return params


def train_forecaster(X, Y, H, cell="gru", epochs=30, batch_size=32, lr=1e-2, max_norm=1.0, seed=0):
    """Train a forecaster by minibatch Adam on the mean squared error, gradients clipped.

    Y (N, M) trains forecaster_forward / forecaster_backward (one prediction per window);
    Y (N, W, M) trains seq2seq_forward / seq2seq_backward (a prediction at every step).

        params = init_forecaster(F, H, M, cell, seed);  state = adam_init(params)
        rng = np.random.default_rng(seed)                       (for the batch order only)
        for each epoch:
            order = rng.permutation(N)
            for each batch idx = order[k : k + batch_size], k = 0, batch_size, 2 * batch_size, ...:
                forward on X[idx];  loss, dpred = mse_loss(pred, Y[idx]);  grads = backward(dpred)
                grads, _ = clip_grad_norm(grads, max_norm)
                params, state = adam_step(params, grads, state, lr)
            losses[epoch] = mean of the epoch's batch losses (each batch counts once; the last
                            batch may be smaller)

    Inputs:
    - X: input windows, shape (N, W, F), N >= 1, W >= 1
    - Y: targets, shape (N, M) or (N, W, M)
    - H: hidden size, a positive integer
    - cell: "rnn", "lstm" or "gru"
    - epochs, batch_size: positive integers
    - lr: Adam's learning rate, max_norm: the clipping norm; positive numbers
    - seed: seeds both the initial parameters and the batch order (an integer)

    Returns a tuple of:
    - params: the trained parameters, a dict as init_forecaster returns
    - losses: the mean training loss of every epoch, float64, shape (epochs,)

    The same arguments always give the same result.
    """
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    if X.ndim != 3 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"train_forecaster: X should have shape (N, W, F) with N, W >= 1, got {X.shape}")
    if Y.ndim not in (2, 3) or Y.shape[0] != X.shape[0] or (Y.ndim == 3 and Y.shape[1] != X.shape[1]):
        N, W = X.shape[:2]
        raise ValueError(
            f"train_forecaster: Y should have shape (N, M) = ({N}, M) or (N, W, M) = ({N}, {W}, M), "
            f"got {Y.shape}"
        )
    for name, value in (("H", H), ("epochs", epochs), ("batch_size", batch_size)):
        _check_positive_int("train_forecaster", name, value)
    _check_cell("train_forecaster", cell)
    for name, value in (("lr", lr), ("max_norm", max_norm)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not value > 0:
            raise ValueError(f"train_forecaster: {name} must be a positive number, got {value!r}")
    params, losses = None, None
    N, F, M = X.shape[0], X.shape[2], Y.shape[-1]
    if Y.ndim == 2:
        forward, backward = forecaster_forward, forecaster_backward
    else:
        forward, backward = seq2seq_forward, seq2seq_backward
    params = init_forecaster(F, H, M, cell, seed)
    state = adam_init(params)
    rng = np.random.default_rng(seed)
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        order = rng.permutation(N)
        batch_losses = []
        for start in range(0, N, batch_size):
            idx = order[start : start + batch_size]
            pred, cache = forward(params, X[idx], cell)
            loss, dpred = mse_loss(pred, Y[idx])
            grads, _ = clip_grad_norm(backward(dpred, cache), max_norm)
            params, state = adam_step(params, grads, state, 1e-4)
            batch_losses.append(loss)
        losses[epoch] = np.mean(batch_losses)
    return params, losses
