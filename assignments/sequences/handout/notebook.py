"""Source of the `sequences` handout notebook (percent format; `make dist` turns it into sequences.ipynb)."""

# %% [markdown]
# # Sequence data: windowing, naive baselines, ARMA and ARIMA
#
# COMP 4630, "Recurrent Neural Networks". Before training a recurrent network on a series we need
# two things: the series cut into (input, target) examples, and a baseline that the network has to
# beat. You write the code in `windowing.py` and `arma.py`; this notebook calls your functions,
# draws what they do, and after each part runs that part's **public checks**, the same ones the
# grader runs (`README.md` lists every function with its definition).
#
# How the check cells work: `grader.check("make_windows")` runs the public checks of `make_windows`
# on your files **as saved on disk**, in a separate process. Save your `.py` file, then run the
# check cell.

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

import arma
import windowing

grader = otter.Notebook(tests_dir="tests")
np.set_printoptions(precision=3, suppress=True)

# Two real series, from the datasets that ship with statsmodels (see the files' headers).
co2_year, co2 = np.loadtxt("data/co2_monthly.csv", delimiter=",", unpack=True)
sun_year, sunspots = np.loadtxt("data/sunspots_yearly.csv", delimiter=",", unpack=True)
print(f"co2: {co2.size} months from {co2_year[0]:.0f}; sunspots: {sunspots.size} years from {sun_year[0]:.0f}")

# %% [markdown]
# ## Sequence data
#
# Text, speech, prices, sensor readings, weather, DNA: in sequence data the order carries
# information. The lecture's toy example is a sequence defined by its own past:
#
# $$y[n] = \begin{cases} y[n-1] / 2 & n \text{ even} \\ 3\,y[n-1] + 1 & n \text{ odd} \end{cases}$$
#
# Starting from `y[0] = 7` every value is an integer: 7, 22, 11, 34, 17, 52, ...

