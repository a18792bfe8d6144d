"""Source of the `forecasting` handout notebook (percent format; `make dist` turns it into forecasting.ipynb)."""

# %% [markdown]
# # Forecasting with a recurrent network
#
# COMP 4630, "Recurrent Neural Networks". You have built the recurrent layers (the `recurrent`
# assignment); now you train one on a real series. In this notebook you normalise the yearly sunspot
# numbers, train a recurrent forecaster with Adam and gradient clipping, forecast one and several
# years ahead in the lecture's three ways, and compare with the naive forecast (and with your AR model
# from the `sequences` assignment, if you copy its `arma.py` here). You write the code in `layers.py`,
# `optim.py` and `forecast.py`; this notebook only calls your functions and draws what they do. After
# each part it runs that part's **public checks**, the same ones the grader runs (`README.md` lists
# every function with its equations and shapes).
#
# How the check cells work: `grader.check("layer_norm_forward")` runs the public checks of
# `layer_norm_forward` on your files **as saved on disk**, in a separate process. Save your `.py`
# file, then run the check cell.
#
# Every demo below runs inside `demo(...)`: while a function it needs still raises
# `NotImplementedError`, the demo prints one line saying which function, and the notebook carries on
# (so "Run All" always reaches every check cell). Any other error is a real one and is shown in full.

# %%
try:  # reload your saved .py files before each cell (some IPython versions, e.g. Colab's, cannot)
    get_ipython().run_line_magic("load_ext", "autoreload")
    get_ipython().run_line_magic("autoreload", "2")
except (ImportError, NameError):
    pass
import time

import matplotlib.pyplot as plt
import numpy as np
import otter
from numpy.lib.stride_tricks import sliding_window_view

from autograder.student.notebook import demo

import forecast
import layers
import optim
import rnn  # provided: the recurrent assignment's reference (not graded)

grader = otter.Notebook(tests_dir="tests")
np.set_printoptions(precision=4, suppress=True)


def numeric_grad(f, x, index, eps=1e-6):
    """d f / d x[index] by central differences; f maps an array shaped like x to a number."""
    bump = np.zeros_like(x)
    bump[index] = eps
    return (f(x + bump) - f(x - bump)) / (2 * eps)


year, sunspots = np.loadtxt("data/sunspots.csv", delimiter=",", skiprows=1, unpack=True)
n_train = int(0.8 * len(sunspots))  # 247 years (1700-1946) to train on; 1947-2008 held out
print(f"{len(sunspots)} years, {year[0]:.0f}-{year[-1]:.0f}; the first {n_train} "
      f"({year[0]:.0f}-{year[n_train - 1]:.0f}) to train on")

# %% [markdown]
# ## Part 1: the building blocks of a trainable model
#
# **An affine layer** `out = x W + b` is the forecaster's head. It works on the last axis, whatever
# comes before it: on the last hidden state `(N, H)` of a next-value model, or on every hidden state
# `(N, T, H)` of a seq2seq model. The same `W` and `b` are used at every leading position, so their
# gradients add up over all of them.

# %%
def show_affine():
    x = np.arange(24.0).reshape(2, 3, 4) / 10  # N = 2 sequences, T = 3 steps, D = 4 features
    W, b = np.ones((4, 5)), np.arange(5.0)
    out, cache = layers.affine_forward(x, W, b)
    dx, dW, db = layers.affine_backward(np.ones_like(out), cache)
    print("out", out.shape, " dx", dx.shape, " dW", dW.shape, " db", db.shape)
    print("db =", db, "(each entry: one 1 from each of the 2 * 3 positions)")


demo(show_affine)

# %%
grader.check("affine_forward")

# %%
grader.check("affine_backward")

# %% [markdown]
# **The loss.** We train on the mean squared error over every entry, `mean((pred - target)**2)`.
# Its gradient divides by the number of entries, so the loss (and the gradient) does not grow with
# the batch size or the number of outputs.

# %%
def show_mse():
    loss, dpred = layers.mse_loss(np.array([[1.0], [2.0]]), np.array([[0.0], [4.0]]))
    print("loss =", loss, " dpred =", dpred.ravel())  # (1 + 4) / 2 = 2.5; 2 * [1, -2] / 2


