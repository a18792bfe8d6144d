"""Exact Hypothesis strategies for the ``recurrent`` assignment: the grader's side (never shipped).

Same cases and options as ``public/strategies_recurrent.py`` (sizes, seeds, activations, leaks, scales),
but the magnitudes are controlled on the true pre-activations: this module runs SPEC's forward
recurrence (vanilla/leaky RNN, LSTM, GRU) to measure them. That recurrence is an equivalent of the
students' forward functions, so it stays with the grader: the student zip ships only ``public/``,
whose strategies bound the pre-activations from norms instead.

The hidden checks draw from here, and so did every check before the split: the cases (hence hidden
scores) are exactly those of the strategies as they were before it. Draws depend on the shared
pieces imported from the public module (``RecurrentCase``'s fields, ``_arrays``, the constants).

Guarantees for every case (on top of the public ones):
- every pre-activation a (the argument of each tanh, relu and sigmoid, at every time step) has
  |a| < ``PREACT_LIMIT`` = 50 (weights are scaled down when a draw would exceed ``PREACT_CAP``);
- ``scale="large"``: the largest |pre-activation| is about 20 to 40 (always at least
  ``LARGE_PREACT[0] * 0.9``);
- with ``avoid_relu_kink=True`` (the default), every relu pre-activation has |a| >= ``RELU_KINK_MARGIN``,
  so a centred difference with step ~1e-6 never straddles the kink at 0 (the bias is nudged, and the
  rare case that cannot be nudged is filtered out).

Cases are ``ExactCase`` objects: ``RecurrentCase`` plus ``preactivations()`` and ``max_abs_preactivation``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from autograder.checklib.validation import check_range
import strategies_recurrent as public
from strategies_recurrent import (  # noqa: F401  (re-exported: the same names as the public module)
    _ALPHA_MAX, ACTIVATIONS, GATES, LARGE_PREACT, PREACT_CAP, PREACT_LIMIT, SCALES,
    RecurrentCase, _check_common,
)

__all__ = [
    "ExactCase",
    "RecurrentCase",
    "rnn_step_cases",
    "rnn_cases",
    "lstm_step_cases",
    "lstm_cases",
    "gru_step_cases",
    "gru_cases",
    "GATES",
    "ACTIVATIONS",
    "SCALES",
    "PREACT_LIMIT",
    "PREACT_CAP",
    "LARGE_PREACT",
    "RELU_KINK_MARGIN",
]

#: ``avoid_relu_kink=True``: every relu pre-activation is at least this far from 0.
RELU_KINK_MARGIN = 1e-3


# ----------------------------------------------------------------------------------------------------
# The case, with its exact pre-activations


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ExactCase(RecurrentCase):
    """A ``RecurrentCase`` that can compute its own pre-activations (grader side only)."""

    def preactivations(self) -> np.ndarray:
        """Every pre-activation of the forward pass, shape (T, N, G*H) (T = 1 for a step).

        For the GRU the candidate block is x Wx_g + (r * h) Wh_g + b_g. Computed here, independently
        of any solution, from SPEC's equations.
        """
        return _preactivations(self.model, self.step, self.x, self.h0, self.prev_c, self.Wx, self.Wh,
                               self.b, self.activation, self.alpha)

    @property
    def max_abs_preactivation(self) -> float:
        return float(np.max(np.abs(self.preactivations()), initial=0.0))

    def _magnitude(self) -> str:
        return f"max|a|={self.max_abs_preactivation:.3g}"


# ----------------------------------------------------------------------------------------------------
# SPEC's forward equations, only as far as generation needs them (pre-activations)


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _preactivations(model, step, x, h0, prev_c, Wx, Wh, b, activation, alpha) -> np.ndarray:
    xs = x[:, None, :] if step else x
    N, T, _ = xs.shape
    H = h0.shape[1]
    h = h0
    c = prev_c if prev_c is not None else np.zeros((N, H))
    out = np.zeros((T, N, Wx.shape[1]))
    with np.errstate(all="ignore"):  # unscaled relu draws may blow up (they are rescaled afterwards)
        for t in range(T):
            if model == "gru":
                ax = xs[:, t] @ Wx + b
                a_zr = ax[:, : 2 * H] + h @ Wh[:, : 2 * H]
                z, r = _sigmoid(a_zr[:, :H]), _sigmoid(a_zr[:, H:])
                a_g = ax[:, 2 * H :] + (r * h) @ Wh[:, 2 * H :]
                a = np.concatenate([a_zr, a_g], axis=1)
                h = z * h + (1.0 - z) * np.tanh(a_g)
            else:
                a = xs[:, t] @ Wx + h @ Wh + b
                if model == "rnn":
                    act = np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0)
                    h = alpha * h + (1.0 - alpha) * act
                else:
                    i, f, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H : 2 * H]), _sigmoid(a[:, 3 * H :])
                    c = f * c + i * np.tanh(a[:, 2 * H : 3 * H])
                    h = o * np.tanh(c)
            out[t] = a
    return out


# ----------------------------------------------------------------------------------------------------
# Adjusting a raw draw: scale, cap, relu kink


def _max_abs(a: np.ndarray) -> float:
    return float(np.max(np.abs(a), initial=0.0)) if np.all(np.isfinite(a)) else np.inf


def _rescaled(case: ExactCase, factor: float) -> ExactCase:
    return dataclasses.replace(case, Wx=case.Wx * factor, Wh=case.Wh * factor, b=case.b * factor)


def _scale_to(case: ExactCase, target: float, rounds: int = 8) -> ExactCase:
    """Scale Wx, Wh, b together so that the largest |pre-activation| is close to ``target``.

    Exact in one round for a step of the RNN or LSTM (a is linear in the weights); a few rounds for
    the rest. A case whose pre-activations are all 0 cannot be scaled and is returned unchanged.
    """
    for _ in range(rounds):
        m = _max_abs(case.preactivations())
        if m == 0.0 or abs(m - target) <= 0.01 * target:
            break
        factor = target / m if np.isfinite(m) else 1e-3
        case = _rescaled(case, factor)
    return case


def _cap(case: ExactCase) -> ExactCase:
    """Scale the weights down until every |pre-activation| is at most PREACT_CAP."""
    for _ in range(8):
        m = _max_abs(case.preactivations())
        if m <= PREACT_CAP:
            break
        case = _rescaled(case, 0.9 * PREACT_CAP / m if np.isfinite(m) else 1e-3)
    return case


def _kink_free_shift(values: np.ndarray, margin: float) -> float:
    """The smallest shift d in 0, +-2.5m, +-5m, ... with |v + d| >= m for every v in ``values``.

    An open interval of width 2m holds at most one multiple of 2.5m, so one of the first
    ``len(values) + 1`` non-negative multiples always works.
    """
    step = 2.5 * margin
    for k in range(values.size + 2):
        for d in ((0.0,) if k == 0 else (k * step, -k * step)):
            if np.all(np.abs(values + d) >= margin):
                return d
    return 0.0  # unreachable


def _avoid_kink(case: ExactCase) -> ExactCase:
    """Nudge the relu RNN's bias until no pre-activation lies within RELU_KINK_MARGIN of 0.

    Shifting b_j shifts every pre-activation of unit j by the same amount at the first step (exact for
    a step case); for a sequence later steps move too, so this repeats a few times.
    """
    margin = 1.5 * RELU_KINK_MARGIN  # a little more, so later steps rarely fall back in
    for _ in range(6):
        a = case.preactivations()  # (T, N, H)
        if np.all(np.abs(a) >= RELU_KINK_MARGIN):
            break
        shift = np.array([_kink_free_shift(a[:, :, j].ravel(), margin) for j in range(a.shape[2])])
        case = dataclasses.replace(case, b=case.b + shift)
    return case


def _finish(case: ExactCase, scale_target: float | None, avoid_relu_kink: bool) -> ExactCase:
    """Scale a raw draw (to ``scale_target`` if given, else only capped), then nudge off the relu kink."""
    if scale_target is not None:
        case = _scale_to(case, scale_target)
    case = _cap(case)
    if avoid_relu_kink and case.activation == "relu":
        case = _avoid_kink(case)
    return case


def _acceptable(case: ExactCase, large: bool, avoid_relu_kink: bool) -> bool:
    a = case.preactivations()
    m = _max_abs(a)
    if not m < PREACT_LIMIT:
        return False
    if large and m < 0.9 * LARGE_PREACT[0]:
        return False
    if avoid_relu_kink and case.activation == "relu" and np.any(np.abs(a) < RELU_KINK_MARGIN):
        return False
    return True


# ----------------------------------------------------------------------------------------------------
# Validation


def _check_rnn(activations, min_alpha, max_alpha, avoid_relu_kink) -> tuple[str, ...]:
    if isinstance(activations, str):
        activations = (activations,)
    activations = tuple(activations)
    if not activations or any(a not in ACTIVATIONS for a in activations):
        raise InvalidArgument(f"activations={activations!r} must be a non-empty subset of {ACTIVATIONS}")
    for name, value in (("min_alpha", min_alpha), ("max_alpha", max_alpha)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
            raise InvalidArgument(f"{name}={value!r} must be a number in [0, 1)")
    if min_alpha > max_alpha:
        raise InvalidArgument(f"min_alpha={min_alpha!r} is larger than max_alpha={max_alpha!r}")
    if not isinstance(avoid_relu_kink, bool):
        raise InvalidArgument(f"avoid_relu_kink={avoid_relu_kink!r} must be True or False")
    return activations


# ----------------------------------------------------------------------------------------------------
# Building blocks (the draws are those of the strategies before the split, call for call)


def _cases(model: str, step: bool, *, avoid_relu_kink: bool = False, **bounds) -> st.SearchStrategy[ExactCase]:
    """The public module's case builder with exact cases: scaled and filtered on their exact
    pre-activations (and kept off the relu kink when asked)."""
    return public._cases(
        model, step, case_class=ExactCase,
        finish=lambda case, target: _finish(case, target, avoid_relu_kink),
        acceptable=lambda case, large: _acceptable(case, large, avoid_relu_kink),
        **bounds,
    )


# ----------------------------------------------------------------------------------------------------
# Strategies (the same signatures as the public ones, plus ``avoid_relu_kink`` for the RNN)


def rnn_step_cases(
    *,
    min_batch: int = 1,
    max_batch: int = 3,
    min_input: int = 1,
    max_input: int = 4,
    min_hidden: int = 1,
    max_hidden: int = 4,
    activations: tuple[str, ...] = ACTIVATIONS,
    min_alpha: float = 0.0,
    max_alpha: float = _ALPHA_MAX,
    zero_initial_state: bool = False,
    scale: str = "any",
    avoid_relu_kink: bool = True,
) -> st.SearchStrategy[ExactCase]:
    """Arguments of ``rnn_step_forward`` (and upstream ``dnext_h`` for ``rnn_step_backward``).

    As ``strategies_recurrent.rnn_step_cases``, with exact magnitudes, and:
        avoid_relu_kink: keep every relu pre-activation at least RELU_KINK_MARGIN away from 0
            (for numerical gradient checks).
    """
    check_range("batch", min_batch, max_batch)
    check_range("input", min_input, max_input)
    check_range("hidden", min_hidden, max_hidden)
    activations = _check_rnn(activations, min_alpha, max_alpha, avoid_relu_kink)
    _check_common(scale, zero_initial_state)
    return _cases("rnn", True, batch=(min_batch, max_batch), steps=(1, 1), inputs=(min_input, max_input),
                  hidden=(min_hidden, max_hidden), activations=activations, alphas=(min_alpha, max_alpha),
                  zero_initial_state=zero_initial_state, scale=scale, avoid_relu_kink=avoid_relu_kink)


def rnn_cases(
    *,
    min_batch: int = 1,
    max_batch: int = 3,
    min_steps: int = 1,
    max_steps: int = 4,
    min_input: int = 1,
    max_input: int = 4,
    min_hidden: int = 1,
    max_hidden: int = 4,
    activations: tuple[str, ...] = ACTIVATIONS,
    min_alpha: float = 0.0,
    max_alpha: float = _ALPHA_MAX,
    zero_initial_state: bool = False,
    scale: str = "any",
    avoid_relu_kink: bool = True,
) -> st.SearchStrategy[ExactCase]:
    """Arguments of ``rnn_forward`` (and upstream ``dh`` for ``rnn_backward``); as
    ``strategies_recurrent.rnn_cases`` with exact magnitudes and ``avoid_relu_kink``."""
    check_range("batch", min_batch, max_batch)
    check_range("steps", min_steps, max_steps)
    check_range("input", min_input, max_input)
    check_range("hidden", min_hidden, max_hidden)
    activations = _check_rnn(activations, min_alpha, max_alpha, avoid_relu_kink)
    _check_common(scale, zero_initial_state)
    return _cases("rnn", False, batch=(min_batch, max_batch), steps=(min_steps, max_steps),
                  inputs=(min_input, max_input), hidden=(min_hidden, max_hidden), activations=activations,
                  alphas=(min_alpha, max_alpha), zero_initial_state=zero_initial_state, scale=scale,
                  avoid_relu_kink=avoid_relu_kink)


def _gated_step_cases(model, min_batch, max_batch, min_input, max_input, min_hidden, max_hidden,
                      zero_initial_state, scale):
    check_range("batch", min_batch, max_batch)
    check_range("input", min_input, max_input)
    check_range("hidden", min_hidden, max_hidden)
    _check_common(scale, zero_initial_state)
    return _cases(model, True, batch=(min_batch, max_batch), steps=(1, 1), inputs=(min_input, max_input),
                  hidden=(min_hidden, max_hidden), zero_initial_state=zero_initial_state, scale=scale)


def _gated_cases(model, min_batch, max_batch, min_steps, max_steps, min_input, max_input, min_hidden,
                 max_hidden, zero_initial_state, scale):
    check_range("batch", min_batch, max_batch)
    check_range("steps", min_steps, max_steps)
    check_range("input", min_input, max_input)
    check_range("hidden", min_hidden, max_hidden)
    _check_common(scale, zero_initial_state)
    return _cases(model, False, batch=(min_batch, max_batch), steps=(min_steps, max_steps),
                  inputs=(min_input, max_input), hidden=(min_hidden, max_hidden),
                  zero_initial_state=zero_initial_state, scale=scale)


def lstm_step_cases(*, min_batch: int = 1, max_batch: int = 3, min_input: int = 1, max_input: int = 4,
                    min_hidden: int = 1, max_hidden: int = 4, zero_initial_state: bool = False,
                    scale: str = "any") -> st.SearchStrategy[ExactCase]:
    """Arguments of ``lstm_step_forward``; as ``strategies_recurrent.lstm_step_cases``, exact magnitudes."""
    return _gated_step_cases("lstm", min_batch, max_batch, min_input, max_input, min_hidden, max_hidden,
                             zero_initial_state, scale)


def lstm_cases(*, min_batch: int = 1, max_batch: int = 3, min_steps: int = 1, max_steps: int = 4,
               min_input: int = 1, max_input: int = 4, min_hidden: int = 1, max_hidden: int = 4,
               zero_initial_state: bool = False, scale: str = "any") -> st.SearchStrategy[ExactCase]:
    """Arguments of ``lstm_forward``; as ``strategies_recurrent.lstm_cases``, exact magnitudes."""
    return _gated_cases("lstm", min_batch, max_batch, min_steps, max_steps, min_input, max_input,
                        min_hidden, max_hidden, zero_initial_state, scale)


def gru_step_cases(*, min_batch: int = 1, max_batch: int = 3, min_input: int = 1, max_input: int = 4,
                   min_hidden: int = 1, max_hidden: int = 4, zero_initial_state: bool = False,
                   scale: str = "any") -> st.SearchStrategy[ExactCase]:
    """Arguments of ``gru_step_forward``; as ``strategies_recurrent.gru_step_cases``, exact magnitudes."""
    return _gated_step_cases("gru", min_batch, max_batch, min_input, max_input, min_hidden, max_hidden,
                             zero_initial_state, scale)


def gru_cases(*, min_batch: int = 1, max_batch: int = 3, min_steps: int = 1, max_steps: int = 4,
              min_input: int = 1, max_input: int = 4, min_hidden: int = 1, max_hidden: int = 4,
              zero_initial_state: bool = False, scale: str = "any") -> st.SearchStrategy[ExactCase]:
    """Arguments of ``gru_forward``; as ``strategies_recurrent.gru_cases``, exact magnitudes."""
    return _gated_cases("gru", min_batch, max_batch, min_steps, max_steps, min_input, max_input,
                        min_hidden, max_hidden, zero_initial_state, scale)
