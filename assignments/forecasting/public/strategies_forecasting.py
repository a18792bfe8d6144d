"""Hypothesis strategies for the ``forecasting`` assignment (layers.py, optim.py, forecast.py; SPEC 9).

Two kinds of cases, both built by a *recipe*: a plain function of a few sizes and a seed that fills
every array with numpy (``np.random.default_rng(seed)``), so a case can be rebuilt exactly::

    from strategies_forecasting import forecaster_case
    case = forecaster_case("lstm", N=2, W=3, F=1, H=2, M=1, seed=17)
    Y, cache = forecaster_forward(*case.args)
    grads = forecaster_backward(*case.upstream, cache)

A case prints (in the feedback of a failed check) as Python to paste next to your files: its recipe
and shapes in a comment, every argument in full, and the calls (``autograder.checklib.pastable``).

- ``Case`` (a function with a backward pass): the positional arguments of one forward function
  (``affine_forward``, ``layer_norm_forward``, ``ln_rnn_forward``, ``forecaster_forward``,
  ``seq2seq_forward``), upstream gradients for its backward function, and which argument (or which
  entry of the ``params`` dict) each gradient belongs to.
- ``Call`` (any other function): one call's positional and keyword arguments (``mse_loss``, optim.py,
  ``standardize``, ``unstandardize``, ``forecast_recursive``, ``init_forecaster``).

Magnitudes are controlled by bounds, never by running a model: inputs, states and weights lie in
[-1, 1], so every pre-activation of a recurrent cell has ``|a| <= F + H + 1`` (the row-vector product
of a [-1, 1] vector with a [-1, 1] matrix is at most its length) and the layer-normalised RNN's tanh
argument is at most ``|gamma| * sqrt(H - 1) + |beta|`` (a normalised row has entries of at most
``sqrt(H - 1)``). Sizes are small (N = 1, T = 1, H = 1 and a single feature all occur), so a centred
numerical gradient of a case takes milliseconds.

Strategies (keyword-only bounds with small defaults, validated when the strategy is built; a bad bound
raises ``hypothesis.errors.InvalidArgument`` echoing the values, e.g.
``min_hidden=3 is larger than max_hidden=2``):
- ``affine_cases``, ``layer_norm_cases``, ``ln_rnn_cases``, ``forecaster_cases`` (``seq2seq=True``
  for ``seq2seq_forward``): ``Case``s;
- ``mse_calls``, ``clip_calls``, ``sgd_calls``, ``adam_init_calls``, ``adam_step_calls``,
  ``standardize_calls``, ``unstandardize_calls``, ``forecast_recursive_calls``, ``init_calls``: ``Call``s.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from autograder.checklib import pastable
from autograder.checklib.validation import check_int, check_positive_float, check_range

__all__ = [
    "Case", "Call", "CELLS", "GATES", "PARAM_NAMES", "OUTPUTS", "LN_RNN_EPS",
    "affine_case", "layer_norm_case", "ln_rnn_case", "forecaster_case",
    "mse_call", "clip_call", "sgd_call", "adam_init_call", "adam_step_call", "standardize_call",
    "unstandardize_call", "forecast_recursive_call", "init_call",
    "affine_cases", "layer_norm_cases", "ln_rnn_cases", "forecaster_cases",
    "mse_calls", "clip_calls", "sgd_calls", "adam_init_calls", "adam_step_calls", "standardize_calls",
    "unstandardize_calls", "forecast_recursive_calls", "init_calls",
]

#: The recurrent cells of forecast.py and their number of H-wide gate blocks (SPEC 5-7).
CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
#: The keys of a forecaster's parameter dict, in SPEC's order.
PARAM_NAMES = ("Wx", "Wh", "b", "W_out", "b_out")
#: eps of the layer norm inside ln_rnn_forward (SPEC 9).
LN_RNN_EPS = 1e-5
#: Layer-norm rows: "normal" (spread of order 1), "tiny" (spread <= 1e-3, variance <= 1e-6: eps
#: decides; some rows exactly constant) or "mixed" (each row either).
ROWS = ("normal", "tiny", "mixed")
#: The eps values layer_norm_cases draws from (the default 1e-5 and larger ones, which matter).
EPS_VALUES = (1e-5, 1e-3, 0.1)
#: Clipping regimes: the gradients' global norm is surely "below" or "above" max_norm, or "any".
CLIP_REGIMES = ("below", "above", "any")
#: Adam states: "fresh" (t = 0, zero moments, as adam_init gives), "carried" (t >= 1), or "any".
ADAM_STATES = ("fresh", "carried", "any")
#: Cases draw one seed from this many; numpy fills every array from it.
SEEDS = 1000
#: Names of each ``Call`` function's outputs, in the order it returns them (one name: a single value).
OUTPUTS = {
    "mse_loss": ("loss", "dpred"),
    "clip_grad_norm": ("clipped", "total_norm"),
    "sgd_step": ("params",),
    "adam_init": ("state",),
    "adam_step": ("params", "state"),
    "standardize": ("scaled", "mean", "std"),
    "unstandardize": ("values",),
    "forecast_recursive": ("yhat",),
    "init_forecaster": ("params",),
}


# ----------------------------------------------------------------------------------------------------
# Values


def copied(value):
    """A deep copy of arrays, dicts of arrays and lists (so a call cannot change a case)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(copied(v) for v in value)
    return value