demo(show_mse)

# %%
grader.check("mse_loss")

# %% [markdown]
# **Layer normalisation** (the lecture's remedy for unstable activations in long sequences, "across
# features"): each row, the `H` features of one example at one time step, is shifted to mean 0 and
# scaled to standard deviation 1, then a learned scale `gamma` and shift `beta` are applied per
# feature:
#
# $$\mu = \tfrac1H \textstyle\sum_j x_j, \qquad \sigma^2 = \tfrac1H \sum_j (x_j - \mu)^2, \qquad
# \mathrm{out} = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta$$
#
# Unlike batch normalisation it needs no batch statistics, so it works the same at every time step
# and for a batch of one. Below: rows 1 and 2 differ only by a factor of 100 and come out identical;
# row 4 is constant, and `eps` (inside the square root) keeps it from dividing by zero.

# %%
def show_layer_norm():
    x = np.array([[1.0, 2.0, 3.0, 4.0],
                  [100.0, 200.0, 300.0, 400.0],
                  [-5.0, 0.0, 5.0, 1000.0],
                  [7.0, 7.0, 7.0, 7.0]])
    out, _ = layers.layer_norm_forward(x, np.ones(4), np.zeros(4))
    print(out)
    print("row means:", out.mean(axis=1), " row stds:", out.std(axis=1))


demo(show_layer_norm)

# %% [markdown]
# Check your backward pass against a numerical gradient (as in the `recurrent` notebook): for a
# fixed random `dout`, the gradient of `sum(out * dout)` with respect to `out` is exactly `dout`.

# %%
def check_layer_norm_gradient():
    rng = np.random.default_rng(0)
    x, gamma, beta = rng.normal(size=(2, 5)), rng.normal(size=5), rng.normal(size=5)
    out, cache = layers.layer_norm_forward(x, gamma, beta)
    dout = rng.normal(size=out.shape)
    dx, dgamma, dbeta = layers.layer_norm_backward(dout, cache)
    def loss(x_, gamma_):
        return np.sum(layers.layer_norm_forward(x_, gamma_, beta)[0] * dout)

    numeric_dx = numeric_grad(lambda x_: loss(x_, gamma), x, (0, 1))
    numeric_dg = numeric_grad(lambda gamma_: loss(x, gamma_), gamma, 2)
    print(f"dx[0, 1]:   yours {dx[0, 1]:.8f}, numerical {numeric_dx:.8f}")
    print(f"dgamma[2]:  yours {dgamma[2]:.8f}, numerical {numeric_dg:.8f}")


demo(check_layer_norm_gradient)

# %%
grader.check("layer_norm_forward")

# %%
grader.check("layer_norm_backward")

# %% [markdown]
# ## Part 2: how might we normalise sequence data?
#
# A tanh unit saturates for inputs much larger than 1, and sunspot numbers go up to about 190, so
# the series must be scaled first. `standardize(series, n_train)` subtracts the mean and divides by
# the (population) standard deviation **of the training part only**, then applies that same scaling
# to the whole series; `unstandardize` maps forecasts back to sunspot numbers.
#
# Why the training part only? The held-out years play the role of the future. Statistics of the
# whole series would carry information about them into the training data (**leakage**): here, the
# 20th century was much more active, so the whole-series mean is higher, and the scaled training
# part would already "know" that the future runs above its own average. At forecasting time you
# cannot compute the mean of years you have not seen, so an evaluation that used them is
# optimistic.