# %%
with demo():
    def lecture_sequence(steps, y0=7):
        """The lecture's sequence y[0..steps-1] (integers when y0 = 7 and steps <= 8)."""
        y = [y0]
        for n in range(1, steps):
            y.append(y[-1] // 2 if n % 2 == 0 else 3 * y[-1] + 1)
        return np.array(y)


    y = lecture_sequence(8)
    print(y)

# %% [markdown]
# ## Part 1: windowing
#
# The lecture lists three tasks, and each needs its own data layout:
#
# 1. **the next value** (predictive text): a window of `window` values, and the one value after it;
# 2. **the next n values** (stock prices): the same windows, and the `n` values after each;
# 3. **sequence to sequence** (translation): at *every* step of the window, the next `n` values.
#
# `make_windows` covers the first two (`horizon = 1` or `n`), `make_seq2seq_windows` the third.
# Implement both in `windowing.py`, then look at the lecture's sequence cut into windows of 3:

# %%
with demo():
    X, Y = windowing.make_windows(y, window=3)
    print("next value:  X =", X.tolist(), "\n             Y =", Y.tolist())
    X, Y = windowing.make_windows(y, window=3, horizon=2, stride=2)
    print("next 2, stride 2:  X =", X.tolist(), "\n                   Y =", Y.tolist())

# %% [markdown]
# The lecture's seq2seq table: for the input `[0, 1, 2]`, the targets for n = 1, 2, 3.

# %%
with demo():
    counting = np.arange(10)
    for n in (1, 2, 3):
        X, Y = windowing.make_seq2seq_windows(counting, window=3, horizon=n)
        print(f"n = {n}: input {X[0].tolist()} -> targets {Y[0].tolist()}")

# %% [markdown]
# The same three layouts on a real series, the monthly CO2 concentration at Mauna Loa: one window
# of 12 months (blue) and its targets (orange).

# %%
with demo():
    series = co2[:48]
    k = 10  # the window to draw
    fig, axes = plt.subplots(1, 3, figsize=(12, 3), sharey=True)
    X, Y = windowing.make_windows(series, window=12, horizon=1)
    X3, Y3 = windowing.make_windows(series, window=12, horizon=6)
    Xs, Ys = windowing.make_seq2seq_windows(series, window=12, horizon=3)
    steps = np.arange(k, k + 12)
    for ax, title in zip(axes, ("next value", "next 6 values", "seq2seq, 3 ahead at every step")):
        ax.plot(series, color="lightgray")
        ax.plot(steps, X[k], "o", color="tab:blue", ms=4, label="input window")
        ax.set_title(title)
    axes[0].plot([k + 12], Y[k], "o", color="tab:orange", label="target")
    axes[1].plot(np.arange(k + 12, k + 18), Y3[k], "o", color="tab:orange")
    for t in (0, 5, 11):  # every input step t has its own 3 targets; three of them drawn
        axes[2].plot(np.arange(t + 1, t + 4) + k, Ys[k, t], "o--", color="tab:orange", ms=4, lw=1)
        axes[2].annotate(f"t = {t}", (k + t, X[k, t]), textcoords="offset points", xytext=(-10, 8), fontsize=8)
    axes[0].legend(fontsize=8)
    axes[0].set_ylabel("CO2 (ppm)")
    for ax in axes:
        ax.set_xlabel("month")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# In the right panel, steps t = 0, 5 and 11 of the window each have their own three targets (every
# step has them; three are drawn to keep the picture readable). Option 1 of the lecture, using a
# next-value model repeatedly, needs only `make_windows(..., horizon=1)`; options 2 and 3 need the
# other layouts.

# %%
grader.check("make_windows")

# %%
grader.check("make_seq2seq_windows")

# %% [markdown]
# ## Part 2: naive baselines
#
# The lecture's question: what is a naive approach? Predict that tomorrow is like today
# (`naive_forecast`), or like the same day last season (`seasonal_naive_forecast`). They cost
# nothing, and a model that does not beat them has learned nothing useful. Their limits: the naive
# forecast ignores trend and season, the seasonal one ignores the trend.

# %%
with demo():
    cut = 480  # forecast the 36 months after month 480 from the months before it
    horizon = 36
    future = np.arange(cut, cut + horizon)
    plt.figure(figsize=(8, 3))
    plt.plot(np.arange(cut - 48, cut + horizon), co2[cut - 48:cut + horizon], color="gray", label="observed")
    plt.plot(future, arma.naive_forecast(co2[:cut], horizon), label="naive")
    plt.plot(future, arma.seasonal_naive_forecast(co2[:cut], 12, horizon), label="seasonal naive (12 months)")
    plt.axvline(cut, color="k", lw=0.5)
    plt.xlabel("month")
    plt.ylabel("CO2 (ppm)")
    plt.legend(fontsize=8)
    plt.show()

# %%
grader.check("naive_forecast")

# %%
grader.check("seasonal_naive_forecast")

# %% [markdown]
# ## Part 3: trends and differencing
#
# ARMA models assume the series is **stationary**: its mean and variance do not change over time.
# CO2 has an obvious trend (and a yearly season); sunspots have no trend but an ~11-year cycle.
# Differencing, `y[t] - y[t-1]`, removes a linear trend; `undifference` puts it back, given the
# first values. ARIMA is exactly this: an ARMA model of the differenced series.

# %%
with demo():
    dco2 = arma.difference(co2, 1)
    rebuilt = arma.undifference(dco2, co2[:1])
    print("undifference(difference(co2, 1), co2[:1]) == co2:", np.allclose(rebuilt, co2))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3))
    axes[0].plot(co2_year, co2)
    axes[0].set_title("CO2: trend and season")
    axes[1].plot(co2_year[1:], dco2)
    axes[1].set_title("first difference: trend removed")
    axes[2].plot(sun_year, sunspots)
    axes[2].set_title("sunspots: no trend, ~11-year cycle")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# **Questions.** Are there obvious trends in these series? What about non-obvious ones (is the
# *season* of CO2 constant in size)? How would you treat the two datasets differently?

# %%
grader.check("difference")

# %%
grader.check("undifference")

# %% [markdown]
# ## Part 4: ARMA
#
# The lecture's autoregressive moving average model predicts each value from the `p` values and the
# `q` prediction errors before it:
#
# $$\hat y_t = c + \sum_{i=1}^p \alpha_i\, y_{t-i} + \sum_{j=1}^q \theta_j\, \epsilon_{t-j},
# \qquad \epsilon_t = y_t - \hat y_t$$
#
# (`ar[i-1]` is $\alpha_i$ and `ma[j-1]` is $\theta_j$.) A tiny example you can check by hand:

