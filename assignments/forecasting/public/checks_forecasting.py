"""The bodies of the forecasting assignment's checks, shared by the public and the hidden checks.

Each function takes a submission (``student``: anything with ``call``/``watch``/``call_many``, the
student's files or the reference) and a ``Case`` or ``Call`` from ``strategies_forecasting``, and raises
``CheckFailure`` (or the student's own error) when the answer is wrong. Check files stay short: they
choose cases, points and names; the logic lives here once.

Outputs are compared by name. Dicts are flattened into one name per array, as Python would index
them: ``clipped['W']``, ``state['m']['b']``, ``grads['Wx']``, so feedback names the exact array.

The outcome checks of ``train_forecaster`` (bottom of the file) train on the sunspots series of the
handout (``data/sunspots.csv``): the first 80 % (247 years) is the training part, the last 62 years are
held out and forecast one step ahead from the 12 values before each, in the original units.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.checklib.compare import CheckFailure, assert_array, assert_close, assert_same, describe_type
from autograder.checklib.errors import StudentCodeError
from autograder.checklib.numgrad import perturbations
from autograder.checklib.tolerances import GRAD_ATOL, GRAD_RTOL, NUMGRAD_EPS, TRIVIAL_GRAD
from strategies_forecasting import GATES, OUTPUTS, PARAM_NAMES, Call, Case, copied

# ---------------------------------------------------------------- returned values, by name


def unpack(function: str, value, names: tuple) -> tuple:
    """The parts of a returned tuple; CheckFailure when it is not a tuple of ``len(names)``."""
    if isinstance(value, (tuple, list)) and len(value) == len(names):
        return tuple(value)
    got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) \
        else describe_type(value)
    raise CheckFailure(f"{function}: should return a tuple ({', '.join(names)}), got {got}")


def dict_of(function: str, name: str, value, keys) -> dict:
    """``value`` as a dict with exactly ``keys``; CheckFailure naming the difference otherwise."""
    if not isinstance(value, dict):
        raise CheckFailure(f"{function}: '{name}' should be a dict with keys {sorted(keys)}, got {describe_type(value)}")
    if set(value) != set(keys):
        missing, extra = sorted(set(keys) - set(value)), sorted(set(value) - set(keys), key=str)
        raise CheckFailure(f"{function}: '{name}' should have the keys {sorted(keys)}"
                           + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))
    return value


def _number(value):
    """An int-valued step counter as a float (expected.npz stores Python numbers as floats); anything
    else unchanged (a float ``t`` is caught by the shape check, not here)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return value


def _state(function: str, name: str, value, keys) -> dict:
    state = dict_of(function, name, value, ("t", "m", "v"))
    return {f"{name}['t']": _number(state["t"]),
            **{f"{name}['m'][{k!r}]": v for k, v in dict_of(function, f"{name}['m']", state["m"], keys).items()},
            **{f"{name}['v'][{k!r}]": v for k, v in dict_of(function, f"{name}['v']", state["v"], keys).items()}}


def _params(function: str, name: str, value, keys) -> dict:
    return {f"{name}[{k!r}]": v for k, v in dict_of(function, name, value, keys).items()}


def named_outputs(call: Call, value) -> dict:
    """``value``, returned by ``call``'s function, flattened: {"clipped['W']": array, "total_norm": 1.5, ...}."""
    f = call.function
    names = OUTPUTS[f]
    parts = unpack(f, value, names) if len(names) > 1 else (value,)
    out = dict(zip(names, parts))
    if f == "clip_grad_norm":
        return {**_params(f, "clipped", out["clipped"], call.args[0]), "total_norm": out["total_norm"]}
    if f == "sgd_step":
        return _params(f, "params", out["params"], call.args[0])
    if f == "adam_init":
        return _state(f, "state", out["state"], call.args[0])
    if f == "adam_step":
        return {**_params(f, "params", out["params"], call.args[0]), **_state(f, "state", out["state"], call.args[0])}
    if f == "init_forecaster":
        return _params(f, "params", out["params"], PARAM_NAMES)
    return out


