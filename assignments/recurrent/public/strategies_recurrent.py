"""Hypothesis strategies for the ``recurrent`` assignment (vanilla/leaky RNN, LSTM, GRU; SPEC 5-7).

Every strategy draws a ``RecurrentCase``: the arguments of one forward function (one time step or a
whole sequence) plus upstream gradients for its backward function, all float64, finite and small, so
that a case can drive a centred numerical gradient check in well under a second.

Dimensions: N batch size, T time steps, D input size, H hidden size; G gate blocks (1 for the RNN,
4 for the LSTM, 3 for the GRU), so Wx is (D, G*H), Wh is (H, G*H) and b is (G*H,).

What a case can contain (each one an option below; by default every one of them is possible):
- N = 1, T = 1 and D != H (sizes are drawn independently from small ranges);
- a nonzero initial state h0 / prev_h (and prev_c for an LSTM step);
- for the RNN, activation "relu" as well as "tanh", and a leak alpha in [0, 0.9];
- large, saturating pre-activations (``scale="large"``): the weights are rescaled so that the largest
  |pre-activation| of the case is about 20 to 40 (always at least ``LARGE_PREACT[0] * 0.9``).

Guarantees for every case:
- every pre-activation a (the argument of each tanh, relu and sigmoid, at every time step) has
  |a| < ``PREACT_LIMIT`` = 50 (weights are scaled down when a draw would exceed ``PREACT_CAP``), so a
  correct sigmoid stays finite and accurate (SPEC 2);
- with ``avoid_relu_kink=True`` (the default), every relu pre-activation has |a| >= ``RELU_KINK_MARGIN``,
  so a centred difference with step ~1e-6 never straddles the kink at 0 (the bias is nudged, and the
  rare case that cannot be nudged is filtered out);
- arrays are fresh float64 ndarrays; upstream gradients and inputs lie in [-1, 1] (prev_c in [-2, 2]).

Strategies (keyword-only bounds with small defaults, validated when the strategy is built; a bad bound
raises ``hypothesis.errors.InvalidArgument`` echoing the values, e.g.
``min_hidden=3 is larger than max_hidden=2``):
- ``rnn_step_cases``, ``rnn_cases``: arguments of ``rnn_step_forward`` / ``rnn_forward``;
- ``lstm_step_cases``, ``lstm_cases``: arguments of ``lstm_step_forward`` / ``lstm_forward``;
- ``gru_step_cases``, ``gru_cases``: arguments of ``gru_step_forward`` / ``gru_forward``.

Typical use::

    @given(case=lstm_step_cases(max_hidden=3))
    def check(case):
        next_h, next_c, cache = lstm_step_forward(*case.args, **case.kwargs)
        grads = lstm_step_backward(*case.upstream, cache)   # named case.grad_names
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from autograder.checklib.validation import check_int, check_range

__all__ = [
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

#: Number of H-wide gate blocks in Wx, Wh and b, per model (SPEC 5-7).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
#: The RNN's activations (SPEC 5).
ACTIVATIONS = ("tanh", "relu")
#: Values of the ``scale`` option: "unit" (weights in [-1, 1]), "large" (saturating), "any" (either).
SCALES = ("unit", "large", "any")
#: Every |pre-activation| of a generated case is below this (SPEC 2: sigmoid finite up to |a| = 50).
PREACT_LIMIT = 50.0
#: A draw whose largest |pre-activation| exceeds this has its weights scaled down to below it.
PREACT_CAP = 45.0
#: ``scale="large"``: the case's largest |pre-activation| is drawn from this range.
LARGE_PREACT = (20.0, 40.0)
#: ``avoid_relu_kink=True``: every relu pre-activation is at least this far from 0.
RELU_KINK_MARGIN = 1e-3
#: Arrays with at most this many entries are printed in full by ``RecurrentCase.__repr__``.
REPR_MAX_SIZE = 24

_ALPHA_MAX = 0.9  # default largest leak


# ----------------------------------------------------------------------------------------------------
# The case


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class RecurrentCase:
    """Arguments of one forward call and the upstream gradients of its backward call.

    Attributes:
        model: "rnn", "lstm" or "gru".
        step: True for a single time step (``*_step_forward``), False for a sequence (``*_forward``).
        x: inputs, shape (N, D) for a step, (N, T, D) for a sequence.
        h0: initial / previous hidden state, shape (N, H) (``prev_h`` of a step, ``h0`` of a sequence).
        Wx: input-to-hidden weights, shape (D, G*H).
        Wh: hidden-to-hidden weights, shape (H, G*H).
        b: biases, shape (G*H,).
        dh: upstream gradient of the hidden output, shape (N, H) for a step (``dnext_h``),
            (N, T, H) for a sequence.
        prev_c: previous cell state, shape (N, H), for an LSTM step only (None otherwise; a sequence
            starts from c0 = 0).
        dc: upstream gradient of next_c, shape (N, H), for an LSTM step only (None otherwise).
        activation: "tanh" or "relu" for the RNN, None otherwise.
        alpha: the RNN's leak (0.0 for the vanilla RNN, and for the other models).
    """

    model: str
    step: bool
    x: np.ndarray
    h0: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray
    dh: np.ndarray
    prev_c: np.ndarray | None = None
    dc: np.ndarray | None = None
    activation: str | None = None
    alpha: float = 0.0

    # -- sizes --------------------------------------------------------------------------------------
    @property
    def N(self) -> int:
        return self.x.shape[0]

    @property
    def T(self) -> int | None:
        """Number of time steps; None for a single step."""
        return None if self.step else self.x.shape[1]

    @property
    def D(self) -> int:
        return self.x.shape[-1]

    @property
    def H(self) -> int:
        return self.h0.shape[1]

    # -- SPEC names ---------------------------------------------------------------------------------
    @property
    def prev_h(self) -> np.ndarray:
        return self.h0

    @property
    def dnext_h(self) -> np.ndarray:
        return self.dh

    @property
    def dnext_c(self) -> np.ndarray | None:
        return self.dc

    @property
    def name(self) -> str:
        """E.g. "lstm_step" or "gru"."""
        return f"{self.model}_step" if self.step else self.model

    @property
    def forward_name(self) -> str:
        return f"{self.name}_forward"

    @property
    def backward_name(self) -> str:
        return f"{self.name}_backward"

    @property
    def arg_names(self) -> tuple[str, ...]:
        """Names of the forward's positional arguments, in SPEC order."""
        if not self.step:
            return ("x", "h0", "Wx", "Wh", "b")
        if self.model == "lstm":
            return ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
        return ("x", "prev_h", "Wx", "Wh", "b")

    @property
    def args(self) -> tuple[np.ndarray, ...]:
        """The forward's positional arguments, in SPEC order (the case's own arrays: copy to mutate)."""
        if self.step and self.model == "lstm":
            return (self.x, self.h0, self.prev_c, self.Wx, self.Wh, self.b)
        return (self.x, self.h0, self.Wx, self.Wh, self.b)

    @property
    def kwargs(self) -> dict:
        """The forward's keyword arguments: activation and alpha for the RNN, nothing otherwise."""
        return {"activation": self.activation, "alpha": self.alpha} if self.model == "rnn" else {}

    @property
    def output_names(self) -> tuple[str, ...]:
        """Names of the forward's array outputs (before the cache)."""
        if not self.step:
            return ("h",)
        return ("next_h", "next_c") if self.model == "lstm" else ("next_h",)

    @property
    def upstream_names(self) -> tuple[str, ...]:
        if not self.step:
            return ("dh",)
        return ("dnext_h", "dnext_c") if self.model == "lstm" else ("dnext_h",)

    @property
    def upstream(self) -> tuple[np.ndarray, ...]:
        """The backward's positional arguments before the cache, in SPEC order."""
        return (self.dh, self.dc) if self.step and self.model == "lstm" else (self.dh,)

    @property
    def grad_names(self) -> tuple[str, ...]:
        """Names of the backward's outputs, in SPEC order (one per forward argument)."""
        return tuple("d" + name for name in self.arg_names)

    # -- diagnostics --------------------------------------------------------------------------------
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

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis' failing-example printer uses this
        printer.text(repr(self))

    def __repr__(self) -> str:
        sizes = f"N={self.N}" + ("" if self.step else f", T={self.T}") + f", D={self.D}, H={self.H}"
        if self.model == "rnn":
            sizes += f", activation={self.activation!r}, alpha={self.alpha!r}"
        arrays = dict(zip(self.arg_names, self.args))
        arrays.update(zip(self.upstream_names, self.upstream))
        shown = ",\n  ".join(f"{name}={_show(a)}" for name, a in arrays.items())
        return (f"RecurrentCase({self.name}: {sizes}, max|a|={self.max_abs_preactivation:.3g},\n"
                f"  {shown})")