# ----------------------------------------------------------------------------------------------------
# The cases


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Case:
    """One forward call and the upstream gradients of its backward call.

    Attributes:
        recipe: the call that rebuilds this case, e.g. ``"affine_case(lead=(2,), D=3, M=2, seed=5)"``.
        forward_name, backward_name: the student functions, e.g. "affine_forward", "affine_backward".
        arg_names: names of the forward's positional arguments, in SPEC order.
        args: the forward's positional arguments (the case's own arrays: use ``copied`` to mutate).
        output_names: names of the forward's outputs before the cache, e.g. ("out",).
        output_shapes: SPEC's shape of each forward output.
        upstream_names, upstream: the backward's positional arguments before the cache.
        grad_names: the backward's outputs, in SPEC order (a tuple), or the keys of the dict it returns.
        grad_of: for each gradient, (argument name, key of the dict argument or None).
        grads_in_dict: True when the backward returns a dict (forecaster and seq2seq).
        label: a short description for names and feedback, e.g. "lstm".
    """

    recipe: str
    forward_name: str
    backward_name: str
    arg_names: tuple
    args: tuple
    output_names: tuple
    output_shapes: tuple
    upstream_names: tuple
    upstream: tuple
    grad_names: tuple
    grad_of: tuple
    grads_in_dict: bool = False
    label: str = ""

    def grad_label(self, grad: str) -> str:
        """How feedback names a gradient: "dx", or "grads['Wx']" for a dict."""
        return f"grads[{grad!r}]" if self.grads_in_dict else grad

    def argument(self, grad: str) -> np.ndarray:
        """The input array that gradient ``grad`` is the gradient of."""
        name, key = self.grad_of[self.grad_names.index(grad)]
        value = self.args[self.arg_names.index(name)]
        return value if key is None else value[key]

    def with_input(self, grad: str, value: np.ndarray) -> tuple:
        """The forward's arguments with the input of gradient ``grad`` replaced by ``value``."""
        name, key = self.grad_of[self.grad_names.index(grad)]
        position = self.arg_names.index(name)
        args = list(self.args)
        if key is None:
            args[position] = value
        else:
            args[position] = {**args[position], key: value}
        return tuple(args)

    def input_name(self, grad: str) -> str:
        name, key = self.grad_of[self.grad_names.index(grad)]
        return name if key is None else f"{name}[{key!r}]"

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis' failing-example printer uses this
        printer.text(repr(self))

    def __repr__(self) -> str:
        """The case as Python to paste next to the student's files (``pastable.snippet``): the recipe and
        the shapes, every argument in full and exact, the forward and backward calls."""
        values = dict(zip(self.arg_names, self.args))
        values.update(zip(self.upstream_names, self.upstream))
        grads = "grads" if self.grads_in_dict else ", ".join(self.grad_names)
        # (text as f-strings: Hypothesis mixes plain string literals of this module into its draws)
        code = [pastable.call((*self.output_names, f"cache"), self.forward_name, self.arg_names),
                pastable.call((grads,), self.backward_name, (*self.upstream_names, f"cache"))]
        return pastable.snippet(f"{self.recipe}: {pastable.shapes(values)}", values, code,
                                functions=(self.forward_name, self.backward_name), near=__file__)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Call:
    """One call of a student function: ``function(*args, **kwargs)``, built by ``recipe``."""

    recipe: str
    function: str
    arg_names: tuple
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    label: str = ""

    @property
    def named_args(self) -> dict:
        """Every argument by name (positional ones by their SPEC names, then the keywords)."""
        return {**dict(zip(self.arg_names, self.args)), **self.kwargs}

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        """The call as Python to paste next to the student's files (``pastable.snippet``): the recipe and
        the shapes, every positional argument in full and exact, the call with its keyword arguments."""
        values = dict(zip(self.arg_names, self.args))
        outputs = OUTPUTS.get(self.function, (f"result",))
        code = [pastable.call(outputs, self.function, values, self.kwargs, taken=values)]
        return pastable.snippet(f"{self.recipe}: {pastable.shapes(self.named_args)}", values, code,
                                functions=(self.function,), near=__file__)


def _recipe(name: str, *args, **kwargs) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _uniform(rng, bound, shape):
    return rng.uniform(-bound, bound, shape)


# ----------------------------------------------------------------------------------------------------
# Recipes: layers.py