def outputs_of(impl, call: Call) -> dict:
    """``impl``'s outputs on (copies of) ``call``'s arguments, flattened by ``named_outputs``."""
    return named_outputs(call, impl.call(call.function, *copied(call.args), **copied(call.kwargs)))


def param_shapes(cell: str, F: int, H: int, M: int) -> dict:
    """SPEC's shapes of a forecaster's parameters."""
    G = GATES[cell]
    return {"Wx": (F, G * H), "Wh": (H, G * H), "b": (G * H,), "W_out": (H, M), "b_out": (M,)}


FLOAT, INT = "a Python float", "an int"


def spec_shapes(call: Call) -> dict:
    """SPEC's shape of every flattened output of ``call`` (or FLOAT / INT for Python numbers)."""
    f, a = call.function, call.args
    if f == "mse_loss":
        return {"loss": FLOAT, "dpred": a[0].shape}
    if f == "clip_grad_norm":
        return {**{f"clipped[{k!r}]": g.shape for k, g in a[0].items()}, "total_norm": FLOAT}
    if f == "sgd_step":
        return {f"params[{k!r}]": p.shape for k, p in a[0].items()}
    if f in ("adam_init", "adam_step"):
        state = {"state['t']": INT, **{f"state[{m!r}][{k!r}]": p.shape for m in "mv" for k, p in a[0].items()}}
        return state if f == "adam_init" else {**{f"params[{k!r}]": p.shape for k, p in a[0].items()}, **state}
    if f == "standardize":
        series = a[0]
        stat = FLOAT if series.ndim == 1 else (series.shape[1],)
        return {"scaled": series.shape, "mean": stat, "std": stat}
    if f == "unstandardize":
        return {"values": a[0].shape}
    if f == "forecast_recursive":
        return {"yhat": (a[2],)}
    if f == "init_forecaster":
        F, H, M, cell, _ = a
        return {f"params[{k!r}]": s for k, s in param_shapes(cell, F, H, M).items()}
    raise KeyError(f)


def assert_well_formed(function: str, name: str, value, shape) -> None:
    """``value`` is a Python float (FLOAT), an int (INT) or a float64 array of ``shape``."""
    if shape == FLOAT:
        if not isinstance(value, float):
            raise CheckFailure(f"{function}: '{name}' should be a Python float, got {describe_type(value)}")
    elif shape == INT:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise CheckFailure(f"{function}: '{name}' should be an int, got {describe_type(value)}")
    else:
        assert_array(function, name, value, shape)


def call_well_formed(student, call: Call) -> None:
    """Every output of ``call`` has SPEC's type and shape (float64 arrays, Python floats, int t)."""
    value = student.call(call.function, *copied(call.args), **copied(call.kwargs))
    if call.function in ("adam_init", "adam_step"):  # the step counter, before it is turned into a float
        state = value[1] if call.function == "adam_step" and isinstance(value, (tuple, list)) else value
        if isinstance(state, dict) and "t" in state:
            assert_well_formed(call.function, "state['t']", state["t"], INT)
    outputs = named_outputs(call, value)
    for name, shape in spec_shapes(call).items():
        if shape != INT:
            assert_well_formed(call.function, name, outputs[name], shape)


# ---------------------------------------------------------------- arguments left unchanged


def call_leaves_arguments_unchanged(student, call: Call) -> None:
    """``call``'s function leaves every argument (arrays, dicts and the arrays in them) unchanged."""
    _, args_after, kwargs_after = student.watch(call.function, *copied(call.args), **copied(call.kwargs))
    after = {**dict(zip(call.arg_names, args_after)), **dict(kwargs_after)}
    for name, value in call.named_args.items():
        assert_same(call.function, name, value, after.get(name))


# ---------------------------------------------------------------- forward and backward of a Case


def forward(impl, case: Case) -> tuple[dict, object]:
    """Run the case's forward function on copies of its arguments: ({output name: value}, cache)."""
    value = impl.call(case.forward_name, *copied(case.args))
    parts = unpack(case.forward_name, value, case.output_names + ("cache",))
    return dict(zip(case.output_names, parts[:-1])), parts[-1]


