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
- large, saturating pre-activations (``scale="large"``): the weights are rescaled so that a bound on
  every |pre-activation| of the case is about 20 to 40.

How magnitudes are controlled: never by running the forward recurrence (that would be a copy of the
students' forward functions, and this module ships to them). ``preactivation_bound`` bounds every
pre-activation from norms of the arrays alone: tanh, ``o * tanh(c)`` and the GRU's convex combination
keep every later state in [-hb, hb] with hb = max(1, max|h0|), so
|a_j| <= sum_k |x_k| |Wx_kj| + hb * sum_k |Wh_kj| + |b_j| (|h0| itself at the first step); for the
relu RNN the bound |h_t| <= alpha |h_{t-1}| + (1 - alpha) |a_t| is iterated over time (the bound, never
the values). Wx, Wh and b are scaled together so that this bound is where it should be.

Guarantees for every case:
- every pre-activation a (the argument of each tanh, relu and sigmoid, at every time step) has
  |a| <= ``preactivation_bound`` <= ``PREACT_CAP`` = 45 < ``PREACT_LIMIT`` = 50 (weights are scaled down
  when the bound of a draw exceeds the cap), so a correct sigmoid stays finite and accurate (SPEC 2);
- ``scale="large"``: the bound is in ``LARGE_PREACT`` (about 20 to 40);
- arrays are fresh float64 ndarrays; upstream gradients and inputs lie in [-1, 1] (prev_c in [-2, 2]).

Relu pre-activations are not kept away from the kink at 0 (that needs the exact pre-activations);
a generic draw lands within 1e-6 of it with probability ~1e-6 per pre-activation, and the public
gradient check tells a kink from a wrong gradient (``checks_recurrent.gradient_consistent``).

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

from autograder.checklib import pastable
from autograder.checklib.validation import check_range

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
    "preactivation_bound",
]

#: Number of H-wide gate blocks in Wx, Wh and b, per model (SPEC 5-7).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
#: The RNN's activations (SPEC 5).
ACTIVATIONS = ("tanh", "relu")
#: Values of the ``scale`` option: "unit" (weights in [-1, 1]), "large" (saturating), "any" (either).
SCALES = ("unit", "large", "any")
#: Every |pre-activation| of a generated case is below this (SPEC 2: sigmoid finite up to |a| = 50).
PREACT_LIMIT = 50.0
#: A draw whose pre-activation bound exceeds this has its weights scaled down to below it.
PREACT_CAP = 45.0
#: ``scale="large"``: the case's pre-activation bound is drawn from this range.
LARGE_PREACT = (20.0, 40.0)

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
    @property
    def preactivation_bound(self) -> float:
        """An upper bound on every |pre-activation| of the forward pass (``preactivation_bound``)."""
        return preactivation_bound(self)

    def _magnitude(self) -> str:
        return f"|pre-activations| <= {self.preactivation_bound:.3g}"

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis' failing-example printer uses this
        printer.text(repr(self))

    def __repr__(self) -> str:
        """The case as Python to paste next to the student's files (``pastable.snippet``): a comment
        with the sizes and regime, every array in full and exact, the forward and backward calls."""
        sizes = f"N={self.N}" + ("" if self.step else f", T={self.T}") + f", D={self.D}, H={self.H}"
        regime = f", {self.activation}, alpha={self.alpha!r}" if self.model == "rnn" else ""
        values = dict(zip(self.arg_names, self.args))
        values.update(zip(self.upstream_names, self.upstream))
        # (text as f-strings: Hypothesis mixes plain string literals of this module into its draws)
        code = [pastable.call((*self.output_names, f"cache"), self.forward_name, self.arg_names, self.kwargs),
                pastable.call(self.grad_names, self.backward_name, (*self.upstream_names, f"cache"))]
        return pastable.snippet(f"{self.name}{regime}: {sizes}, {self._magnitude()}", values, code,
                                functions=(self.forward_name, self.backward_name), near=__file__)


# ----------------------------------------------------------------------------------------------------
# Magnitudes from norms: a bound on the pre-activations, and the weight scale that puts it in place


def _bound(case: RecurrentCase, factor: float = 1.0) -> float:
    """``preactivation_bound`` of ``case`` with Wx, Wh and b multiplied by ``factor``."""
    xs = case.x[:, None, :] if case.step else case.x
    from_x = np.abs(xs) @ (factor * np.abs(case.Wx))  # (N, T, G*H): sum_k |x_k| |Wx_kj| per step
    abs_Wh, abs_b = factor * np.abs(case.Wh), factor * np.abs(case.b)
    state = np.abs(case.h0)  # (N, H): a bound on |h| before the current step
    if case.model == "rnn" and case.activation == "relu":
        # relu(a) lies in [0, |a|]: |h_t| <= alpha |h_{t-1}| + (1 - alpha) |a_t|, per sample and unit
        largest = 0.0
        for t in range(from_x.shape[1]):
            bound_a = from_x[:, t] + state @ abs_Wh + abs_b
            largest = max(largest, float(np.max(bound_a)))
            state = case.alpha * state + (1.0 - case.alpha) * bound_a
        return largest
    first = from_x[:, 0] + state @ abs_Wh + abs_b
    later = from_x[:, 1:] + max(1.0, float(np.max(state, initial=0.0))) * abs_Wh.sum(axis=0) + abs_b
    return max(float(np.max(first)), float(np.max(later, initial=0.0)))