def affine_case(lead=(2,), D=3, M=2, seed=0) -> Case:
    """affine_forward(x, W, b) with x of shape (*lead, D); every entry in [-1, 1]."""
    rng = np.random.default_rng(seed)
    lead = tuple(lead)
    x, W, b = _uniform(rng, 1, (*lead, D)), _uniform(rng, 1, (D, M)), _uniform(rng, 1, (M,))
    dout = _uniform(rng, 1, (*lead, M))
    return Case(
        recipe=_recipe("affine_case", lead=lead, D=D, M=M, seed=seed), forward_name="affine_forward",
        backward_name="affine_backward", arg_names=("x", "W", "b"), args=(x, W, b),
        output_names=("out",), output_shapes=((*lead, M),), upstream_names=("dout",), upstream=(dout,),
        grad_names=("dx", "dW", "db"), grad_of=(("x", None), ("W", None), ("b", None)),
        label=f"{len(lead)} leading axes",
    )


def layer_norm_case(lead=(2,), H=3, rows="normal", eps=1e-5, seed=0) -> Case:
    """layer_norm_forward(x, gamma, beta, eps) with x of shape (*lead, H).

    rows: "normal" (each row offset in [-2, 2] plus a spread of 0.5 to 3), "tiny" (each row an offset
    plus a spread of 0, 1e-4 or 1e-3: variance <= 1e-6, so eps decides), "mixed" (each row either).
    gamma in [-2, 2], beta and dout in [-1, 1].
    """
    if rows not in ROWS:
        raise InvalidArgument(f"rows={rows!r} must be one of {ROWS}")
    rng = np.random.default_rng(seed)
    lead = tuple(lead)
    count = int(np.prod(lead, dtype=np.int64))
    offset = rng.uniform(-2, 2, (count, 1))
    spread = rng.uniform(0.5, 3, (count, 1))
    tiny = rng.choice([0.0, 1e-4, 1e-3], (count, 1))
    is_tiny = {"normal": np.zeros((count, 1), bool), "tiny": np.ones((count, 1), bool),
               "mixed": rng.random((count, 1)) < 0.5}[rows]
    x = (offset + np.where(is_tiny, tiny, spread) * _uniform(rng, 1, (count, H))).reshape(*lead, H)
    gamma, beta = _uniform(rng, 2, (H,)), _uniform(rng, 1, (H,))
    dout = _uniform(rng, 1, (*lead, H))
    return Case(
        recipe=_recipe("layer_norm_case", lead=lead, H=H, rows=rows, eps=eps, seed=seed),
        forward_name="layer_norm_forward", backward_name="layer_norm_backward",
        arg_names=("x", "gamma", "beta", "eps"), args=(x, gamma, beta, float(eps)), output_names=("out",),
        output_shapes=((*lead, H),), upstream_names=("dout",), upstream=(dout,),
        grad_names=("dx", "dgamma", "dbeta"), grad_of=(("x", None), ("gamma", None), ("beta", None)),
        label=f"{rows} rows",
    )


def ln_rnn_case(N=2, T=3, D=2, H=3, seed=0) -> Case:
    """ln_rnn_forward(x, h0, Wx, Wh, b, gamma, beta): x, h0, weights, beta, dh in [-1, 1], gamma in
    [-1.5, 1.5] (so every tanh argument is at most 1.5 * sqrt(H - 1) + 1)."""
    rng = np.random.default_rng(seed)
    x, h0 = _uniform(rng, 1, (N, T, D)), _uniform(rng, 1, (N, H))
    Wx, Wh, b = _uniform(rng, 1, (D, H)), _uniform(rng, 1, (H, H)), _uniform(rng, 1, (H,))
    gamma, beta = _uniform(rng, 1.5, (H,)), _uniform(rng, 1, (H,))
    dh = _uniform(rng, 1, (N, T, H))
    names = ("x", "h0", "Wx", "Wh", "b", "gamma", "beta")
    return Case(
        recipe=_recipe("ln_rnn_case", N=N, T=T, D=D, H=H, seed=seed), forward_name="ln_rnn_forward",
        backward_name="ln_rnn_backward", arg_names=names, args=(x, h0, Wx, Wh, b, gamma, beta),
        output_names=("h",), output_shapes=((N, T, H),), upstream_names=("dh",), upstream=(dh,),
        grad_names=tuple("d" + n for n in names), grad_of=tuple((n, None) for n in names),
        label=f"N={N}, T={T}, H={H}",
    )


# ----------------------------------------------------------------------------------------------------
# Recipes: forecast.py (the forecaster)


def forecaster_params(rng, cell: str, F: int, H: int, M: int, bound: float = 1.0) -> dict:
    """A parameter dict of ``cell`` with entries uniform in [-bound, bound] (not init_forecaster's
    distribution: wider, so that every weight matters)."""
    G = GATES[cell]
    shapes = dict(Wx=(F, G * H), Wh=(H, G * H), b=(G * H,), W_out=(H, M), b_out=(M,))  # SPEC 9
    return {name: _uniform(rng, bound, shape) for name, shape in shapes.items()}