def _show(a: np.ndarray) -> str:
    if a.size <= REPR_MAX_SIZE:
        text = np.array2string(a, separator=", ", max_line_width=100,
                               formatter={"float_kind": lambda v: repr(float(v))})
        return "np.array(" + text.replace("\n", "\n  ") + ")"
    return f"<array of shape {a.shape}, max |entry| {np.max(np.abs(a)):.3g}>"


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


def _rescaled(case: RecurrentCase, factor: float) -> RecurrentCase:
    return dataclasses.replace(case, Wx=case.Wx * factor, Wh=case.Wh * factor, b=case.b * factor)


def _scale_to(case: RecurrentCase, target: float, rounds: int = 8) -> RecurrentCase:
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


def _cap(case: RecurrentCase) -> RecurrentCase:
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


def _avoid_kink(case: RecurrentCase) -> RecurrentCase:
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


def _finish(case: RecurrentCase, scale_target: float | None, avoid_relu_kink: bool) -> RecurrentCase:
    """Scale a raw draw (to ``scale_target`` if given, else only capped), then nudge off the relu kink."""
    if scale_target is not None:
        case = _scale_to(case, scale_target)
    case = _cap(case)
    if avoid_relu_kink and case.activation == "relu":
        case = _avoid_kink(case)
    return case