def backward(impl, case: Case, cache) -> dict:
    """Run the case's backward function on ``cache``: {gradient name: value}."""
    value = impl.call(case.backward_name, *copied(case.upstream), cache)
    if case.grads_in_dict:
        return dict(dict_of(case.backward_name, "grads", value, case.grad_names))
    return dict(zip(case.grad_names, unpack(case.backward_name, value, case.grad_names)))


def grad_shape(case: Case, grad: str) -> tuple:
    return case.argument(grad).shape


# ---------------------------------------------------------------- against the reference (hidden)


def forward_matches(student, reference, case: Case) -> None:
    """Every forward output equals the reference's."""
    want, _ = forward(reference, case)
    got, _ = forward(student, case)
    for name, value in want.items():
        assert_close(case.forward_name, name, got[name], value)


def backward_output_matches(student, reference, case: Case, grad: str) -> None:
    """The gradient ``grad`` equals the reference's (each backward run on its own forward's cache)."""
    _, ref_cache = forward(reference, case)
    want = backward(reference, case, ref_cache)[grad]
    _, cache = forward(student, case)
    got = backward(student, case, cache)[grad]
    assert_close(case.backward_name, case.grad_label(grad), got, want)


def call_matches(student, reference, call: Call, prefix: str = "") -> None:
    """Every output of ``call`` whose flattened name starts with ``prefix`` equals the reference's."""
    want = outputs_of(reference, call)
    got = outputs_of(student, call)
    for name, value in want.items():
        if name.startswith(prefix):
            assert_close(call.function, name, got[name], value)


# ---------------------------------------------------------------- self-consistency (public)


def _loss(case: Case, outputs: dict) -> float:
    return float(sum(np.sum(outputs[name] * up) for name, up in zip(case.output_names, case.upstream)))


def numerical_gradient(student, case: Case, grad: str) -> np.ndarray:
    """d(sum_k output_k * upstream_k)/d(input of ``grad``) of the student's forward, by centred
    differences (every perturbed call sent to the student's code in one batch)."""
    base = case.argument(grad)
    calls = [copied(case.with_input(grad, p)) for p in perturbations(base)]
    losses = []
    for value in student.call_many(case.forward_name, calls):
        if isinstance(value, Exception):
            raise value
        parts = unpack(case.forward_name, value, case.output_names + ("cache",))
        outputs = dict(zip(case.output_names, parts[:-1]))
        for name, shape in zip(case.output_names, case.output_shapes):
            assert_array(case.forward_name, name, outputs[name], shape)
        losses.append(_loss(case, outputs))
    return ((np.array(losses[0::2]) - np.array(losses[1::2])) / (2.0 * NUMGRAD_EPS)).reshape(base.shape)


#: submission -> recipes of the gate cases its forward passed (each gradient check of a forward asks the
#: same question; the answer is computed once per grading run). Weak keys, as for _TRAINED below.
_GATES_PASSED: "weakref.WeakKeyDictionary[object, set]" = weakref.WeakKeyDictionary()


def depends_on_every_input(student, case: Case) -> None:
    """Gate of the gradient checks: the student's forward must depend on every input a gradient is
    checked for (a numerical gradient that is not trivially zero on a generic case), so a forward that
    computes nothing earns no gradient credit (SPEC 8)."""
    try:
        passed = _GATES_PASSED.setdefault(student, set())
    except TypeError:  # a submission object that cannot be weakly referenced: no sharing
        passed = set()
    if case.recipe in passed:
        return
    for grad in case.grad_names:
        numeric = numerical_gradient(student, case, grad)
        if not np.max(np.abs(numeric), initial=0.0) > TRIVIAL_GRAD:
            raise CheckFailure(
                f"{case.forward_name}: its outputs do not change when '{case.input_name(grad)}' changes (numerical "
                f"gradient is zero on a generic input), so gradient consistency earns no credit: implement the "
                f"forward first")
    passed.add(case.recipe)


