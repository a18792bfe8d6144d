"""Known misconceptions of the sequences assignment, as variants of the reference (grader only: each one
computes a student function, so this module never ships; ``hidden/`` stays with the grader).

When a hidden check finds an output wrong, ``explained`` compares it with the outputs of these variants
on the failing input and words a match as a hint ("your Y matches what the reference gives when the
targets start one step early, overlapping the window"). Nothing runs on a passing check. Each variant
mirrors one bug of the mutation suite (``submissions/<id>/``, same id); ``autograder/grading/variants.py``
builds them from the reference's source.
"""

from __future__ import annotations

import numpy as np

from autograder.checklib.compare import CheckFailure
from autograder.checklib.diagnosis import distinct_match, explain, same_as
from autograder.grading import variants
from autograder.grading.variants import Variant
from autograder.paths import SOLUTIONS
from checks_sequences import OUTPUTS, copied


def _v(id: str, file: str, says: str, *patches: tuple[str, str]) -> Variant:
    return Variant(id, file, says, patches)


CATALOGUE = (
    # ---------------------------------------------------------------- windowing.py
    _v("targets-from-wrong-offset", "windowing.py", "the targets start one step early, overlapping the window's last value "
       "(Y[k] = series[s + window - 1 : ...])",
       ("Y = series[starts[:, None] + window + np.arange(horizon)]", "Y = series[starts[:, None] + window - 1 + np.arange(horizon)]")),
    _v("off-by-one-window", "windowing.py", "the number of windows is (T - window - horizon) // stride, one too few",
       ("    N = (T - window - horizon) // stride + 1\n    starts = np.arange(N) * stride                                  # (N,)\n"
        "    X = series[starts[:, None] + np.arange(window)]                 # (N, window[, F])\n    Y = series[",
        "    N = (T - window - horizon) // stride\n    starts = np.arange(N) * stride\n"
        "    X = series[starts[:, None] + np.arange(window)]\n    Y = series[")),
    _v("seq2seq-target-not-shifted", "windowing.py", "the seq2seq targets are not shifted: Y[k, t, j] = series[s + t + j] "
       "instead of series[s + t + 1 + j]",
       ("+ np.arange(window)[None, :, None] + 1 + np.arange(horizon)", "+ np.arange(window)[None, :, None] + np.arange(horizon)")),
    # ---------------------------------------------------------------- arma.py
    _v("ar-lags-reversed", "arma.py", "the AR lags are taken in the wrong order (ar[0] multiplies the oldest of the p values, "
       "not y[t-1])",
       ("past_y = y[max(t - p, 0):t][::-1]", "past_y = y[max(t - p, 0):t]")),
    _v("ma-lags-reversed", "arma.py", "the MA lags are taken in the wrong order (ma[0] multiplies the oldest residual, "
       "not eps[t-1])",
       ("past_eps = eps[max(t - q, 0):t][::-1]", "past_eps = eps[max(t - q, 0):t]")),
    _v("residual-sign-flipped", "arma.py", "the residuals are yhat[t] - y[t] instead of y[t] - yhat[t]",
       ("eps[t] = y[t] - yhat[t]", "eps[t] = yhat[t] - y[t]")),
    _v("seasonal-index-off-by-one", "arma.py", "the seasonal naive forecast starts one step too early "
       "(y[T - season - 1 + h mod season])",
       ("yhat = y[T - season + np.arange(horizon) % season]", "yhat = y[T - season - 1 + np.arange(horizon) % season]")),
    _v("difference-applied-once", "arma.py", "the d-th difference is taken as y[d:] - y[:-d] (one difference at lag d) "
       "instead of differencing d times",
       ("    for _ in range(d):\n        dy = dy[1:] - dy[:-1]", "    if d > 0:\n        dy = dy[d:] - dy[:-d]")),
    _v("forecast-future-residuals-nonzero", "arma.py", "the future residuals repeat the last in-sample residual instead of 0",
       ("e = np.concatenate((eps, np.zeros(steps)))", "e = np.concatenate((eps, np.full(steps, eps[-1])))")),
    _v("fit-ar-without-intercept", "arma.py", "the AR fit has no intercept column (c = 0)",
       ("    X = np.column_stack([np.ones(T - p)] + lags)                  # (T - p, p + 1)\n"
        "    beta = np.linalg.lstsq(X, y[p:], rcond=None)[0]               # (p + 1,)\n"
        "    c, ar = float(beta[0]), beta[1:]",
        "    X = np.column_stack(lags)\n    ar = np.linalg.lstsq(X, y[p:], rcond=None)[0]\n    c = 0.0")),
)


def build(variant: Variant):
    """The variant as a module with ``call`` (built once per process), or None when its patches no
    longer apply to the reference."""
    return variants.build(variant, SOLUTIONS / "sequences")


def output_of(impl, function: str, output: str, args: tuple, kwargs: dict):
    """``output`` of ``function`` computed by ``impl`` (floats as 0-d arrays)."""
    value = impl.call(function, *(copied(a) for a in args), **kwargs)
    names = OUTPUTS[function]
    value = dict(zip(names, value))[output] if len(names) > 1 else value
    return np.asarray(value) if isinstance(value, float) else value


def hints(file: str, function: str, output: str, got, expected, args: tuple, kwargs: dict) -> list[tuple[str, str]]:
    """(id, what the reference does) of every variant of ``file`` that gives ``got`` on these arguments."""
    found = []
    for variant in CATALOGUE:
        impl = build(variant) if variant.file == file else None
        if impl is None:
            continue
        try:
            with np.errstate(all="ignore"):
                value = output_of(impl, function, output, args, kwargs)
        except Exception:  # a variant that cannot run on these arguments matches nothing
            continue
        if distinct_match(got, value, expected):
            found.append((variant.id, variant.says))
    return found


def explained(check, student, reference, function: str, args: tuple, kwargs: dict) -> None:
    """``check(student, reference, function, args, kwargs)`` (a comparison with the reference), with the
    diagnosis of its failure added to the failure."""
    try:
        check(student, reference, function, args, kwargs)
    except CheckFailure as failure:
        compared = failure.compared
        if compared is not None and compared[0] == function and not failure.diagnosis:
            _, output, got, expected = compared
            inputs = {"the series": a for a in args[:1] if isinstance(a, np.ndarray)}
            same = same_as(got, inputs)
            found = [] if same else hints(reference.functions[function], function, output, got, expected, args, kwargs)
            explain(failure, None, found, same)
        raise
