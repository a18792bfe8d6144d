"""The bodies of the recurrent assignment's checks, shared by RNN, LSTM and GRU.

Each function takes a submission (``student``: anything with ``call``/``watch``/``call_many``, the
student's files or the reference) and a ``RecurrentCase`` from ``strategies_recurrent`` (the hidden
checks draw theirs from the grader's own strategies), and raises
``CheckFailure`` (or the student's own error) when the answer is wrong. Check files stay short:
they choose cases, points and names; the logic lives here once.
"""

from __future__ import annotations

import hashlib
import weakref

import numpy as np

from autograder.checklib.compare import CheckFailure, assert_array, assert_close, assert_unchanged, describe_type
from autograder.checklib.diagnosis import Layout, explain
from autograder.checklib.errors import NotImplementedYet, StudentException
from autograder.checklib.examples import kept_for, note_passed, passed_before
from autograder.checklib.numgrad import perturbations
from autograder.checklib.settings import SkipCase
from autograder.checklib.tolerances import GRAD_ATOL, GRAD_RTOL, NUMGRAD_EPS, TRIVIAL_GRAD


def _unpack(function: str, value, names: tuple[str, ...], with_cache: bool) -> tuple:
    """Split a returned tuple into its named parts, with a clear message when it has the wrong form."""
    count = len(names) + (1 if with_cache else 0)
    spelled = ", ".join(names + (("cache",) if with_cache else ()))
    if not isinstance(value, (tuple, list)) or len(value) != count:
        got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) \
            else describe_type(value)
        raise CheckFailure(f"{function}: should return a tuple ({spelled}), got {got}")
    return tuple(value)


def forward(impl, case) -> tuple[dict, object]:
    """Run the case's forward function: ({output name: value}, cache)."""
    value = impl.call(case.forward_name, *case.args, **case.kwargs)
    parts = _unpack(case.forward_name, value, case.output_names, with_cache=True)
    return dict(zip(case.output_names, parts[:-1])), parts[-1]


def backward(impl, case, cache) -> dict:
    """Run the case's backward function on ``cache``: {gradient name: value}."""
    value = impl.call(case.backward_name, *case.upstream, cache)
    return dict(zip(case.grad_names, _unpack(case.backward_name, value, case.grad_names, with_cache=False)))


#: The RNN's regimes (keyword arguments of the ``rnn_*cases`` strategies): each has checks of its own,
#: named for it, so an RNN that does tanh but not relu or the leak yet earns the credit of what it does.
RNN_REGIMES = {
    "tanh": {"activations": ("tanh",), "max_alpha": 0.0, "scale": "unit"},
    "relu": {"activations": ("relu",), "max_alpha": 0.0},
    "leaky": {"min_alpha": 0.1},
    "saturating tanh": {"activations": ("tanh",), "max_alpha": 0.0, "scale": "large"},
}
#: How check names describe each regime.
RNN_REGIME_TEXT = {
    "tanh": "tanh, no leak",
    "relu": "relu, no leak",
    "leaky": "leaky: alpha >= 0.1, tanh or relu",
    "saturating tanh": "saturating tanh: |pre-activations| ~ 20-40, no leak",
}


def rnn_regime(case) -> str:
    """The regime of a small RNN case (the worked examples): "leaky", "tanh" or "relu"."""
    return "leaky" if case.alpha > 0 else case.activation


def expected_shape(case, name: str) -> tuple[int, ...]:
    """Shape of a forward output or gradient of ``case``, from SPEC."""
    if name.startswith("d") and name[1:] in case.arg_names:
        return dict(zip(case.arg_names, case.args))[name[1:]].shape
    if name == "h":
        return (case.N, case.T, case.H)
    return (case.N, case.H)


def own_forward(case, run):
    """``run()`` (something that calls the student's forward on ``case``) for a check of the student's
    backward: where the forward raises, the backward is not judged on this case (``SkipCase``; the
    forward's own checks charge for the error, once). A check that can judge no case fails, naming
    the forward's error."""
    try:
        return run()
    except (StudentException, NotImplementedYet) as exc:
        first = str(exc).splitlines()[0]
        raise SkipCase(CheckFailure(
            f"{case.backward_name}: earns credit only once your {case.forward_name} runs on these inputs; on "
            f"every input tried it raised an error, for example: {first}")) from None


# ---------------------------------------------------------------- against the reference (hidden)


def forward_matches(student, reference, case) -> None:
    """Every forward output equals the reference's."""
    want, _ = forward(reference, case)
    got, _ = forward(student, case)
    for name, value in want.items():
        assert_close(case.forward_name, name, got[name], value)