def gradient_consistent(student, case: Case, grad: str) -> None:
    """The student's backward ``grad`` equals the numerical gradient of the student's own forward."""
    numeric = numerical_gradient(student, case, grad)
    _, cache = forward(student, case)
    analytic = backward(student, case, cache)[grad]
    assert_close(case.backward_name, case.grad_label(grad), analytic, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                 what=f"numerical gradient of your {case.forward_name}")


def mse_numerical_gradient(student, call: Call) -> np.ndarray:
    """d loss / d pred of the student's mse_loss, by centred differences."""
    pred, target = call.args
    calls = [(p, target.copy()) for p in perturbations(pred)]
    losses = []
    for value in student.call_many("mse_loss", calls):
        if isinstance(value, Exception):
            raise value
        loss = unpack("mse_loss", value, OUTPUTS["mse_loss"])[0]
        if isinstance(loss, np.ndarray) and loss.size == 1 and loss.dtype.kind == "f":
            loss = loss.item()  # its type is judged by the shape check, not here
        if isinstance(loss, (bool, np.bool_)) or not isinstance(loss, (float, int, np.floating, np.integer)):
            raise CheckFailure(f"mse_loss: 'loss' should be a Python float, got {describe_type(loss)}")
        losses.append(float(loss))
    return ((np.array(losses[0::2]) - np.array(losses[1::2])) / (2.0 * NUMGRAD_EPS)).reshape(pred.shape)


def mse_depends_on_pred(student, call: Call) -> None:
    """Gate of mse_loss's gradient check: the loss changes with pred."""
    if not np.max(np.abs(mse_numerical_gradient(student, call)), initial=0.0) > TRIVIAL_GRAD:
        raise CheckFailure("mse_loss: its loss does not change when 'pred' changes (numerical gradient is zero on a "
                           "generic input), so gradient consistency earns no credit: implement the loss first")


def mse_gradient_consistent(student, call: Call) -> None:
    """mse_loss's dpred equals the numerical gradient of its own loss."""
    numeric = mse_numerical_gradient(student, call)
    dpred = outputs_of(student, call)["dpred"]
    assert_close("mse_loss", "dpred", dpred, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                 what="numerical gradient of your loss")


#: ``part`` of the property checks of a Case: which function's behaviour is judged. A check named after
#: one function must fail only for that function's bugs, so the "backward" part runs the forward only
#: to get a cache and judges the backward alone.
PARTS = ("forward", "backward")


def outputs_well_formed(student, case: Case, part: str) -> None:
    """The forward's or (``part``) the backward's outputs are float64 arrays of exactly SPEC's shapes."""
    outputs, cache = forward(student, case)
    if part == "forward":
        for (name, value), shape in zip(outputs.items(), case.output_shapes):
            assert_array(case.forward_name, name, value, shape)
        return
    for grad, value in backward(student, case, cache).items():
        assert_array(case.backward_name, case.grad_label(grad), value, grad_shape(case, grad))


def leaves_arguments_unchanged(student, case: Case, part: str) -> None:
    """The forward or (``part``) the backward leaves its arguments unchanged (dicts included)."""
    if part == "forward":
        _, args_after, _ = student.watch(case.forward_name, *copied(case.args))
        for name, before, after in zip(case.arg_names, case.args, args_after):
            assert_same(case.forward_name, name, before, after)
        return
    _, cache = forward(student, case)
    _, args_after, _ = student.watch(case.backward_name, *copied(case.upstream), cache)
    for name, before, after in zip(case.upstream_names, case.upstream, args_after):
        assert_same(case.backward_name, name, before, after)


def backward_repeatable(student, case: Case) -> None:
    """Calling the backward twice on one cache gives identical gradients (the cache is not consumed)."""
    _, cache = forward(student, case)
    first = backward(student, case, cache)
    second = backward(student, case, cache)
    for grad in case.grad_names:
        assert_close(case.backward_name, case.grad_label(grad), second[grad], first[grad], rtol=0.0, atol=0.0,
                     what="the first call's value")


# ---------------------------------------------------------------- forecast_recursive and init_forecaster


