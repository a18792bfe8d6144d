"""Source of the `recurrent` handout notebook (percent format; `make dist` turns it into recurrent.ipynb)."""

# %% [markdown]
# # Recurrent layers and backpropagation through time
#
# COMP 4630, "Recurrent Neural Networks". In this notebook you build, in numpy, the recurrent layers
# of the lecture: the vanilla RNN (and its leaky variant, with tanh or relu), the LSTM and the GRU,
# forward and backward. You write the code in `rnn.py`, `lstm.py` and `gru.py`; this notebook calls
# your functions, draws what they do, and after each part runs that part's **public checks**, the
# same ones the grader runs (`README.md` lists every function with its equations and shapes).
#
# How the check cells work: `grader.check("rnn_step_forward")` runs the public checks of
# `rnn_step_forward` on your files **as saved on disk**, in a separate process. Save your `.py`
# file, then run the check cell.

# %%
try:  # reload your saved .py files before each cell (some IPython versions, e.g. Colab's, cannot)
    get_ipython().run_line_magic("load_ext", "autoreload")
    get_ipython().run_line_magic("autoreload", "2")
except (ImportError, NameError):
    pass
import matplotlib.pyplot as plt
import numpy as np
import otter

from autograder.student.notebook import demo

import gru
import lstm
import rnn

grader = otter.Notebook(tests_dir="tests")
np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(4630)

# %% [markdown]
# ## The lecture's sequence
#
# The lecture's running example of sequence data is a sequence defined by its own past:
#
# $$y[n] = \begin{cases} y[n-1] / 2 & n \text{ even} \\ 3\,y[n-1] + 1 & n \text{ odd} \end{cases}$$
#
# Each value depends on the one before it and on whether the time step is even or odd. A
# feed-forward network sees one input and forgets it; a recurrent layer carries a hidden state
# `h` from one step to the next, so what it computes at step `t` can depend on everything before.
#
# Starting from `y[0] = 1`, the sequence grows by a factor of about 1.5 every two steps. Keep that in
# mind: the values are far from normalized, which matters for the choice of activation below.

# %%
with demo():
    def lecture_sequence(steps, y0=1.0):
        """The lecture's sequence y[0..steps-1]: halve at even n, 3 y + 1 at odd n."""
        y = np.empty(steps)
        y[0] = y0
        for n in range(1, steps):
            y[n] = y[n - 1] / 2 if n % 2 == 0 else 3 * y[n - 1] + 1
        return y


    y = lecture_sequence(24)
    print(y[:10])
    plt.figure(figsize=(6, 2.5))
    plt.plot(y, "o-", ms=3)
    plt.xlabel("n")
    plt.ylabel("y[n]")
    plt.title("the lecture's sequence")
    plt.show()

# %% [markdown]
# ## Part 1: one step of a vanilla (and leaky) RNN
#
# The lecture writes one recurrent layer as $\hat{\mathbf{y}}_t = f(\mathbf{W}_x^T \mathbf{x}_t +
# \mathbf{W}_{\hat y}^T \hat{\mathbf{y}}_{t-1} + \mathbf{b})$ for column vectors. We store a batch of
# `N` examples as rows, so the same layer reads
#
# $$a = x\,W_x + h_{t-1} W_h + b, \qquad \tilde h = \tanh(a) \text{ or } \mathrm{relu}(a), \qquad
# h_t = \alpha\, h_{t-1} + (1 - \alpha)\, \tilde h$$
#
# with `x (N, D)`, `prev_h (N, H)`, `Wx (D, H)`, `Wh (H, H)`, `b (H,)`. The leak `alpha` is the
# lecture's "smooth self-connection": `alpha = 0` is the vanilla RNN.
#
# Implement `rnn_step_forward` and `rnn_step_backward` in `rnn.py`. Then try one step on the first
# two values of the sequence as a batch of two one-feature inputs:

# %%
with demo():
    D, H = 1, 3
    Wx = rng.normal(scale=0.5, size=(D, H))
    Wh = rng.normal(scale=0.5, size=(H, H))
    b = np.zeros(H)
    x = y[:2].reshape(2, D)              # a batch of N = 2 inputs with D = 1 feature
    prev_h = rng.normal(scale=0.1, size=(2, H))
    next_h, cache = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
    print("next_h =\n", next_h)

# %% [markdown]
# **Checking a gradient by hand.** A backward pass is right when it agrees with a numerical
# gradient: nudge one weight by ±ε and see how a scalar loss changes. Here the loss is
# `sum(next_h * dnext_h)` for a fixed random `dnext_h`, so its gradient with respect to `next_h` is
# exactly `dnext_h`. The public checks do this for every entry of every gradient.

# %%
with demo():
    dnext_h = rng.normal(size=next_h.shape)
    dx, dprev_h, dWx, dWh, db = rnn.rnn_step_backward(dnext_h, cache)


    def loss(Wh_trial):
        return np.sum(rnn.rnn_step_forward(x, prev_h, Wx, Wh_trial, b)[0] * dnext_h)


    eps = 1e-6
    bump = np.zeros_like(Wh)
    bump[0, 1] = eps
    numeric = (loss(Wh + bump) - loss(Wh - bump)) / (2 * eps)
    print(f"dWh[0, 1]: your backward {dWh[0, 1]:.8f}, numerical {numeric:.8f}")