# %%
def show_scaling():
    scaled, mean, std = forecast.standardize(sunspots, n_train)
    _, mean_all, std_all = forecast.standardize(sunspots, len(sunspots))  # the leaky version
    print(f"training part only: mean {mean:5.1f}, std {std:5.1f}")
    print(f"whole series:       mean {mean_all:5.1f}, std {std_all:5.1f}  <- uses 1947-2008")
    held_out = scaled[n_train:]
    print(f"held-out years, in training units: mean {held_out.mean():+.2f}, std {held_out.std():.2f}")
    back = forecast.unstandardize(scaled, mean, std)
    print("unstandardize(standardize(y)) == y:", np.allclose(back, sunspots))
    plt.figure(figsize=(9, 3))
    plt.plot(year, sunspots, color="gray", lw=1)
    plt.axvspan(year[n_train], year[-1], color="tab:orange", alpha=0.15, label="held out")
    for m, s, label, color in ((mean, std, "training part", "tab:blue"),
                               (mean_all, std_all, "whole series", "tab:red")):
        plt.axhline(m, color=color, label=f"mean of the {label}")
        plt.axhspan(m - s, m + s, color=color, alpha=0.08)
    plt.ylabel("sunspot number")
    plt.legend(fontsize=8, loc="upper left")
    plt.show()


demo(show_scaling)

# %%
grader.check("standardize")

# %%
grader.check("unstandardize")

# %% [markdown]
# ## Part 3: gradient clipping, gradient descent and Adam
#
# The parameters of a model are a dict such as `{"Wx": ..., "Wh": ..., "b": ..., "W_out": ...,
# "b_out": ...}`, and the gradients a dict with the same keys. `clip_grad_norm` measures the **global**
# norm of all the gradients together and, if it exceeds `max_norm`, scales every array by the same
# factor. The whole gradient keeps its direction (clipping each array on its own would change it),
# only the step gets shorter.

# %%
def show_clipping():
    grads = {"Wx": np.array([[3.0, 0.0]]), "b": np.array([0.0, 4.0])}  # global norm 5
    clipped, norm = optim.clip_grad_norm(grads, max_norm=1.0)
    print("total norm:", norm, " clipped:", clipped)
    print("max_norm 10 leaves them as they are:", optim.clip_grad_norm(grads, max_norm=10.0)[0])


demo(show_clipping)

# %% [markdown]
# Plain gradient descent, `p - lr * g`, takes steps proportional to the gradient: tiny for a parameter
# with a tiny gradient, huge for one with a huge gradient. **Adam** keeps running averages of the
# gradient `m` and of its square `v` and steps by `m / sqrt(v)`: about `lr` per step for every
# parameter, whatever the scale of its gradient. `m` and `v` start at zero, so early on they are
# biased towards zero; Adam divides them by `1 - beta1**t` and `1 - beta2**t` (bias correction). On
# the very first step this makes `m / sqrt(v)` exactly `g / |g|`, a step of `lr` for each parameter:

# %%
def show_first_steps():
    params = {"w": np.ones(3)}
    grads = {"w": np.array([1e-4, 1.0, 1e4])}
    sgd_params = optim.sgd_step(params, grads, lr=0.1)
    state = optim.adam_init(params)
    new_params, new_state = optim.adam_step(params, grads, state, lr=0.1)
    print("gradient:       ", grads["w"])
    print("sgd_step moves: ", sgd_params["w"] - params["w"])
    print("adam_step moves:", new_params["w"] - params["w"], " t =", new_state["t"])
    print("params and state unchanged:", np.all(params["w"] == 1), state["t"] == 0)


demo(show_first_steps)

# %%
grader.check("clip_grad_norm")

# %%
grader.check("sgd_step")

# %%
grader.check("adam_init")

# %%
grader.check("adam_step")

# %% [markdown]
# ## Part 4: the forecaster
#
# A forecaster is a recurrent layer (the provided `rnn.py`, `lstm.py` or `gru.py`, chosen by `cell`)
# run over each input window from `h0 = 0`, then an affine head on its **last** hidden state:
# `Y = h[:, -1] W_out + b_out`, shape `(N, M)`. With `M = 1` it predicts the next value; with `M = n`
# the next `n` values at once. `init_forecaster` draws every parameter uniformly in
# `[-1/sqrt(H), 1/sqrt(H)]`, as PyTorch does, from a seeded generator.