def forecaster_case(cell="gru", N=2, W=3, F=1, H=2, M=1, seed=0, seq2seq=False) -> Case:
    """forecaster_forward(params, X, cell) (or seq2seq_forward with ``seq2seq=True``): X, every
    parameter and dY in [-1, 1], so every pre-activation has |a| <= F + H + 1."""
    if cell not in CELLS:
        raise InvalidArgument(f"cell={cell!r} must be one of {CELLS}")
    rng = np.random.default_rng(seed)
    params = forecaster_params(rng, cell, F, H, M)
    X = _uniform(rng, 1, (N, W, F))
    out_shape = (N, W, M) if seq2seq else (N, M)
    dY = _uniform(rng, 1, out_shape)
    name = "seq2seq" if seq2seq else "forecaster"
    recipe = _recipe("forecaster_case", cell, N=N, W=W, F=F, H=H, M=M, seed=seed)
    if seq2seq:
        recipe = recipe[:-1] + ", seq2seq=True)"
    return Case(
        recipe=recipe, forward_name=f"{name}_forward", backward_name=f"{name}_backward",
        arg_names=("params", "X", "cell"), args=(params, X, cell), output_names=("Y",),
        output_shapes=(out_shape,), upstream_names=("dY",), upstream=(dY,), grad_names=PARAM_NAMES,
        grad_of=tuple(("params", k) for k in PARAM_NAMES), grads_in_dict=True, label=cell,
    )


# ----------------------------------------------------------------------------------------------------
# Recipes: calls without a backward


def mse_call(shape=(3, 2), seed=0) -> Call:
    """mse_loss(pred, target), both of ``shape`` with entries in [-2, 2]."""
    rng = np.random.default_rng(seed)
    shape = tuple(shape)
    return Call(_recipe("mse_call", shape=shape, seed=seed), "mse_loss", ("pred", "target"),
                (_uniform(rng, 2, shape), _uniform(rng, 2, shape)))


def _dict(rng, shapes: dict, bound: float) -> dict:
    return {name: _uniform(rng, bound, tuple(shape)) for name, shape in shapes.items()}


def _size(shapes: dict) -> int:
    return int(sum(np.prod(s, dtype=np.int64) for s in shapes.values()))


def clip_call(shapes=None, regime="any", scale=1.0, seed=0) -> Call:
    """clip_grad_norm(grads, max_norm): grads (name -> array of the given shape) with entries in
    [-scale, scale], the first entry at least scale / 2 in size, so that the global norm lies in
    [scale / 2, scale * sqrt(n)] (n entries in all); max_norm below that range ("above": the
    gradients get clipped), beyond it ("below": they do not) or anywhere from 0.05 to 2 times its
    ends ("any")."""
    if regime not in CLIP_REGIMES:
        raise InvalidArgument(f"regime={regime!r} must be one of {CLIP_REGIMES}")
    shapes = dict(shapes or {"W": (2, 3), "b": (3,)})
    rng = np.random.default_rng(seed)
    grads = _dict(rng, shapes, scale)
    first = next(iter(grads))
    flat = grads[first].reshape(-1)
    flat[0] = np.sign(flat[0] or 1.0) * scale * rng.uniform(0.5, 1.0)
    low, high = scale / 2, scale * np.sqrt(_size(shapes))
    max_norm = {"above": lambda: low * rng.uniform(0.1, 0.9), "below": lambda: high * rng.uniform(1.1, 2.0),
                "any": lambda: np.exp(rng.uniform(np.log(low * 0.05), np.log(high * 2.0)))}[regime]()
    return Call(_recipe("clip_call", shapes=shapes, regime=regime, scale=scale, seed=seed), "clip_grad_norm",
                ("grads", "max_norm"), (grads, float(max_norm)), label=regime)


def sgd_call(shapes=None, lr=0.1, seed=0) -> Call:
    """sgd_step(params, grads, lr): params and grads in [-1, 1]."""
    shapes = dict(shapes or {"W": (2, 3), "b": (3,)})
    rng = np.random.default_rng(seed)
    params, grads = _dict(rng, shapes, 1.0), _dict(rng, shapes, 1.0)
    return Call(_recipe("sgd_call", shapes=shapes, lr=lr, seed=seed), "sgd_step", ("params", "grads", "lr"),
                (params, grads, float(lr)))


def adam_init_call(shapes=None, seed=0) -> Call:
    """adam_init(params): params in [-1, 1]."""
    shapes = dict(shapes or {"W": (2, 3), "b": (3,)})
    rng = np.random.default_rng(seed)
    return Call(_recipe("adam_init_call", shapes=shapes, seed=seed), "adam_init", ("params",),
                (_dict(rng, shapes, 1.0),))