# %%
grader.check("rnn_step_forward")

# %%
grader.check("rnn_step_backward")

# %% [markdown]
# ## Part 2: whole sequences, tanh vs relu, and gradients through time
#
# `rnn_forward` runs the step over `T` time steps, starting from `h0` (the lecture's question "how
# do we deal with `h_{t-1}` at `t = 0`?": we pass it in, usually zeros). `rnn_backward` is
# backpropagation through time: the same backpropagation as in a feed-forward network, applied to
# the network unrolled over the `T` steps, where every step shares `Wx`, `Wh` and `b`.
#
# **tanh or relu?** The lecture's simple example had to switch from tanh to relu because the data
# were not normalized and tanh saturated. Below, the same small RNN reads the lecture's sequence raw
# and standardized (zero mean, unit variance). With raw inputs, tanh units sit at ±1 where their
# gradient is almost 0; relu does not saturate, but its state grows with the input, and since the
# same `Wh` is applied at every step, nothing bounds it.

# %%
with demo():
    T, H = 24, 4
    Wx = rng.normal(scale=0.5, size=(1, H))
    Wh = rng.normal(scale=0.4, size=(H, H))
    b = np.zeros(H)
    h0 = np.zeros((1, H))
    inputs = {"raw": y, "standardized": (y - y.mean()) / y.std()}
    fig, axes = plt.subplots(2, 2, figsize=(9, 5), sharex=True)
    for row, (label, series) in enumerate(inputs.items()):
        for col, activation in enumerate(("tanh", "relu")):
            h, _ = rnn.rnn_forward(series.reshape(1, T, 1), h0, Wx, Wh, b, activation)
            saturated = np.mean(np.abs(h) > 0.99) if activation == "tanh" else np.nan
            axes[row, col].plot(h[0])
            axes[row, col].set_title(f"{activation}, {label} input"
                                     + (f": {saturated:.0%} of states saturated" if activation == "tanh" else ""))
    for ax in axes[1]:
        ax.set_xlabel("time step t")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# **Questions.** Why does an RNN's choice of activation matter more than a feed-forward network's
# (hint: how many times is `Wh` applied)? How would you normalize a series that grows like this one
# (hint: the logarithm, or differencing as in the `sequences` assignment)?
#
# **Gradient flow through time.** Give the loss a gradient at the last step only (`dh[:, -1] = 1`,
# zero elsewhere) and look at how much of it reaches each earlier step. With `Wx` the identity
# (`D = H`), `dx[:, t]` is exactly the gradient that reached the pre-activation `a_t`. `Wh` is a
# random orthogonal matrix `Q` (or the identity `I`) times a scale, so the scale alone sets how much
# each step can multiply the gradient by.

# %%
with demo():
    def orthogonal(size, rng):
        q, _ = np.linalg.qr(rng.normal(size=(size, size)))
        return q


    T_long, H_long = 60, 8
    x_long = rng.normal(scale=0.5, size=(1, T_long, H_long))
    h0_long = np.zeros((1, H_long))
    Q = orthogonal(H_long, rng)
    dh = np.zeros((1, T_long, H_long))
    dh[:, -1, :] = 1.0


    def gradient_norms(backward, cache):
        """||gradient reaching step t|| for t = 0..T-1 (from the dx returned by a backward pass)."""
        return np.linalg.norm(backward(dh, cache)[0][0], axis=-1)


    settings = {  # label: (activation, Wh, alpha)
        "tanh, Wh = 0.5 Q": ("tanh", 0.5 * Q, 0.0),
        "tanh, Wh = 1.0 Q": ("tanh", 1.0 * Q, 0.0),
        "relu, Wh = 1.5 I": ("relu", 1.5 * np.eye(H_long), 0.0),
        "tanh, Wh = 0.5 Q, leaky alpha = 0.9": ("tanh", 0.5 * Q, 0.9),
    }
    norms = {}
    for label, (activation, Wh_long, alpha) in settings.items():
        _, cache = rnn.rnn_forward(x_long, h0_long, np.eye(H_long), Wh_long, np.zeros(H_long), activation, alpha)
        norms[label] = gradient_norms(rnn.rnn_backward, cache)

    plt.figure(figsize=(7, 3.5))
    for label, values in norms.items():
        plt.semilogy(values, label=label)
    plt.xlabel("time step t (the loss is at the last step)")
    plt.ylabel("gradient norm at step t")
    plt.title("vanishing and exploding gradients in a vanilla RNN")
    plt.legend(fontsize=8)
    plt.show()

# %% [markdown]
# Read the plot from right to left, going back in time. With `Wh = 0.5 Q` (and tanh's slope at most
# 1) every step multiplies the gradient by less than one: it **vanishes** exponentially, and the early
# inputs get no say in training; even `1.0 Q` loses gradient wherever tanh saturates. With relu and
# `Wh = 1.5 I`, every active unit multiplies its gradient by 1.5 per step: it **explodes** (the usual
# remedy is to clip gradients). The leaky state keeps a fraction `alpha` of the gradient at every step
# and decays much more slowly: this is the lecture's motivation for skip connections, leaky units,
# and then the LSTM and GRU.