# %%
def show_forecaster():
    for cell in ("rnn", "lstm", "gru"):
        params = forecast.init_forecaster(F=1, H=8, M=3, cell=cell, seed=0)
        largest = max(np.abs(p).max() for p in params.values())
        print(f"{cell:>4}:", {k: v.shape for k, v in params.items()}, f" largest |entry| {largest:.3f}")
    X = np.random.default_rng(1).normal(size=(5, 12, 1))  # N = 5 windows of 12 steps, F = 1
    Y, _ = forecast.forecaster_forward(params, X, "gru")
    print("forecaster_forward:", X.shape, "->", Y.shape)


demo(show_forecaster)

# %% [markdown]
# The backward pass: the head's gradient enters the recurrent layer at the last time step only, and
# the provided `*_backward` carries it back through time. A numerical check of two entries:

# %%
def check_forecaster_gradient():
    rng = np.random.default_rng(2)
    params = forecast.init_forecaster(F=2, H=4, M=3, cell="lstm", seed=3)
    X = rng.normal(size=(3, 6, 2))
    Y, cache = forecast.forecaster_forward(params, X, "lstm")
    dY = rng.normal(size=Y.shape)
    grads = forecast.forecaster_backward(dY, cache)
    for name, index in (("Wh", (1, 5)), ("W_out", (2, 0))):
        def loss(value, name=name):
            return np.sum(forecast.forecaster_forward({**params, name: value}, X, "lstm")[0] * dY)

        numeric = numeric_grad(loss, params[name], index)
        print(f"d{name}{list(index)}: yours {grads[name][index]:.8f}, numerical {numeric:.8f}")


demo(check_forecaster_gradient)

# %%
grader.check("init_forecaster")

# %%
grader.check("forecaster_forward")

# %%
grader.check("forecaster_backward")

# %% [markdown]
# ## Part 5: training on the sunspots
#
# The data, as in the `sequences` assignment: windows of 12 years of the standardised training part,
# each with the year after it as the target (`make_windows(scaled[:n_train], 12)`, built here with
# numpy's `sliding_window_view` so that you do not need your `windowing.py`). The held-out years are
# predicted one at a time, each from the 12 observed years before it, and compared in sunspot numbers
# with the **naive forecast** (this year will be like last year).
#
# `train_forecaster` runs minibatch Adam on the mean squared error, clipping the gradients of every
# batch; `seed` seeds both the initial parameters (`init_forecaster`) and the order of the batches, so
# the same seed gives the same model.

# %%
W = 12  # years per input window


def windows(series, window, horizon=1):
    """make_windows(series, window, horizon) of the sequences assignment for a 1-D series: inputs
    X (N, window, 1) and the next `horizon` values Y (N, horizon), N = T - window - horizon + 1."""
    both = sliding_window_view(series, window + horizon)
    return both[:, :window, None].copy(), both[:, window:].copy()


def sunspot_data(horizon=1):
    """Training windows of the standardised training part; held-out windows (the W years before
    each held-out year that has `horizon` years left); the scaling."""
    scaled, mean, std = forecast.standardize(sunspots, n_train)
    X, Y = windows(scaled[:n_train], W, horizon)
    X_test = sliding_window_view(scaled[n_train - W : len(scaled) - horizon], W)[..., None]
    return X, Y, X_test, mean, std


def mae(pred, truth):
    """Mean absolute error."""
    return np.mean(np.abs(pred - truth))


def one_step_forecasts(params, X_test, cell, mean, std):
    """The model's forecast of each held-out year, in sunspot numbers."""
    Y_hat, _ = forecast.forecaster_forward(params, X_test, cell)
    return forecast.unstandardize(Y_hat[:, 0], mean, std)