def adam_step_call(shapes=None, t=0, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, scale=1.0, seed=0) -> Call:
    """adam_step(params, grads, state, lr=, beta1=, beta2=, eps=): params in [-1, 1], grads in
    [-scale, scale]; t = 0 gives adam_init's state (zero moments), t >= 1 moments m in [-scale, scale]
    and v in [0, scale**2]."""
    shapes = dict(shapes or {"W": (2, 3), "b": (3,)})
    rng = np.random.default_rng(seed)
    params, grads = _dict(rng, shapes, 1.0), _dict(rng, shapes, scale)
    if t == 0:
        m = {k: np.zeros(s) for k, s in shapes.items()}
        v = {k: np.zeros(s) for k, s in shapes.items()}
    else:
        m = _dict(rng, shapes, scale)
        v = {k: rng.uniform(0, scale**2, tuple(s)) for k, s in shapes.items()}
    state = {"t": int(t), "m": m, "v": v}
    return Call(
        _recipe("adam_step_call", shapes=shapes, t=t, lr=lr, beta1=beta1, beta2=beta2, eps=eps, scale=scale,
                seed=seed),
        "adam_step", ("params", "grads", "state"), (params, grads, state),
        {"lr": float(lr), "beta1": float(beta1), "beta2": float(beta2), "eps": float(eps)},
        label="fresh" if t == 0 else "carried")


def standardize_call(T=8, F=None, n_train=5, seed=0) -> Call:
    """standardize(series, n_train): a series of shape (T,) (F None) or (T, F), offset in [-50, 50],
    spread in [0.5, 20]; its first two values differ by at least half the spread in every feature,
    so the training part is never (nearly) constant."""
    rng = np.random.default_rng(seed)
    shape = (T,) if F is None else (T, F)
    width = () if F is None else (F,)
    offset, spread = rng.uniform(-50, 50, width), rng.uniform(0.5, 20, width)
    u = _uniform(rng, 1, shape)
    low, high = rng.uniform(-1, -0.5, width), rng.uniform(0.5, 1, width)
    u[0], u[1] = (low, high) if rng.random() < 0.5 else (high, low)
    series = offset + spread * u
    return Call(_recipe("standardize_call", T=T, F=F, n_train=n_train, seed=seed), "standardize",
                ("series", "n_train"), (series, int(n_train)), label="1-D" if F is None else "(T, F)")


def unstandardize_call(shape=(6,), F=None, seed=0) -> Call:
    """unstandardize(scaled, mean, std): scaled of ``shape`` in [-3, 3]; mean in [-50, 50] and std in
    [0.5, 20], Python floats (F None) or arrays of shape (F,) (then ``shape`` ends with F)."""
    rng = np.random.default_rng(seed)
    shape = tuple(shape)
    scaled = _uniform(rng, 3, shape)
    if F is None:
        mean, std = float(rng.uniform(-50, 50)), float(rng.uniform(0.5, 20))
    else:
        if shape[-1] != F:
            raise InvalidArgument(f"shape={shape!r} must end with F={F!r}")
        mean, std = rng.uniform(-50, 50, (F,)), rng.uniform(0.5, 20, (F,))
    return Call(_recipe("unstandardize_call", shape=shape, F=F, seed=seed), "unstandardize",
                ("scaled", "mean", "std"), (scaled, mean, std), label="1-D" if F is None else "per feature")


def forecast_recursive_call(cell="gru", W=3, H=2, steps=3, seed=0) -> Call:
    """forecast_recursive(params, history, steps, cell): a next-value model (F = M = 1) with every
    parameter in [-1, 1] and a history of W values in [-1, 1]."""
    rng = np.random.default_rng(seed)
    params = forecaster_params(rng, cell, 1, H, 1)
    history = _uniform(rng, 1, (W,))
    return Call(_recipe("forecast_recursive_call", cell, W=W, H=H, steps=steps, seed=seed), "forecast_recursive",
                ("params", "history", "steps", "cell"), (params, history, int(steps), cell), label=cell)


def init_call(F=1, H=4, M=1, cell="gru", seed=0) -> Call:
    """init_forecaster(F, H, M, cell, seed)."""
    return Call(_recipe("init_call", F=F, H=H, M=M, cell=cell, seed=seed), "init_forecaster",
                ("F", "H", "M", "cell", "seed"), (int(F), int(H), int(M), cell, int(seed)), label=cell)


# ----------------------------------------------------------------------------------------------------
# Strategies


_SEED = st.integers(0, SEEDS - 1)


def _check_cells(cells) -> tuple:
    if isinstance(cells, str) or not isinstance(cells, (tuple, list)) or not cells:
        raise InvalidArgument(f"cells={cells!r} must be a non-empty tuple of {CELLS}")
    for cell in cells:
        if cell not in CELLS:
            raise InvalidArgument(f"cells={cells!r}: {cell!r} is not one of {CELLS}")
    return tuple(cells)