# %%
with demo():
    yhat, eps = arma.arma_predict(np.array([1.0, 2.0, 3.0, 4.0]), ar=np.array([0.5]), ma=np.array([0.2]))
    print("yhat =", yhat, "  eps =", eps)

# %% [markdown]
# `fit_ar` finds the AR coefficients by least squares. Fit AR(2) and AR(9) to the sunspots of
# 1700-1949 and compare their one-step predictions of 1950-2008 with the naive forecast (the value of
# the year before). `arma_forecast` then runs the model forward 30 years from 1949.

# %%
with demo():
    train = 250
    lines = {"naive": np.r_[np.nan, sunspots[:-1]]}
    for p in (2, 9):
        c, ar = arma.fit_ar(sunspots[:train], p)
        lines[f"AR({p})"] = arma.arma_predict(sunspots, ar, np.zeros(0), c)[0]
    test = slice(train, None)
    for label, values in lines.items():
        rmse = np.sqrt(np.mean((values[test] - sunspots[test]) ** 2))
        print(f"{label:>6}: one-step RMSE 1950-2008 = {rmse:5.1f}")
    c9, ar9 = arma.fit_ar(sunspots[:train], 9)
    forecast = arma.arma_forecast(sunspots[:train], ar9, np.zeros(0), 30, c9)

    fig, axes = plt.subplots(1, 2, figsize=(12, 3))
    axes[0].plot(sun_year[test], sunspots[test], color="gray", label="observed")
    for label, values in lines.items():
        axes[0].plot(sun_year[test], values[test], label=label)
    axes[0].set_title("one-step predictions")
    axes[0].legend(fontsize=8)
    axes[1].plot(sun_year[200:280], sunspots[200:280], color="gray", label="observed")
    axes[1].plot(sun_year[train] + np.arange(30), forecast, label="AR(9) forecast from 1949")
    axes[1].set_title("30-year forecast")
    axes[1].legend(fontsize=8)
    plt.show()

# %%
grader.check("arma_predict")

# %%
grader.check("arma_forecast")

# %%
grader.check("fit_ar")

# %% [markdown]
# ## Part 5: ARIMA on a series with a trend
#
# On CO2, compare one-step predictions of the last 10 years (fitted on the years before): the naive
# forecast, an AR(12) model of the levels (an ARMA model that ignores the trend), and ARIMA(12, 1, 0),
# the same AR(12) fitted to the first difference. Twelve lags let both models see last year's season.

# %%
with demo():
    split = co2.size - 120
    p = 12
    c_lv, ar_lv = arma.fit_ar(co2[:split], p)
    c_df, ar_df = arma.fit_ar(arma.difference(co2[:split], 1), p)
    predictions = {
        "naive": np.r_[np.nan, co2[:-1]],
        "ARMA: AR(12) of the levels": arma.arma_predict(co2, ar_lv, np.zeros(0), c_lv)[0],
        "ARIMA(12, 1, 0)": np.r_[np.nan, arma.arima_predict(co2, ar_df, np.zeros(0), 1, c_df)],
    }
    last = slice(split, None)
    plt.figure(figsize=(9, 3.5))
    plt.plot(co2_year[last], co2[last], color="black", lw=2, label="observed")
    for label, values in predictions.items():
        rmse = np.sqrt(np.mean((values[last] - co2[last]) ** 2))
        plt.plot(co2_year[last], values[last], lw=1, label=f"{label} (RMSE {rmse:.2f} ppm)")
    plt.ylabel("CO2 (ppm)")
    plt.title("one-step predictions, last 10 years")
    plt.legend(fontsize=8)
    plt.show()

# %% [markdown]
# Differencing made the series closer to stationary, and the same number of coefficients now
# predicts better. To *forecast* with ARIMA, forecast the differences with `arma_forecast` and
# rebuild the levels with `undifference`.

# %%
grader.check("arima_predict")

# %% [markdown]
# ## Submitting
#
# When every check above passes, upload `windowing.py` and `arma.py` to Gradescope (the files, or a
# zip of them). The grader runs these public checks again, plus hidden checks comparing your outputs
# with the reference solution on many more inputs. `README.md` lists the points of every function.