# %%
def show_training():
    X, Y, X_test, mean, std = sunspot_data()
    start = time.perf_counter()
    params, losses = forecast.train_forecaster(X, Y, H=16, cell="gru", seed=0)
    print(f"X {X.shape}, Y {Y.shape}: trained in {time.perf_counter() - start:.2f} s")
    pred = one_step_forecasts(params, X_test, "gru", mean, std)
    truth, naive = sunspots[n_train:], sunspots[n_train - 1 : -1]
    print(f"held-out MAE: GRU {mae(pred, truth):.1f}, naive {mae(naive, truth):.1f} (sunspot numbers)")
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.2), gridspec_kw={"width_ratios": [1, 2]})
    axes[0].semilogy(np.arange(1, len(losses) + 1), losses)
    axes[0].set(xlabel="epoch", ylabel="mean training loss (MSE)", title="training loss")
    axes[1].plot(year[n_train:], truth, color="black", lw=2, label="observed")
    axes[1].plot(year[n_train:], naive, lw=1, label=f"naive (MAE {mae(naive, truth):.1f})")
    axes[1].plot(year[n_train:], pred, lw=1, label=f"GRU, one step ahead (MAE {mae(pred, truth):.1f})")
    axes[1].set(title="held-out years", ylabel="sunspot number")
    axes[1].legend(fontsize=8)
    plt.tight_layout()
    plt.show()


demo(show_training)

# %% [markdown]
# The three cells, and the seed: the grader checks that the same seed gives the same parameters, that
# the loss falls, and that the held-out error beats the naive forecast.

# %%
def compare_cells():
    X, Y, X_test, mean, std = sunspot_data()
    for cell in ("rnn", "lstm", "gru"):
        start = time.perf_counter()
        params, losses = forecast.train_forecaster(X, Y, H=16, cell=cell, seed=0)
        seconds = time.perf_counter() - start
        pred = one_step_forecasts(params, X_test, cell, mean, std)
        print(f"{cell:>4}: loss {losses[0]:.3f} -> {losses[-1]:.3f}, "
              f"held-out MAE {mae(pred, sunspots[n_train:]):5.1f}  ({seconds:.2f} s)")
    again, _ = forecast.train_forecaster(X, Y, H=16, cell="gru", epochs=3, seed=0)
    same, _ = forecast.train_forecaster(X, Y, H=16, cell="gru", epochs=3, seed=0)
    other, _ = forecast.train_forecaster(X, Y, H=16, cell="gru", epochs=3, seed=1)
    print("seed 0 twice, same parameters:", all(np.array_equal(again[k], same[k]) for k in again),
          "; seed 1 differs:", not np.array_equal(again["Wh"], other["Wh"]))


demo(compare_cells)

# %% [markdown]
# **Against an AR model.** In the `sequences` assignment you fitted AR(p) models to the same series.
# Copy your `arma.py` into this folder to compare (optional, not graded here): the cell fits AR(9) by
# least squares on the training part and predicts each held-out year from the years before it. The
# grader gives extra credit to a forecaster whose held-out error comes close to such an AR baseline.

# %%
AR_P = 9


def load_arma():
    """Your arma.py from the sequences assignment, or None (with a message) if it is not here."""
    try:
        import arma
    except ImportError:
        print("no arma.py in this folder: copy yours from the sequences assignment to compare with AR "
              "(optional). Until then only the naive forecast is the baseline.")
        return None
    try:  # a copy of the unfinished template is no use here
        arma.arma_predict(sunspots[:20], arma.fit_ar(sunspots[:20], 1)[1], np.zeros(0))
        arma.arma_forecast(sunspots[:20], np.zeros(1), np.zeros(0), 1)
    except NotImplementedError as exc:
        print(f"your arma.py is not finished ({exc}): no AR comparison")
        return None
    return arma


def show_ar():
    arma = load_arma()
    if arma is None:
        return
    c, ar = arma.fit_ar(sunspots[:n_train], AR_P)
    one_step, _ = arma.arma_predict(sunspots, ar, np.zeros(0), c)
    truth = sunspots[n_train:]
    print(f"held-out MAE: AR({AR_P}) {mae(one_step[n_train:], truth):.1f}, "
          f"naive {mae(sunspots[n_train - 1 : -1], truth):.1f}  (compare with your GRU above)")


demo(show_ar)

# %%
grader.check("train_forecaster")