def _check_choice(name, value, choices) -> None:
    if value not in choices:
        raise InvalidArgument(f"{name}={value!r} must be one of {choices}")


def _leading(min_leading, max_leading, max_leading_size):
    return st.integers(min_leading, max_leading).flatmap(
        lambda k: st.tuples(*[st.integers(1, max_leading_size)] * k) if k else st.just(()))


def affine_cases(*, min_leading: int = 0, max_leading: int = 3, max_leading_size: int = 3, min_input: int = 1,
                 max_input: int = 4, min_output: int = 1, max_output: int = 4) -> st.SearchStrategy[Case]:
    """Arguments of ``affine_forward`` (and ``dout`` for ``affine_backward``).

    Args:
        min_leading, max_leading: bounds on the number of leading axes of x (>= 0; 0 is x of shape (D,)).
        max_leading_size: the largest size of each leading axis (>= 1).
        min_input, max_input: bounds on D; min_output, max_output: bounds on M (>= 1).

    Generates:
        ``Case`` with x (..., D), W (D, M), b (M,), dout (..., M), entries in [-1, 1].
    """
    check_range("leading", min_leading, max_leading, minimum=0)
    check_int("max_leading_size", max_leading_size, 1)
    check_range("input", min_input, max_input)
    check_range("output", min_output, max_output)
    return st.builds(affine_case, lead=_leading(min_leading, max_leading, max_leading_size),
                     D=st.integers(min_input, max_input), M=st.integers(min_output, max_output), seed=_SEED)


def layer_norm_cases(*, min_leading: int = 0, max_leading: int = 3, max_leading_size: int = 3,
                     min_features: int = 1, max_features: int = 5, rows: str = "mixed",
                     eps_values: tuple = EPS_VALUES) -> st.SearchStrategy[Case]:
    """Arguments of ``layer_norm_forward`` (and ``dout`` for ``layer_norm_backward``).

    Args:
        min_leading, max_leading, max_leading_size: the leading axes of x, as for ``affine_cases``.
        min_features, max_features: bounds on H (>= 1; H = 1 normalises a single feature: out = beta).
        rows: "normal", "tiny" (variance <= 1e-6, some rows constant: eps decides) or "mixed" (default).
        eps_values: the eps values to draw from (positive floats).

    Generates:
        ``Case`` with x (..., H), gamma (H,), beta (H,), eps, dout (..., H).
    """
    check_range("leading", min_leading, max_leading, minimum=0)
    check_int("max_leading_size", max_leading_size, 1)
    check_range("features", min_features, max_features)
    _check_choice("rows", rows, ROWS)
    if not isinstance(eps_values, (tuple, list)) or not eps_values:
        raise InvalidArgument(f"eps_values={eps_values!r} must be a non-empty tuple of positive floats")
    for eps in eps_values:
        check_positive_float("eps_values[...]", eps)
    return st.builds(layer_norm_case, lead=_leading(min_leading, max_leading, max_leading_size),
                     H=st.integers(min_features, max_features), rows=st.just(rows),
                     eps=st.sampled_from(tuple(eps_values)), seed=_SEED)


def ln_rnn_cases(*, min_batch: int = 1, max_batch: int = 3, min_steps: int = 1, max_steps: int = 4,
                 min_input: int = 1, max_input: int = 3, min_hidden: int = 1,
                 max_hidden: int = 4) -> st.SearchStrategy[Case]:
    """Arguments of ``ln_rnn_forward`` (and ``dh`` for ``ln_rnn_backward``).

    Args:
        min_batch, max_batch, min_steps, max_steps, min_input, max_input, min_hidden, max_hidden:
            bounds on N, T, D, H (>= 1; with H = 1 every layer norm gives beta, so h = tanh(beta)).

    Generates:
        ``Case`` with x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b, gamma, beta (H,), dh (N, T, H).
    """
    check_range("batch", min_batch, max_batch)
    check_range("steps", min_steps, max_steps)
    check_range("input", min_input, max_input)
    check_range("hidden", min_hidden, max_hidden)
    return st.builds(ln_rnn_case, N=st.integers(min_batch, max_batch), T=st.integers(min_steps, max_steps),
                     D=st.integers(min_input, max_input), H=st.integers(min_hidden, max_hidden), seed=_SEED)