# %%
grader.check("rnn_forward")

# %%
grader.check("rnn_backward")

# %% [markdown]
# ## Part 3: the LSTM
#
# The LSTM adds a cell state `c` that is updated additively, `c_t = f * c_{t-1} + i * g`, gated by
# the forget gate `f`, the input gate `i` and the output gate `o`. One matrix product computes the
# pre-activations of all four gates at once, `a = x Wx + prev_h Wh + b` of shape `(N, 4H)`, split
# into blocks in the order i, f, g, o. Implement the four functions of `lstm.py`.
#
# When the forget gate is close to 1, `c_t ≈ c_{t-1}` and the gradient flows back along the cell
# state almost unchanged: the "long" in long short-term memory. A common trick is to start the
# forget gate's bias at a positive value.

# %%
with demo():
    N, D, H = 2, 3, 4
    x_small = rng.normal(size=(N, D))
    h_prev, c_prev = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    Wx4 = rng.normal(scale=0.5, size=(D, 4 * H))
    Wh4 = rng.normal(scale=0.5, size=(H, 4 * H))
    b4 = np.zeros(4 * H)
    next_h, next_c, _ = lstm.lstm_step_forward(x_small, h_prev, c_prev, Wx4, Wh4, b4)
    print("next_h =\n", next_h, "\nnext_c =\n", next_c)

# %%
grader.check("lstm_step_forward")

# %%
grader.check("lstm_step_backward")

# %%
grader.check("lstm_forward")

# %%
grader.check("lstm_backward")

# %% [markdown]
# ## Part 4: the GRU
#
# The GRU (Géron eq. 15-4) merges the LSTM's cell and hidden states and uses two gates: the update
# gate `z` chooses between keeping `prev_h` and taking the candidate `g`, and the reset gate `r`
# chooses how much of `prev_h` the candidate sees. Blocks are in the order z, r, g; the reset gate
# multiplies `prev_h` *before* the product with `Wh_g`. Implement the four functions of `gru.py`.

# %%
with demo():
    Wx3 = rng.normal(scale=0.5, size=(D, 3 * H))
    Wh3 = rng.normal(scale=0.5, size=(H, 3 * H))
    b3 = np.zeros(3 * H)
    next_h, _ = gru.gru_step_forward(x_small, h_prev, Wx3, Wh3, b3)
    print("next_h =\n", next_h)

# %%
grader.check("gru_step_forward")

# %%
grader.check("gru_step_backward")

# %%
grader.check("gru_forward")

# %%
grader.check("gru_backward")

# %% [markdown]
# ## Gated layers keep the gradient alive
#
# The same experiment as in Part 2, now for an LSTM whose forget gates start open (bias +3) and a
# GRU whose update gates start near 1 (bias +3), next to the vanilla and leaky RNN. Each curve is
# divided by its value at the last step, so only the decay back in time is compared.

# %%
with demo():
    H = H_long  # the sizes of the experiment in Part 2, with D = H
    Wx4 = rng.normal(scale=0.5, size=(H, 4 * H))
    Wh4 = rng.normal(scale=0.5 / np.sqrt(H), size=(H, 4 * H))
    b4 = np.zeros(4 * H)
    b4[H:2 * H] = 3.0                     # forget gates start open
    Wx3 = rng.normal(scale=0.5, size=(H, 3 * H))
    Wh3 = rng.normal(scale=0.5 / np.sqrt(H), size=(H, 3 * H))
    b3 = np.zeros(3 * H)
    b3[:H] = 3.0                          # update gates start near 1

    compare = {  # the RNN curves of Part 2, where your rnn.py got that far
        label: norms[key] for label, key in (("vanilla RNN (tanh, Wh = 0.5 Q)", "tanh, Wh = 0.5 Q"),
                                             ("leaky RNN (alpha = 0.9)", "tanh, Wh = 0.5 Q, leaky alpha = 0.9"))
        if key in norms
    }
    compare["LSTM (forget bias +3)"] = gradient_norms(lstm.lstm_backward, lstm.lstm_forward(x_long, h0_long, Wx4, Wh4, b4)[1])
    compare["GRU (update bias +3)"] = gradient_norms(gru.gru_backward, gru.gru_forward(x_long, h0_long, Wx3, Wh3, b3)[1])
    plt.figure(figsize=(7, 3.5))
    for label, values in compare.items():
        plt.semilogy(values / values[-1], label=label)
    plt.xlabel("time step t (the loss is at the last step)")
    plt.ylabel("gradient norm / norm at the last step")
    plt.legend(fontsize=8)
    plt.show()

# %% [markdown]
# ## Submitting
#
# When every check above passes, upload `rnn.py`, `lstm.py` and `gru.py` to Gradescope (the files,
# or a zip of them). The grader runs these public checks again, plus hidden checks comparing your
# outputs and gradients with the reference solution on many more inputs. `README.md` lists the
# points of every function.