# %% [markdown]
# ## Part 6: beyond the next value
#
# The lecture's three ways to forecast `n` steps ahead, here `n = 10` years from every held-out year
# that has 10 years left:
#
# 1. **Use the next-value model repeatedly** (`forecast_recursive`): predict one year, append the
#    prediction to the window, predict the next. Nothing new to train, but errors feed back in.
# 2. **Predict the next n values at once**: the same forecaster with `M = n` outputs, trained on
#    windows whose targets are the next `n` years (`Y (N, n)`).
# 3. **Sequence to sequence** (`seq2seq_forward`): the head on *every* hidden state, so at every step
#    of the window the model predicts the next `n` values (`Y (N, W, n)`, the targets of
#    `make_seq2seq_windows`); every step gives training signal, not just the last. To forecast, take
#    the predictions of the last step.
#
# `train_forecaster` picks forecaster or seq2seq from the shape of `Y`.

# %%
n = 10


def seq2seq_targets(series, window, horizon):
    """The Y of make_seq2seq_windows(series, window, horizon): Y[k, t] = series[k+t+1 : k+t+1+horizon]."""
    ahead = sliding_window_view(series[1:], horizon)  # ahead[s] = series[s+1 : s+1+horizon]
    count = len(series) - window - horizon + 1
    return sliding_window_view(ahead, window, axis=0)[:count].transpose(0, 2, 1).copy()


def show_seq2seq_shapes():
    params = forecast.init_forecaster(F=1, H=8, M=n, cell="gru", seed=0)
    X = np.zeros((4, W, 1))
    print("seq2seq_forward:", X.shape, "->", forecast.seq2seq_forward(params, X, "gru")[0].shape)
    print("lecture's table, input [0, 1, 2], n = 2:", seq2seq_targets(np.arange(6.0), 3, 2)[0].tolist())


demo(show_seq2seq_shapes)

# %%
def multi_step_forecasts():
    """n-year forecasts from every origin (held-out year with n years left) by every option."""
    X1, Y1, _, mean, std = sunspot_data(1)
    Xn, Yn, X_test, _, _ = sunspot_data(n)  # X_test: the W years before each origin
    Ys = seq2seq_targets(forecast.standardize(sunspots, n_train)[0][:n_train], W, n)
    one, _ = forecast.train_forecaster(X1, Y1, H=16, cell="gru", seed=0)
    head, _ = forecast.train_forecaster(Xn, Yn, H=16, cell="gru", seed=0)
    s2s, _ = forecast.train_forecaster(Xn, Ys, H=16, cell="gru", seed=0)
    origins = np.arange(n_train, len(sunspots) - n + 1)
    scaled_forecasts = {
        "1: recursive": np.stack([forecast.forecast_recursive(one, x[:, 0], n, "gru") for x in X_test]),
        "2: next-n head": forecast.forecaster_forward(head, X_test, "gru")[0],
        "3: seq2seq": forecast.seq2seq_forward(s2s, X_test, "gru")[0][:, -1],  # the last step's n values
    }
    forecasts = {"naive": np.repeat(sunspots[origins - 1, None], n, axis=1)}
    forecasts.update({k: forecast.unstandardize(v, mean, std) for k, v in scaled_forecasts.items()})
    arma = load_arma()
    if arma is not None:
        c, ar = arma.fit_ar(sunspots[:n_train], AR_P)
        forecasts[f"AR({AR_P})"] = np.stack(
            [arma.arma_forecast(sunspots[:t], ar, np.zeros(0), n, c) for t in origins])
    return origins, forecasts


# %%
def show_multi_step():
    origins, forecasts = multi_step_forecasts()
    truth = sliding_window_view(sunspots[n_train:], n)  # (origins, n)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
    k = 10  # the origin to draw
    axes[0].plot(year[n_train - W :], sunspots[n_train - W :], color="gray", label="observed")
    for label, values in forecasts.items():
        err = np.abs(values - truth).mean(axis=0)
        axes[0].plot(year[origins[k]] + np.arange(n), values[k], "-o", ms=3, label=label)
        axes[1].plot(np.arange(1, n + 1), err, "-o", ms=3, label=f"{label} (mean {err.mean():.1f})")
        print(f"{label:>15}: MAE 1 year ahead {err[0]:5.1f}, {n} years ahead {err[-1]:5.1f}, "
              f"mean {err.mean():5.1f}")
    axes[0].axvline(year[origins[k]], color="k", lw=0.5)
    axes[0].set(title=f"{n}-year forecasts from {year[origins[k]]:.0f}", ylabel="sunspot number")
    axes[1].set(title=f"held-out MAE over {len(origins)} origins", xlabel="years ahead", ylabel="MAE")
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=7)
    plt.tight_layout()
    plt.show()