def _acceptable(case: RecurrentCase, large: bool, avoid_relu_kink: bool) -> bool:
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


def _check_common(scale, zero_initial_state) -> None:
    if scale not in SCALES:
        raise InvalidArgument(f"scale={scale!r} must be one of {SCALES}")
    if not isinstance(zero_initial_state, bool):
        raise InvalidArgument(f"zero_initial_state={zero_initial_state!r} must be True or False")


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
# Building blocks


#: Cases draw one seed from this many; numpy fills every array of the case from it.
SEEDS = 1000


def _arrays(seed: int, shapes: dict, zero: tuple = ()) -> dict:
    """Arrays of the given shapes (name -> (shape, bound)) filled from one seed, independent uniform
    entries in [-bound, bound] (names in ``zero`` get zeros). Every entry differs, so a transposed or
    swapped weight block shows up; drawing costs microseconds; and a failing case shrinks in a few
    dozen steps (sizes to their minimum, the seed towards 0) instead of hundreds."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, (shape, bound) in shapes.items():
        values = rng.uniform(-bound, bound, shape)
        out[name] = np.zeros(shape) if name in zero else values
    return out


def _cases(
    model: str,
    step: bool,
    *,
    batch: tuple[int, int],
    steps: tuple[int, int],
    inputs: tuple[int, int],
    hidden: tuple[int, int],
    activations: tuple[str, ...] = (),
    alphas: tuple[float, float] = (0.0, 0.0),
    zero_initial_state: bool,
    scale: str,
    avoid_relu_kink: bool = False,
) -> st.SearchStrategy[RecurrentCase]:
    G = GATES[model]
    targets = {
        "unit": st.none(),
        "large": st.floats(*LARGE_PREACT),
        "any": st.one_of(st.none(), st.floats(*LARGE_PREACT)),
    }[scale]
    sizes = st.tuples(
        st.integers(*batch),
        st.just(1) if step else st.integers(*steps),
        st.integers(*inputs),
        st.integers(*hidden),
    )

    @functools.lru_cache(maxsize=None)
    def draw_case(dims: tuple[int, int, int, int]) -> st.SearchStrategy[RecurrentCase]:
        N, T, D, H = dims
        seq = () if step else (T,)
        lstm_step = step and model == "lstm"
        shapes = {
            "x": ((N, *seq, D), 1.0), "h0": ((N, H), 1.0), "Wx": ((D, G * H), 1.0), "Wh": ((H, G * H), 1.0),
            "b": ((G * H,), 1.0), "dh": ((N, *seq, H), 1.0),
        }
        if lstm_step:
            shapes.update(prev_c=((N, H), 2.0), dc=((N, H), 1.0))
        zero = ("h0", "prev_c") if zero_initial_state else ()
        fields = {
            "seed": st.integers(0, SEEDS - 1),
            "activation": st.sampled_from(activations) if model == "rnn" else st.none(),
            "alpha": st.floats(*alphas) if alphas[1] > 0 else st.just(0.0),
        }

        def build(drawn):
            values, target = drawn
            arrays = _arrays(values.pop("seed"), shapes, zero)
            case = RecurrentCase(model=model, step=step, **arrays, **values)
            return _finish(case, target, avoid_relu_kink)

        return st.tuples(st.fixed_dictionaries(fields), targets).map(build)

    return (
        sizes.flatmap(draw_case)
        .filter(lambda case: _acceptable(case, scale == "large", avoid_relu_kink))
    )


# ----------------------------------------------------------------------------------------------------
# Public strategies


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
) -> st.SearchStrategy[RecurrentCase]:
    """Arguments of ``rnn_step_forward`` (and upstream ``dnext_h`` for ``rnn_step_backward``).

    Args:
        min_batch, max_batch: bounds on N (>= 1).
        min_input, max_input: bounds on D (>= 1).
        min_hidden, max_hidden: bounds on H (>= 1).
        activations: the activations to draw from, a non-empty subset of ("tanh", "relu").
        min_alpha, max_alpha: bounds on the leak alpha, 0 <= min_alpha <= max_alpha < 1;
            ``max_alpha=0.0`` gives only the vanilla RNN.
        zero_initial_state: True for prev_h = 0; False (default) draws prev_h from [-1, 1].
        scale: "unit" (x, h, weights in [-1, 1]), "large" (weights scaled so the largest |a| is in
            ~[20, 40]) or "any" (either, default).
        avoid_relu_kink: keep every relu pre-activation at least RELU_KINK_MARGIN away from 0
            (for numerical gradient checks).

    Generates:
        ``RecurrentCase`` with x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H,),
        activation, alpha, dnext_h (N, H).
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
) -> st.SearchStrategy[RecurrentCase]:
    """Arguments of ``rnn_forward`` (and upstream ``dh`` for ``rnn_backward``).

    Args:
        min_steps, max_steps: bounds on T (>= 1).
        zero_initial_state: True for h0 = 0; False (default) draws h0 from [-1, 1].
        The rest as for ``rnn_step_cases``.

    Generates:
        ``RecurrentCase`` with x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b (H,),
        activation, alpha, dh (N, T, H).
    """
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