#: submission -> {(backward, digest of the case's inputs and upstream gradients): its gradients}: one
#: check per gradient (dx, dh0, dWx, ...) draws the same cases, so the student's forward and backward
#: run once per case and grading, and each check judges its own output of that answer (kept only
#: when both answered: an error is met again by every check, as before).
_GRADIENTS: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def student_gradients(student, case) -> dict:
    """{gradient name: value} of the student's backward on its own forward's cache (``own_forward``:
    a forward that raises skips the case), once per case and grading; the caller gets copies."""
    key = (case.backward_name, _digest(case), _digest_arrays(case.upstream))
    known = kept_for(_GRADIENTS, student)
    if key not in known:
        _, cache = own_forward(case, lambda: forward(student, case))
        known[key] = backward(student, case, cache)
    return {name: value.copy() if isinstance(value, np.ndarray) else value for name, value in known[key].items()}


def backward_output_matches(student, reference, case, output: str) -> None:
    """The gradient ``output`` of the backward equals the reference's (each student function run on
    its own forward's cache)."""
    _, ref_cache = forward(reference, case)
    want = backward(reference, case, ref_cache)[output]
    got = student_gradients(student, case)[output]
    assert_close(case.backward_name, output, got, want)


# ---------------------------------------------------------------- self-consistency (public)


def _loss_terms(case, outputs: dict) -> float:
    return float(sum(np.sum(outputs[name] * up) for name, up in zip(case.output_names, case.upstream)))


#: The kink test of ``gradient_consistent``: where the comparison with the numerical gradient (step
#: NUMGRAD_EPS) fails, it is taken again with step NUMGRAD_EPS / KINK_STEP_RATIO (one more batch).
KINK_STEP_RATIO = 4.0
#: Two estimates of one entry "agree" when they differ by at most this fraction of the comparison's
#: own tolerance (GRAD_ATOL + GRAD_RTOL * |numerical|). For a smooth forward they differ by the
#: truncation error (15/16) eps^2 |f'''| / 6 ~ 1e-12 plus the roundoff ~ 4 u |f| / eps ~ 5e-10 (|f| ~ 1),
#: far below it; a centred difference that straddles a kink (relu at 0) at a distance d < eps mixes the
#: two one-sided slopes in proportions that depend on the step, so the two estimates differ by a fixed
#: fraction of the jump in slope. Where they agree within half the tolerance, the coarse estimate is
#: within half the tolerance of the fine one, so those entries are judged as they would be without a kink.
#: (A point exactly on a kink, d = 0, gives the mean of the two slopes at every step: no step size can
#: tell; generic inputs come within ~1e-13 of a kink with negligible probability.)
AGREEMENT = 0.5


def _perturbed_losses(student, case, argument: str, steps: tuple[float, ...]) -> np.ndarray:
    """sum_k output_k * upstream_k of the student's forward at every point of a centred difference of
    ``argument``, for each step size in ``steps`` (every call sent to the student's code in one batch)."""
    position = case.arg_names.index(argument)
    base = list(case.args)
    calls = []
    for eps in steps:
        for p in perturbations(base[position], eps):
            args = list(base)
            args[position] = p
            calls.append(tuple(args) + tuple(case.kwargs.values()))
    results = student.call_many(case.forward_name, calls)
    losses = []
    for value in results:
        if isinstance(value, Exception):
            raise value
        parts = _unpack(case.forward_name, value, case.output_names, with_cache=True)
        outputs = dict(zip(case.output_names, parts[:-1]))
        for name in case.output_names:
            assert_array(case.forward_name, name, outputs[name], expected_shape(case, name))
        losses.append(_loss_terms(case, outputs))
    return np.array(losses)


#: submission -> {(forward, argument, steps, digest of the case's inputs): numerical gradients}: the
#: gradient gate's worked case is also the first case of every gradient check of its function, so
#: its numerical gradients are taken once per grading (only those the student's forward answered).
_NUMERICAL: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _digest(case) -> bytes:
    """A digest of a case's inputs."""
    return _digest_arrays((*case.args, *case.kwargs.items()))


def _digest_arrays(values) -> bytes:
    """A digest of ``values`` (arrays by dtype, shape and bytes; anything else by repr)."""
    h = hashlib.sha256()
    for value in values:
        if isinstance(value, np.ndarray):
            h.update(repr((value.dtype.str, value.shape)).encode() + np.ascontiguousarray(value).tobytes())
        else:
            h.update(repr(value).encode())
    return h.digest()


def numerical_gradients(student, case, argument: str, steps: tuple[float, ...]) -> list[np.ndarray]:
    """d(sum_k output_k * upstream_k)/d(argument) of the student's forward by centred differences, once
    per step size in ``steps`` (all in one batch; taken once per grading for identical inputs)."""
    key = (case.forward_name, argument, steps, _digest(case))
    known = kept_for(_NUMERICAL, student)
    if key not in known:
        known[key] = _numerical_gradients(student, case, argument, steps)
    return [g.copy() for g in known[key]]