def first_forecast_is_forward(student, call: Call) -> None:
    """yhat[0] equals the student's forecaster_forward on the history (one window of W values)."""
    params, history, steps, cell = call.args
    yhat = outputs_of(student, call)["yhat"]
    assert_array("forecast_recursive", "yhat", yhat, (steps,))
    value = student.call("forecaster_forward", copied(params), history.reshape(1, -1, 1), cell)
    Y = unpack("forecaster_forward", value, ("Y", "cache"))[0]
    assert_array("forecaster_forward", "Y", Y, (1, 1))
    assert_close("forecast_recursive", "yhat[0]", float(yhat[0]), float(Y[0, 0]),
                 what="your forecaster_forward(params, history.reshape(1, W, 1), cell)[0][0, 0] =")


def forecasts_continue(student, call: Call) -> None:
    """Forecasting steps - 1 values from history[1:] followed by yhat[0] gives yhat[1:]."""
    params, history, steps, cell = call.args
    yhat = outputs_of(student, call)["yhat"]
    assert_array("forecast_recursive", "yhat", yhat, (steps,))
    if steps < 2:
        return
    later = Call(call.recipe, "forecast_recursive", call.arg_names,
                 (params, np.concatenate((history[1:], yhat[:1])), steps - 1, cell))
    rest = outputs_of(student, later)["yhat"]
    assert_close("forecast_recursive", "yhat[1:]", rest, yhat[1:], what="your yhat[1:] from the full history:")


def init_same_seed(student, call: Call) -> None:
    """Two calls with the same seed give identical parameters."""
    first, second = outputs_of(student, call), outputs_of(student, call)
    for name, value in first.items():
        assert_close("init_forecaster", name, second[name], value, rtol=0.0, atol=0.0,
                     what="the first call's value (same seed)")


def init_in_range(student, call: Call) -> None:
    """Every entry lies in [-1/sqrt(H), 1/sqrt(H)]."""
    H = call.args[1]
    bound = H ** -0.5  # SPEC 9: uniform in [-1/sqrt(H), 1/sqrt(H)]
    for name, value in outputs_of(student, call).items():
        assert_array("init_forecaster", name, value, spec_shapes(call)[name])
        outside = np.abs(value) > bound * (1 + 1e-12)
        if np.any(outside) or not np.all(np.isfinite(value)):
            worst = float(value[np.unravel_index(np.argmax(np.abs(value)), value.shape)])
            raise CheckFailure(f"init_forecaster: '{name}' has entries outside [-1/sqrt(H), 1/sqrt(H)] = "
                               f"[{-bound:.6g}, {bound:.6g}] (H = {H}), e.g. {worst!r}")


# ---------------------------------------------------------------- train_forecaster: outcome checks

DATA = Path(__file__).resolve().parent.parent / "data" / "sunspots.csv"
#: Window length, training fraction and train_forecaster's keyword arguments in every outcome check.
WINDOW = 12
TRAIN_FRACTION = 0.8
TRAINING = {"epochs": 30, "batch_size": 32, "lr": 1e-2, "max_norm": 1.0}
#: The training loss "falls" when the last epoch's mean loss is below this fraction of the first's.
#: The reference's ratio is 0.10 to 0.24 (every cell, H 8 to 24, seeds 0 to 29, next-value and seq2seq).
LOSS_FALL = 0.5


@dataclass(frozen=True)
class Sunspots:
    """The outcome checks' task (as the handout builds it): training windows of the standardised
    training part and one-step forecasts of every held-out year, in the original units."""

    y: np.ndarray          # the yearly series, (T,)
    n_train: int           # 247: the training part is y[:n_train]
    mean: float            # of the training part only
    std: float             # population std of the training part only
    X: np.ndarray          # training windows (N, 12, 1), N = n_train - 12 = 235
    Y: np.ndarray          # their next values (N, 1)
    Y_seq: np.ndarray      # seq2seq targets (N, 12, 1): at every step, the next value
    X_test: np.ndarray     # the 12 scaled values before each held-out year (62, 12, 1)
    y_test: np.ndarray     # the held-out years (62,), original units
    z_test: np.ndarray     # the same years, scaled
    naive: np.ndarray      # the naive forecast of each held-out year: the year before (62,)

    @property
    def naive_mae(self) -> float:
        return float(np.mean(np.abs(self.y_test - self.naive)))

    def mae(self, scaled_predictions: np.ndarray) -> float:
        """MAE in the original units of predictions made in the scaled units, shape (62,): an error
        of e scaled units is e * std original units."""
        return self.std * float(np.mean(np.abs(self.z_test - scaled_predictions)))