demo(show_multi_step)

# %% [markdown]
# **Questions.** How does each option degrade as the horizon grows? The recursive model feeds its own
# predictions back in as inputs: when would you expect its errors to compound, and why might it still
# do well on a smooth cycle like this one? Options 2 and 3 learn 10 outputs from about 230 windows:
# what might help them? And the naive forecast, close to the others one year ahead: why is it worst
# about five years ahead, half a solar cycle?

# %%
grader.check("forecast_recursive")

# %%
grader.check("seq2seq_forward")

# %%
grader.check("seq2seq_backward")

# %% [markdown]
# ## Part 7: what issues might arise during training?
#
# **Exploding gradients.** Backpropagation through time multiplies by `Wh` (and the activation's
# slope) once per step, so now and then a batch produces a gradient far larger than usual, and a
# single step can throw the parameters somewhere the loss is enormous. Clipping the global norm caps
# the length of every step at `lr * max_norm`. Adam's division by `sqrt(v)` already tempers large
# gradients, so the effect is clearest with plain gradient descent: below, a short training loop of
# `sgd_step` on a tanh RNN with a large learning rate, once with `max_norm = 1` and once with a
# `max_norm` so large that nothing is ever clipped.

# %%
def sgd_training(max_norm, lr=0.5, epochs=30, batch_size=32, seed=0):
    """Minibatch gradient descent with your functions; the losses and gradient norms of every batch."""
    X, Y, _, _, _ = sunspot_data()
    params = forecast.init_forecaster(1, 16, 1, "rnn", seed)
    batches = np.random.default_rng(seed)
    loss_of_batch, norms = [], []
    for _ in range(epochs):
        shuffled = batches.permutation(len(X))
        for first in range(0, len(X), batch_size):
            rows = shuffled[first : first + batch_size]
            Y_hat, cache = forecast.forecaster_forward(params, X[rows], "rnn")
            loss, dY = layers.mse_loss(Y_hat, Y[rows])
            grads, norm = optim.clip_grad_norm(forecast.forecaster_backward(dY, cache), max_norm)
            params = optim.sgd_step(params, grads, lr)
            loss_of_batch.append(loss)
            norms.append(norm)
    return np.array(loss_of_batch), np.array(norms)


def show_clipping_in_training():
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.2))
    for max_norm in (1.0, 1e6):
        with np.errstate(over="ignore", invalid="ignore"):
            batch_losses, norms = sgd_training(max_norm)
        label = f"max_norm = {max_norm:g}"
        axes[0].semilogy(batch_losses, label=label)
        axes[1].semilogy(norms, label=label)
        print(f"{label:>14}: last epoch's mean loss {batch_losses[-8:].mean():.3g}, "
              f"largest gradient norm {norms.max():.3g}")
    axes[0].set(xlabel="batch", ylabel="training loss (MSE)", title="plain gradient descent, lr = 0.5")
    axes[1].axhline(1.0, color="k", lw=0.5)
    axes[1].set(xlabel="batch", ylabel="gradient norm before clipping", title="global gradient norm")
    axes[0].legend(fontsize=8)
    plt.tight_layout()
    plt.show()


demo(show_clipping_in_training)

# %% [markdown]
# Without clipping, a few batches with growing gradients throw the parameters so far that the loss
# jumps by a dozen orders of magnitude and never recovers. With clipping, the same learning rate
# trains: every step's gradient is cut down to norm 1 (the black line) whenever it is larger. Try other
# learning rates: which is the largest that still trains without clipping?