def _numerical_gradients(student, case, argument: str, steps: tuple[float, ...]) -> list[np.ndarray]:
    shape = dict(zip(case.arg_names, case.args))[argument].shape
    losses = _perturbed_losses(student, case, argument, steps)
    points = 2 * int(np.prod(shape, dtype=int))
    grads = []
    for k, eps in enumerate(steps):
        chunk = losses[k * points:(k + 1) * points]
        grads.append(((chunk[0::2] - chunk[1::2]) / (2.0 * eps)).reshape(shape))
    return grads


def numerical_gradient(student, case, argument: str) -> np.ndarray:
    """d(sum_k output_k * upstream_k)/d(argument) of the student's forward, by centred differences
    with step NUMGRAD_EPS (every perturbed call sent to the student's code in one batch)."""
    return numerical_gradients(student, case, argument, (NUMGRAD_EPS,))[0]


def depends_on_every_input(student, case) -> None:
    """Gate of the gradient checks: the student's forward must depend on every argument (a numerical
    gradient that is not trivially zero), so a forward that computes nothing earns no gradient credit.
    Every gradient check of a function opens with it and its numerical gradients are most of its cost:
    once passed, it is not judged again for that submission (``checklib.examples.passed_before``)."""
    if passed_before(student, case):
        return
    message = _gate_failure(student, case)
    if message is not None:
        raise CheckFailure(message)
    note_passed(student, case)


def _gate_failure(student, case) -> str | None:
    """Why ``depends_on_every_input`` fails (None: it passes)."""
    for argument in case.arg_names:
        try:
            grad = numerical_gradient(student, case, argument)
        except (StudentException, NotImplementedYet) as exc:
            return (f"{case.backward_name}: gradient consistency earns no credit until your {case.forward_name} runs "
                    f"on these inputs; it raised: {str(exc).splitlines()[0]}")
        if not np.max(np.abs(grad), initial=0.0) > TRIVIAL_GRAD:
            return (f"{case.forward_name}: its outputs do not change when '{argument}' changes (numerical gradient "
                    f"is zero on a generic input), so gradient consistency earns no credit: implement the forward first")
    return None


def gradient_consistent(student, case, output: str) -> None:
    """The student's backward ``output`` equals the numerical gradient of the student's own forward.

    Robust to kinks without knowing where they are. The numerical gradient with step NUMGRAD_EPS is
    compared first (one batch of perturbed forwards, as always); where that comparison fails, the
    numerical gradient is taken again with a step KINK_STEP_RATIO times smaller (a second batch) and
    only the entries where the two estimates agree are judged: a centred difference that straddles a
    kink (a relu pre-activation within a step of 0) depends on the step, a smooth one does not. If
    fewer than half of the entries (or none) are comparable, the check fails, saying so: it never
    passes vacuously. A correct backward pays for the second batch only on the rare input with a kink.
    """
    argument = output[1:]
    numeric = own_forward(case, lambda: numerical_gradient(student, case, argument))
    analytic = student_gradients(student, case)[output]
    try:
        assert_close(case.backward_name, output, analytic, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                     what="numerical gradient of your forward")
        return
    except CheckFailure:
        if not (np.all(np.isfinite(numeric)) and type(analytic) is np.ndarray and analytic.shape == numeric.shape
                and analytic.dtype.kind == "f"):
            raise  # wrong type or shape, or nothing finite to compare with: no step size changes that
    fine_eps = NUMGRAD_EPS / KINK_STEP_RATIO
    finer = own_forward(case, lambda: numerical_gradients(student, case, argument, (fine_eps,))[0])
    comparable = np.isfinite(finer) & (np.abs(numeric - finer) <= AGREEMENT * (GRAD_ATOL + GRAD_RTOL * np.abs(numeric)))
    count = int(np.count_nonzero(comparable))
    if count == 0 or 2 * count < comparable.size:
        raise CheckFailure(
            f"{case.backward_name}: '{output}' cannot be checked on this input: the numerical gradient of your "
            f"forward with respect to '{argument}' changes with the step size ({NUMGRAD_EPS:g} and {fine_eps:g}) at "
            f"{comparable.size - count} of {comparable.size} entries, so the input sits on a kink (a relu "
            "pre-activation at 0) or your forward is not smooth there (a branch, rounding or randomness that depends "
            "on the input). A gradient is judged only where the two steps agree, and on at least half of its entries.")
    # entries on a kink are judged nowhere (unless the backward's value there is not even finite)
    want = np.where(comparable | ~np.isfinite(analytic), numeric, analytic)
    assert_close(case.backward_name, output, analytic, want, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                 what="numerical gradient of your forward")