@functools.lru_cache(maxsize=1)
def sunspots() -> Sunspots:
    y = np.loadtxt(DATA, delimiter=",", skiprows=1)[:, 1]
    T, n_train, W = y.shape[0], int(TRAIN_FRACTION * y.shape[0]), WINDOW
    mean, std = float(np.mean(y[:n_train])), float(np.std(y[:n_train]))
    z = (y - mean) / std  # scaled with the training part's statistics only (what standardize returns)
    starts = np.arange(n_train - W)
    X = np.stack([z[s:s + W] for s in starts])[:, :, None]
    Y = z[starts + W][:, None]
    Y_seq = np.stack([z[s + 1:s + W + 1] for s in starts])[:, :, None]
    targets = np.arange(n_train, T)
    X_test = np.stack([z[t - W:t] for t in targets])[:, :, None]
    return Sunspots(y, n_train, mean, std, X, Y, Y_seq, X_test, y[targets], z[targets], y[targets - 1])


@dataclass(frozen=True)
class Run:
    """One training run of the outcome checks: train_forecaster(X, Y, H, cell=, seed=, **TRAINING), with
    ``epochs`` and ``max_norm`` overridden where given."""

    cell: str
    H: int
    seed: int
    seq2seq: bool = False
    epochs: int = TRAINING["epochs"]
    max_norm: float = TRAINING["max_norm"]
    hidden: bool = False  # a hidden check's run: feedback does not show its size and seed

    @property
    def kwargs(self) -> dict:
        return {**TRAINING, "epochs": self.epochs, "max_norm": self.max_norm}

    def __str__(self) -> str:
        if self.hidden:
            return f"a hidden training run ({self.cell}{', seq2seq targets' if self.seq2seq else ''}, another H and seed)"
        return (f"train_forecaster(X, Y{'_seq' if self.seq2seq else ''}, {self.H}, cell={self.cell!r}, "
                f"epochs={self.epochs}, batch_size=32, lr=1e-2, max_norm={self.max_norm!r}, seed={self.seed})")


#: submission -> {Run: (params, losses) or the error the call raised}. Training takes most of the
#: grading time, so each run is trained once per grading run and shared by the checks that judge it
#: (the determinism check trains again on purpose). Weak keys: a new submission never sees old results.
_TRAINED: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _train(student, run: Run):
    task = sunspots()
    return student.call("train_forecaster", task.X.copy(), (task.Y_seq if run.seq2seq else task.Y).copy(), run.H,
                        cell=run.cell, seed=run.seed, **run.kwargs)


def trained(student, run: Run) -> tuple[dict, np.ndarray]:
    """The student's (params, losses) of ``run``, validated: a dict of init_forecaster's keys and
    shapes (float64, finite) and losses of shape (epochs,) (float64)."""
    try:
        table = _TRAINED.setdefault(student, {})
    except TypeError:  # a submission object that cannot be weakly referenced: no sharing
        table = {}
    if run not in table:
        try:
            table[run] = _train(student, run)
        except StudentCodeError as exc:
            table[run] = exc
    result = table[run]
    if isinstance(result, Exception):
        raise result.with_traceback(None)
    return validated(run, result)