def lstm_step_cases(
    *,
    min_batch: int = 1,
    max_batch: int = 3,
    min_input: int = 1,
    max_input: int = 4,
    min_hidden: int = 1,
    max_hidden: int = 4,
    zero_initial_state: bool = False,
    scale: str = "any",
) -> st.SearchStrategy[RecurrentCase]:
    """Arguments of ``lstm_step_forward`` (and ``dnext_h``, ``dnext_c`` for ``lstm_step_backward``).

    Args:
        min_batch, max_batch, min_input, max_input, min_hidden, max_hidden: bounds on N, D, H (>= 1).
        zero_initial_state: True for prev_h = prev_c = 0; False (default) draws prev_h from [-1, 1]
            and prev_c from [-2, 2].
        scale: "unit", "large" or "any" (default), as for ``rnn_step_cases``.

    Generates:
        ``RecurrentCase`` with x (N, D), prev_h (N, H), prev_c (N, H), Wx (D, 4H), Wh (H, 4H),
        b (4H,), dnext_h (N, H), dnext_c (N, H).
    """
    return _gated_step_cases("lstm", min_batch, max_batch, min_input, max_input, min_hidden, max_hidden,
                             zero_initial_state, scale)


def lstm_cases(
    *,
    min_batch: int = 1,
    max_batch: int = 3,
    min_steps: int = 1,
    max_steps: int = 4,
    min_input: int = 1,
    max_input: int = 4,
    min_hidden: int = 1,
    max_hidden: int = 4,
    zero_initial_state: bool = False,
    scale: str = "any",
) -> st.SearchStrategy[RecurrentCase]:
    """Arguments of ``lstm_forward`` (and ``dh`` for ``lstm_backward``); the cell state starts at 0.

    Args:
        min_steps, max_steps: bounds on T (>= 1).
        zero_initial_state: True for h0 = 0; False (default) draws h0 from [-1, 1].
        The rest as for ``lstm_step_cases``.

    Generates:
        ``RecurrentCase`` with x (N, T, D), h0 (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,), dh (N, T, H).
    """
    return _gated_cases("lstm", min_batch, max_batch, min_steps, max_steps, min_input, max_input,
                        min_hidden, max_hidden, zero_initial_state, scale)