def forecaster_cases(*, cells: tuple = CELLS, seq2seq: bool = False, min_batch: int = 1, max_batch: int = 3,
                     min_window: int = 1, max_window: int = 4, min_features: int = 1, max_features: int = 2,
                     min_hidden: int = 1, max_hidden: int = 3, min_outputs: int = 1,
                     max_outputs: int = 2) -> st.SearchStrategy[Case]:
    """Arguments of ``forecaster_forward`` (``seq2seq=True``: ``seq2seq_forward``) and ``dY``.

    Args:
        cells: the cells to draw from, a non-empty subset of ("rnn", "lstm", "gru").
        seq2seq: False for the forecaster (Y (N, M)), True for seq2seq (Y (N, W, M)).
        min_batch, max_batch, min_window, max_window, min_features, max_features, min_hidden,
        max_hidden, min_outputs, max_outputs: bounds on N, W, F, H, M (>= 1).

    Generates:
        ``Case`` with params {"Wx" (F, G*H), "Wh" (H, G*H), "b" (G*H,), "W_out" (H, M), "b_out" (M,)},
        X (N, W, F), cell, dY (N, M) or (N, W, M); every pre-activation |a| <= F + H + 1.
    """
    cells = _check_cells(cells)
    if not isinstance(seq2seq, bool):
        raise InvalidArgument(f"seq2seq={seq2seq!r} must be True or False")
    for name, low, high in (("batch", min_batch, max_batch), ("window", min_window, max_window),
                            ("features", min_features, max_features), ("hidden", min_hidden, max_hidden),
                            ("outputs", min_outputs, max_outputs)):
        check_range(name, low, high)
    return st.builds(forecaster_case, cell=st.sampled_from(cells), N=st.integers(min_batch, max_batch),
                     W=st.integers(min_window, max_window), F=st.integers(min_features, max_features),
                     H=st.integers(min_hidden, max_hidden), M=st.integers(min_outputs, max_outputs), seed=_SEED,
                     seq2seq=st.just(seq2seq))


def mse_calls(*, min_dims: int = 1, max_dims: int = 3, max_size: int = 4) -> st.SearchStrategy[Call]:
    """Arguments of ``mse_loss``: pred and target of one shape with 1 to 3 axes of size 1 to 4.

    Args:
        min_dims, max_dims: bounds on the number of axes (>= 1); max_size: the largest axis (>= 1).
    """
    check_range("dims", min_dims, max_dims)
    check_int("max_size", max_size, 1)
    shapes = st.integers(min_dims, max_dims).flatmap(lambda k: st.tuples(*[st.integers(1, max_size)] * k))
    return st.builds(mse_call, shape=shapes, seed=_SEED)


#: Names of the arrays of a generated parameter (or gradient) dict.
_KEYS = ("W", "b", "Wx", "Wh", "gamma", "W_out")


def _shape_dicts(max_keys: int, max_ndim: int, max_size: int):
    shape = st.integers(1, max_ndim).flatmap(lambda k: st.tuples(*[st.integers(1, max_size)] * k))
    return st.integers(1, max_keys).flatmap(
        lambda n: st.tuples(*[shape] * n).map(lambda shapes: dict(zip(_KEYS, shapes))))


def _check_dicts(max_keys, max_ndim, max_size) -> None:
    check_int("max_keys", max_keys, 1)
    if max_keys > len(_KEYS):
        raise InvalidArgument(f"max_keys={max_keys!r} must be at most {len(_KEYS)}")
    check_int("max_ndim", max_ndim, 1)
    check_int("max_size", max_size, 1)


_SCALES = st.sampled_from((1e-3, 1.0, 50.0))


def clip_calls(*, regime: str = "any", max_keys: int = 4, max_ndim: int = 3,
               max_size: int = 4) -> st.SearchStrategy[Call]:
    """Arguments of ``clip_grad_norm``: a dict of 1 to ``max_keys`` gradients (each with 1 to
    ``max_ndim`` axes of size 1 to ``max_size``), entries of scale 1e-3, 1 or 50, and max_norm.

    Args:
        regime: "below" (the global norm is surely below max_norm: nothing is clipped), "above" (surely
            above: everything is scaled down) or "any" (default), from bounds on the norm (see ``clip_call``).
    """
    _check_choice("regime", regime, CLIP_REGIMES)
    _check_dicts(max_keys, max_ndim, max_size)
    return st.builds(clip_call, shapes=_shape_dicts(max_keys, max_ndim, max_size), regime=st.just(regime),
                     scale=_SCALES, seed=_SEED)


def sgd_calls(*, max_keys: int = 4, max_ndim: int = 3, max_size: int = 4) -> st.SearchStrategy[Call]:
    """Arguments of ``sgd_step``: dicts as for ``clip_calls``, lr in {1e-3, 0.1, 1.0}."""
    _check_dicts(max_keys, max_ndim, max_size)
    return st.builds(sgd_call, shapes=_shape_dicts(max_keys, max_ndim, max_size),
                     lr=st.sampled_from((1e-3, 0.1, 1.0)), seed=_SEED)


def adam_init_calls(*, max_keys: int = 4, max_ndim: int = 3, max_size: int = 4) -> st.SearchStrategy[Call]:
    """Arguments of ``adam_init``: a parameter dict as for ``clip_calls``."""
    _check_dicts(max_keys, max_ndim, max_size)
    return st.builds(adam_init_call, shapes=_shape_dicts(max_keys, max_ndim, max_size), seed=_SEED)