# %% [markdown]
# **Saturation.** A tanh unit whose input is far from 0 outputs ±1, and its slope `1 - tanh^2` is
# nearly 0 there: the state stops carrying information and the gradient through it vanishes. Below,
# the same random weights read sunspot windows in raw units (up to about 190). A plain tanh RNN (the
# provided `rnn.rnn_forward`) ends up with almost all its states at ±1. The **layer-normalised RNN**
# (Géron's `LNSimpleRNNCell`), `h_t = tanh(layer_norm(x_t Wx + h_{t-1} Wh + b))`, rescales every
# step's pre-activations across the features before the tanh, and its states stay spread out, even on
# raw input. Layer norm is no substitute for scaling the data, though: when the input term dominates
# the pre-activation, normalising it also removes its size, and a year of 50 sunspots looks much like
# a year of 150. Standardise the input first (Part 2).

# %%
def show_saturation():
    H = 16
    weights = np.random.default_rng(5)
    Wx, Wh, b = (weights.uniform(-1, 1, size=s) / np.sqrt(H) for s in ((1, H), (H, H), (H,)))
    X_raw, _ = windows(sunspots[:n_train], W)  # raw sunspot numbers, (235, 12, 1)
    X_std, _, _, _, _ = sunspot_data()
    h0, gamma, beta = np.zeros((len(X_raw), H)), np.ones(H), np.zeros(H)
    states = {
        "tanh RNN, standardised input": rnn.rnn_forward(X_std, h0, Wx, Wh, b, "tanh")[0],
        "tanh RNN, raw input": rnn.rnn_forward(X_raw, h0, Wx, Wh, b, "tanh")[0],
        "layer-normalised RNN, raw input": layers.ln_rnn_forward(X_raw, h0, Wx, Wh, b, gamma, beta)[0],
    }
    fig, axes = plt.subplots(1, 3, figsize=(12, 3), sharex=True)
    for ax, (label, h) in zip(axes, states.items()):
        ax.hist(h.ravel(), bins=40, range=(-1, 1))
        saturated = np.mean(np.abs(h) > 0.99)
        ax.set(title=f"{label}\n{saturated:.0%} of states with |h| > 0.99", xlabel="hidden state")
    plt.tight_layout()
    plt.show()


demo(show_saturation)

# %% [markdown]
# `ln_rnn_backward` is backpropagation through time as in `rnn_backward`, with the layer norm's
# backward pass between the tanh and the affine step. A numerical check of two entries:

# %%
def check_ln_rnn_gradient():
    rng = np.random.default_rng(6)
    N, T, D, H = 2, 4, 3, 5
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)), rng.normal(size=(H, H)) / 2, rng.normal(size=H)
    gamma, beta = rng.normal(size=H), rng.normal(size=H)
    h, cache = layers.ln_rnn_forward(x, h0, Wx, Wh, b, gamma, beta)
    dh = rng.normal(size=h.shape)
    dx, dh0, dWx, dWh, db, dgamma, dbeta = layers.ln_rnn_backward(dh, cache)
    def loss(Wh_, gamma_):
        return np.sum(layers.ln_rnn_forward(x, h0, Wx, Wh_, b, gamma_, beta)[0] * dh)

    numeric_dWh = numeric_grad(lambda Wh_: loss(Wh_, gamma), Wh, (2, 3))
    numeric_dg = numeric_grad(lambda gamma_: loss(Wh, gamma_), gamma, 1)
    print(f"dWh[2, 3]:  yours {dWh[2, 3]:.8f}, numerical {numeric_dWh:.8f}")
    print(f"dgamma[1]:  yours {dgamma[1]:.8f}, numerical {numeric_dg:.8f}")


demo(check_ln_rnn_gradient)

# %%
grader.check("ln_rnn_forward")

# %%
grader.check("ln_rnn_backward")

# %% [markdown]
# ## Submitting
#
# When every check above passes, upload `layers.py`, `optim.py` and `forecast.py` to Gradescope (the
# files, or a zip of them; `rnn.py`, `lstm.py` and `gru.py` are provided and not graded). The grader
# runs these public checks again, plus hidden checks comparing your outputs and gradients with the
# reference solution on many more inputs, and trains your forecaster on the sunspots. `README.md` lists
# the points of every function.