def validated(run: Run, value) -> tuple[dict, np.ndarray]:
    params, losses = unpack("train_forecaster", value, ("params", "losses"))
    params = dict_of("train_forecaster", "params", params, PARAM_NAMES)
    M = 1
    for name, shape in param_shapes(run.cell, 1, run.H, M).items():
        try:
            assert_array("train_forecaster", f"params[{name!r}]", params[name], shape)
        except CheckFailure:
            if not run.hidden:
                raise
            raise CheckFailure(f"train_forecaster: params[{name!r}] after {run} is not a float64 array of "
                               "init_forecaster's shape (F, H, M, cell as in the call)") from None
        if not np.all(np.isfinite(params[name])):
            raise CheckFailure(f"train_forecaster: params[{name!r}] contains nan or inf after {run}"
                               + _curve_text(losses) + "\n  Likely cause: lr too high or gradients not clipped?")
    assert_array("train_forecaster", "losses", losses, (run.epochs,))
    return params, losses


def _curve_text(losses) -> str:
    if type(losses) is not np.ndarray or losses.ndim != 1:
        return ""
    return "\n  Loss per epoch: " + np.array2string(losses, precision=4, separator=", ", max_line_width=100)


def loss_falls(run: Run, losses: np.ndarray) -> None:
    """losses are finite and the last epoch's is below LOSS_FALL of the first's; a diverging or flat
    loop gets its loss curve and a likely cause in the message."""
    curve = _curve_text(losses)
    if not np.all(np.isfinite(losses)):
        first = int(np.argmax(~np.isfinite(losses)))
        raise CheckFailure(f"train_forecaster: the training loss became {losses[first]} at epoch {first} in {run}."
                           f"{curve}\n  Likely cause: lr too high or gradients not clipped?")
    if not losses[-1] < LOSS_FALL * losses[0]:
        cause = ("lr too high or gradients not clipped?" if losses[-1] >= losses[0]
                 else "steps too small or too few (lr passed on to adam_step? one Adam step per batch?), "
                      "or a wrong gradient?")
        raise CheckFailure(f"train_forecaster: the training loss did not fall to below {LOSS_FALL:g} x its first "
                           f"value in {run}: losses[0] = {losses[0]:.4g}, losses[-1] = {losses[-1]:.4g}.{curve}\n"
                           f"  Likely cause: {cause}")


def predictions(impl, run: Run, params: dict, X: np.ndarray) -> np.ndarray:
    """One-step predictions (N,) of ``params`` on windows X with ``impl``'s forward (the last step of
    seq2seq_forward for a seq2seq run)."""
    function = "seq2seq_forward" if run.seq2seq else "forecaster_forward"
    Y = unpack(function, impl.call(function, copied(params), X.copy(), run.cell), ("Y", "cache"))[0]
    shape = (X.shape[0], X.shape[1], 1) if run.seq2seq else (X.shape[0], 1)
    assert_array(function, "Y", Y, shape)
    return Y[:, -1, 0] if run.seq2seq else Y[:, 0]


def training_mae(impl, run: Run, params: dict) -> float:
    """Mean absolute error (scaled units) of ``params`` on the training windows, with ``impl``'s forward."""
    task = sunspots()
    return float(np.mean(np.abs(predictions(impl, run, params, task.X) - task.Y[:, 0])))


def initial_params(student, run: Run) -> dict:
    """The student's init_forecaster(1, H, 1, cell, seed): where the run's training starts."""
    init = outputs_of(student, Call("", "init_forecaster", ("F", "H", "M", "cell", "seed"),
                                    (1, run.H, 1, run.cell, run.seed)))
    return {name: init[f"params[{name!r}]"] for name in PARAM_NAMES}


def training_loss_falls(student, run: Run) -> None:
    """The loss curve falls, and the trained params fit the training windows better than
    init_forecaster's params of the same seed (both judged with the student's forward)."""
    params, losses = trained(student, run)
    loss_falls(run, losses)
    init = initial_params(student, run)
    before, after = training_mae(student, run, init), training_mae(student, run, params)
    if not after < before:
        raise CheckFailure(f"train_forecaster: after {run} the training windows' mean absolute error is {after:.4g}, "
                           f"not below the "
                           f"{before:.4g} of init_forecaster(1, {run.H}, 1, {run.cell!r}, {run.seed}) (both with "
                           f"your {'seq2seq' if run.seq2seq else 'forecaster'}_forward); the loss curve says it fell, "
                           "so are the returned params the trained ones?")