def adam_step_calls(*, state: str = "any", max_keys: int = 4, max_ndim: int = 3,
                    max_size: int = 4) -> st.SearchStrategy[Call]:
    """Arguments of ``adam_step``: dicts as for ``clip_calls``, a state, and lr in {1e-3, 1e-2, 0.1},
    beta1 in {0.9, 0.5}, beta2 in {0.999, 0.9}, eps in {1e-8, 1e-3}.

    Args:
        state: "fresh" (t = 0, zero moments), "carried" (t from 1 to 50, moments drawn) or "any".
    """
    _check_choice("state", state, ADAM_STATES)
    _check_dicts(max_keys, max_ndim, max_size)
    t = {"fresh": st.just(0), "carried": st.integers(1, 50), "any": st.integers(0, 50)}[state]
    return st.builds(adam_step_call, shapes=_shape_dicts(max_keys, max_ndim, max_size), t=t,
                     lr=st.sampled_from((1e-2, 1e-3, 0.1)), beta1=st.sampled_from((0.9, 0.5)),
                     beta2=st.sampled_from((0.999, 0.9)), eps=st.sampled_from((1e-8, 1e-3)), scale=_SCALES,
                     seed=_SEED)


def standardize_calls(*, min_length: int = 2, max_length: int = 12, features: tuple | None = (None, 1, 3),
                      ) -> st.SearchStrategy[Call]:
    """Arguments of ``standardize``: a series of length T in [min_length, max_length] and n_train in
    [2, T], never constant on its training part.

    Args:
        min_length, max_length: bounds on T (>= 2).
        features: the feature counts to draw from: None for a (T,) series, F for (T, F).
    """
    check_range("length", min_length, max_length, minimum=2)
    if not isinstance(features, (tuple, list)) or not features:
        raise InvalidArgument(f"features={features!r} must be a non-empty tuple of None or positive integers")
    for F in features:
        if F is not None:
            check_int("features[...]", F, 1)
    return st.integers(min_length, max_length).flatmap(
        lambda T: st.builds(standardize_call, T=st.just(T), F=st.sampled_from(tuple(features)),
                            n_train=st.integers(2, T), seed=_SEED))


def unstandardize_calls(*, per_feature: bool | None = None, max_leading: int = 2,
                        max_size: int = 6) -> st.SearchStrategy[Call]:
    """Arguments of ``unstandardize``.

    Args:
        per_feature: False for float mean and std (a (T,) series' scaling), True for (F,) arrays, None either.
        max_leading: most leading axes before the feature axis (>= 1); max_size: largest axis (>= 1).
    """
    if per_feature not in (None, True, False):
        raise InvalidArgument(f"per_feature={per_feature!r} must be True, False or None")
    check_int("max_leading", max_leading, 1)
    check_int("max_size", max_size, 1)
    size = st.integers(1, max_size)
    floats = st.builds(unstandardize_call, shape=st.integers(1, max_leading).flatmap(
        lambda k: st.tuples(*[size] * k)), F=st.none(), seed=_SEED)
    arrays = st.integers(1, 3).flatmap(lambda F: st.builds(
        unstandardize_call, shape=st.integers(0, max_leading).flatmap(
            lambda k: st.tuples(*[size] * k)).map(lambda lead: (*lead, F)), F=st.just(F), seed=_SEED))
    return {None: st.one_of(floats, arrays), True: arrays, False: floats}[per_feature]


def forecast_recursive_calls(*, cells: tuple = CELLS, max_window: int = 5, max_hidden: int = 3,
                             max_steps: int = 5) -> st.SearchStrategy[Call]:
    """Arguments of ``forecast_recursive``: a next-value model of one feature, a history of 1 to
    ``max_window`` values, 1 to ``max_steps`` steps.

    Args:
        cells: the cells to draw from; max_window, max_hidden, max_steps: bounds on W, H, steps (>= 1).
    """
    cells = _check_cells(cells)
    check_int("max_window", max_window, 1)
    check_int("max_hidden", max_hidden, 1)
    check_int("max_steps", max_steps, 1)
    return st.builds(forecast_recursive_call, cell=st.sampled_from(cells), W=st.integers(1, max_window),
                     H=st.integers(1, max_hidden), steps=st.integers(1, max_steps), seed=_SEED)


def init_calls(*, cells: tuple = CELLS, max_features: int = 3, max_hidden: int = 6,
               max_outputs: int = 3) -> st.SearchStrategy[Call]:
    """Arguments of ``init_forecaster``: F, H, M from 1 to their bounds, a cell, a seed."""
    cells = _check_cells(cells)
    check_int("max_features", max_features, 1)
    check_int("max_hidden", max_hidden, 1)
    check_int("max_outputs", max_outputs, 1)
    return st.builds(init_call, F=st.integers(1, max_features), H=st.integers(1, max_hidden),
                     M=st.integers(1, max_outputs), cell=st.sampled_from(cells), seed=st.integers(0, 2**31 - 1))