def preactivation_bound(case: RecurrentCase) -> float:
    """An upper bound on |a| for every pre-activation a of the case's forward pass (every argument of a
    tanh, relu or sigmoid, at every time step), from norms of the arrays alone.

    - tanh RNN (leaky or not), LSTM, GRU: every state after the first step has |h| <= hb =
      max(1, max|h0|) (tanh and o * tanh(c) lie in [-1, 1]; the leak and the GRU's update gate mix two
      values of [-hb, hb]), so |a_j| <= sum_k |x_k| |Wx_kj| + hb * sum_k |Wh_kj| + |b_j|, and at the first
      step sum_k |h0_k| |Wh_kj| takes the middle term's place. The GRU candidate's (r * h) has
      |r * h| <= |h|; an LSTM step's prev_c enters no pre-activation.
    - relu RNN: relu(a) lies in [0, |a|], so |h_t| <= alpha |h_{t-1}| + (1 - alpha) |a_t|; this bound
      is iterated over the time steps (the bound, never the states).
    """
    return _bound(case)


def _scale_for(case: RecurrentCase, target: float) -> float:
    """The factor for Wx, Wh and b that puts ``preactivation_bound`` at ``target`` (within 1 %, never
    above it). The bound is proportional to the factor, except for a relu sequence, where it grows
    faster (a polynomial with non-negative coefficients): then bisect on the factor's logarithm."""
    unit = _bound(case)
    if not unit > 0.0:
        return 1.0  # nothing to scale (all weights 0)
    factor = target / unit
    if not (case.model == "rnn" and case.activation == "relu" and not case.step):
        return factor
    lo, hi = factor, factor
    for _ in range(200):
        if _bound(case, lo) <= target:
            break
        lo /= 2.0
    for _ in range(200):
        if _bound(case, hi) >= target:
            break
        hi *= 2.0
    for _ in range(60):
        if _bound(case, lo) >= 0.99 * target:
            break
        mid = float(np.sqrt(lo * hi))
        lo, hi = (mid, hi) if _bound(case, mid) <= target else (lo, mid)
    return lo


def _rescaled(case: RecurrentCase, factor: float) -> RecurrentCase:
    return dataclasses.replace(case, Wx=case.Wx * factor, Wh=case.Wh * factor, b=case.b * factor)


def _finish(case: RecurrentCase, scale_target: float | None) -> RecurrentCase:
    """Scale a raw draw so that its bound is ``scale_target`` (if given); a draw whose bound is above
    PREACT_CAP is scaled down to 0.9 * PREACT_CAP."""
    if scale_target is not None:
        return _rescaled(case, _scale_for(case, scale_target))
    if _bound(case) > PREACT_CAP:
        return _rescaled(case, _scale_for(case, 0.9 * PREACT_CAP))
    return case


def _acceptable(case: RecurrentCase, large: bool) -> bool:
    """The guarantees, checked (they hold by construction; a draw of all-zero weights would not scale)."""
    bound = _bound(case)
    return bound <= PREACT_CAP and (not large or bound >= 0.99 * LARGE_PREACT[0])


# ----------------------------------------------------------------------------------------------------
# Validation


def _check_common(scale, zero_initial_state) -> None:
    if scale not in SCALES:
        raise InvalidArgument(f"scale={scale!r} must be one of {SCALES}")
    if not isinstance(zero_initial_state, bool):
        raise InvalidArgument(f"zero_initial_state={zero_initial_state!r} must be True or False")


def _check_rnn(activations, min_alpha, max_alpha) -> tuple[str, ...]:
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
    case_class: type = RecurrentCase,
    finish=None,
    acceptable=None,
) -> st.SearchStrategy[RecurrentCase]:
    """Cases of one forward function: sizes, then one seed filling every array, then ``finish(case,
    target)`` scales the draw and ``acceptable(case, large)`` filters it (defaults: this module's
    bound-based ones; the grader's exact strategies pass their own, and their case class)."""
    finish = finish or _finish
    acceptable = acceptable or _acceptable
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
            case = case_class(model=model, step=step, **arrays, **values)
            return finish(case, target)

        return st.tuples(st.fixed_dictionaries(fields), targets).map(build)

    return (
        sizes.flatmap(draw_case)
        .filter(lambda case: acceptable(case, scale == "large"))
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
        scale: "unit" (x, h, weights in [-1, 1], scaled down only past the cap), "large" (weights
            scaled so the pre-activation bound is in ~[20, 40]) or "any" (either, default).

    Generates:
        ``RecurrentCase`` with x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H,),
        activation, alpha, dnext_h (N, H).
    """
    check_range("batch", min_batch, max_batch)
    check_range("input", min_input, max_input)
    check_range("hidden", min_hidden, max_hidden)
    activations = _check_rnn(activations, min_alpha, max_alpha)
    _check_common(scale, zero_initial_state)
    return _cases("rnn", True, batch=(min_batch, max_batch), steps=(1, 1), inputs=(min_input, max_input),
                  hidden=(min_hidden, max_hidden), activations=activations, alphas=(min_alpha, max_alpha),
                  zero_initial_state=zero_initial_state, scale=scale)


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
    activations = _check_rnn(activations, min_alpha, max_alpha)
    _check_common(scale, zero_initial_state)
    return _cases("rnn", False, batch=(min_batch, max_batch), steps=(min_steps, max_steps),
                  inputs=(min_input, max_input), hidden=(min_hidden, max_hidden), activations=activations,
                  alphas=(min_alpha, max_alpha), zero_initial_state=zero_initial_state, scale=scale)


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