def gru_step_cases(
    *,
    min_batch: int = 1,
    max_batch: int = 3,
    min_input: int = 1,
    max_input: int = 4,
    min_hidden: int = 1,
    max_hidden: int = 4,
    zero_initial_state: bool = False,
    scale: str = "any",
) -> st.SearchStrategy[RecurrentCase]:
    """Arguments of ``gru_step_forward`` (and ``dnext_h`` for ``gru_step_backward``).

    Args:
        min_batch, max_batch, min_input, max_input, min_hidden, max_hidden: bounds on N, D, H (>= 1).
        zero_initial_state: True for prev_h = 0; False (default) draws prev_h from [-1, 1].
        scale: "unit", "large" or "any" (default), as for ``rnn_step_cases``.

    Generates:
        ``RecurrentCase`` with x (N, D), prev_h (N, H), Wx (D, 3H), Wh (H, 3H), b (3H,),
        dnext_h (N, H).
    """
    return _gated_step_cases("gru", min_batch, max_batch, min_input, max_input, min_hidden, max_hidden,
                             zero_initial_state, scale)


def gru_cases(
    *,
    min_batch: int = 1,
    max_batch: int = 3,
    min_steps: int = 1,
    max_steps: int = 4,
    min_input: int = 1,
    max_input: int = 4,
    min_hidden: int = 1,
    max_hidden: int = 4,
    zero_initial_state: bool = False,
    scale: str = "any",
) -> st.SearchStrategy[RecurrentCase]:
    """Arguments of ``gru_forward`` (and ``dh`` for ``gru_backward``).

    Args:
        min_steps, max_steps: bounds on T (>= 1).
        The rest as for ``gru_step_cases``.

    Generates:
        ``RecurrentCase`` with x (N, T, D), h0 (N, H), Wx (D, 3H), Wh (H, 3H), b (3H,), dh (N, T, H).
    """
    return _gated_cases("gru", min_batch, max_batch, min_steps, max_steps, min_input, max_input,
                        min_hidden, max_hidden, zero_initial_state, scale)