def held_out_mae(impl, run: Run, params: dict) -> float:
    """MAE (original units) of one-step forecasts of the held-out years with ``impl``'s forward."""
    task = sunspots()
    return task.mae(predictions(impl, run, params, task.X_test))


def beats_naive(student, evaluator, run: Run, factor: float = 1.0, who: str = "your") -> None:
    """The held-out MAE of the trained params (predicted with ``evaluator``'s forward) is below
    ``factor`` times the naive forecast's."""
    params, losses = trained(student, run)
    if not np.all(np.isfinite(losses)) or not losses[-1] < losses[0]:
        loss_falls(run, losses)  # the reason, with the loss curve
    task = sunspots()
    mae = held_out_mae(evaluator, run, params)
    limit = factor * task.naive_mae
    if not mae < limit:
        bar = "the naive forecast's" if factor == 1.0 else f"{factor:g} x the naive forecast's {task.naive_mae:.2f}"
        raise CheckFailure(
            f"train_forecaster: after {run}, one-step forecasts of the {task.y_test.size} held-out years (with {who} "
            f"{'seq2seq' if run.seq2seq else 'forecaster'}_forward, in the original units) have MAE {mae:.2f}; needed: "
            f"below {bar} ({limit:.2f}; the naive forecast repeats last year's value).{_curve_text(losses)}")


def same_seed_same_result(student, run: Run, trained_run: Run) -> None:
    """A second call of ``run`` gives identical params and losses. Credit only once ``trained_run``
    (the full run of the same cell, H and seed) trains."""
    training_loss_falls(student, trained_run)
    params, losses = trained(student, run)
    again_params, again_losses = validated(run, _train(student, run))
    for name in PARAM_NAMES:
        assert_close("train_forecaster", f"params[{name!r}]", again_params[name], params[name], rtol=0.0, atol=0.0,
                     what="the first call's value (same seed)")
    assert_close("train_forecaster", "losses", again_losses, losses, rtol=0.0, atol=0.0,
                 what="the first call's value (same seed)")



#: clipping_bounds_the_steps: the largest change of any parameter allowed with max_norm = 1e-12. Every
#: clipped gradient entry is then at most 1e-12, so every Adam step (lr * m / (sqrt(v) + eps), eps = 1e-8,
#: |m| and sqrt(v) at most 1e-12 after bias correction) is at most lr * 1e-4 = 1e-6 per entry: 40 steps
#: (5 epochs of 8 batches) move no entry by more than 4e-5. Without clipping, Adam's first step alone
#: moves every entry with a nonzero gradient by about lr = 1e-2.
CLIPPED_DRIFT = 1e-3


def clipping_bounds_the_steps(student, run: Run, trained_run: Run) -> None:
    """With a tiny max_norm the returned params stay at init_forecaster's (the gradients are clipped
    before each Adam step). Credit only once ``trained_run`` (same cell, H, seed) trains."""
    training_loss_falls(student, trained_run)
    params, losses = trained(student, run)
    init = initial_params(student, run)
    moved = {name: float(np.max(np.abs(params[name] - init[name]))) for name in PARAM_NAMES}
    worst = max(moved, key=moved.get)
    if not moved[worst] < CLIPPED_DRIFT:
        raise CheckFailure(
            f"train_forecaster: with max_norm={run.max_norm:g} every clipped gradient is tiny, so Adam's steps "
            f"(lr * m / (sqrt(v) + eps), eps = 1e-8) are at most lr * 1e-4 and the parameters should stay at "
            f"init_forecaster(1, {run.H}, 1, {run.cell!r}, {run.seed})'s; after {run} params[{worst!r}] moved by "
            f"{moved[worst]:.3g} (allowed: {CLIPPED_DRIFT:g}). Are the gradients clipped with "
            f"clip_grad_norm(grads, max_norm) before every adam_step?{_curve_text(losses)}")