#: ``part`` of the two property checks below: which function's behaviour is checked. A check named
#: after one function must fail only for that function's bugs, so the "backward" part runs the
#: forward only to get a cache and judges the backward alone.
PARTS = ("forward", "backward", "both")


def leaves_arguments_unchanged(student, case, part: str = "both") -> None:
    """The forward and/or (``part``) the backward leave their array arguments unchanged."""
    if part == "backward":
        _, cache = own_forward(case, lambda: forward(student, case))
    else:
        value, args_after, kwargs_after = student.watch(case.forward_name, *case.args, **case.kwargs)
        assert_unchanged(case.forward_name, dict(zip(case.arg_names, case.args)),
                         dict(zip(case.arg_names, args_after)))
        if part == "forward":
            return
        cache = _unpack(case.forward_name, value, case.output_names, with_cache=True)[-1]
    _, args_after, _ = student.watch(case.backward_name, *case.upstream, cache)
    assert_unchanged(case.backward_name, dict(zip(case.upstream_names, case.upstream)),
                     dict(zip(case.upstream_names, args_after)))


def outputs_well_formed(student, case, part: str = "both") -> None:
    """The forward's and/or (``part``) the backward's outputs are float64 arrays of exactly SPEC's shapes."""
    outputs, cache = own_forward(case, lambda: forward(student, case)) if part == "backward" else forward(student, case)
    if part != "backward":
        for name, value in outputs.items():
            assert_array(case.forward_name, name, value, expected_shape(case, name))
    if part != "forward":
        for name, value in backward(student, case, cache).items():
            assert_array(case.backward_name, name, value, expected_shape(case, name))


def backward_repeatable(student, case) -> None:
    """Calling the backward twice on one cache gives identical gradients (the cache is not consumed)."""
    _, cache = own_forward(case, lambda: forward(student, case))
    first = backward(student, case, cache)
    second = backward(student, case, cache)
    for name in case.grad_names:
        assert_close(case.backward_name, name, second[name], first[name], rtol=0.0, atol=0.0,
                     what="the first call's value")


def sequence_matches_steps(student, case) -> None:
    """The sequence forward equals the student's own step forward applied at every time step."""
    outputs, _ = forward(student, case)
    step = f"{case.model}_step_forward"
    h = case.h0
    c = np.zeros_like(case.h0)
    hs = []
    for t in range(case.T):
        if case.model == "lstm":
            value = student.call(step, case.x[:, t, :], h, c, case.Wx, case.Wh, case.b)
            h, c, _ = _unpack(step, value, ("next_h", "next_c"), with_cache=True)
        else:
            value = student.call(step, case.x[:, t, :], h, case.Wx, case.Wh, case.b, **case.kwargs)
            h, _ = _unpack(step, value, ("next_h",), with_cache=True)
        assert_array(step, "next_h", h, (case.N, case.H))
        hs.append(h)
    assert_close(case.forward_name, "h", outputs["h"], np.stack(hs, axis=1),
                 what=f"the stacked next_h of your {step}")


# ---------------------------------------------------------------- where a wrong output is wrong

#: Gate blocks of the last axis of dWx, dWh and db, in SPEC's order (sections 6 and 7).
GATE_NAMES = {"lstm": ("i", "f", "g", "o"), "gru": ("z", "r", "g")}


def layout(case, function: str, output: str) -> Layout:
    """How ``output`` of ``function`` (the case's forward or backward) reads: gate blocks on the last
    axis of dWx, dWh and db; time steps on axis 1 of a sequence's h and dx."""
    blocks = GATE_NAMES.get(case.model, ()) if output in ("dWx", "dWh", "db") else ()
    time_axis = 1 if not case.step and output in ("h", "dx") else None
    return Layout(blocks, time_axis, backward=function == case.backward_name)


def located(check):
    """``check(student, case, ...)`` that, when it finds an output of the case's functions wrong, adds
    where the wrong entries are (gate blocks, time steps) to the failure (``diagnosis.explain``)."""
    def run(student, case, *args, **kwargs):
        try:
            return check(student, case, *args, **kwargs)
        except CheckFailure as failure:
            compared = failure.compared
            if compared is not None and not failure.diagnosis and compared[0] in (case.forward_name, case.backward_name):
                explain(failure, layout(case, compared[0], compared[1]))
            raise

    run.__name__, run.__doc__, run.__wrapped__ = check.__name__, check.__doc__, check
    return run


gradient_consistent = located(gradient_consistent)
sequence_matches_steps = located(sequence_matches_steps)
