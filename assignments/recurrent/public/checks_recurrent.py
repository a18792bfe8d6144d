"""The bodies of the recurrent assignment's checks, shared by RNN, LSTM and GRU.

Each function takes a submission (``student``: anything with ``call``/``watch``/``call_many``, the
student's files or the reference) and a ``RecurrentCase`` from ``strategies.recurrent``, and raises
``CheckFailure`` (or the student's own error) when the answer is wrong. Check files stay short:
they choose cases, points and names; the logic lives here once.
"""

from __future__ import annotations

import numpy as np

from autograder.checklib.compare import CheckFailure, assert_array, assert_close, assert_unchanged, describe_type
from autograder.checklib.numgrad import perturbations
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


def expected_shape(case, name: str) -> tuple[int, ...]:
    """Shape of a forward output or gradient of ``case``, from SPEC."""
    if name.startswith("d") and name[1:] in case.arg_names:
        return dict(zip(case.arg_names, case.args))[name[1:]].shape
    if name == "h":
        return (case.N, case.T, case.H)
    return (case.N, case.H)


# ---------------------------------------------------------------- against the reference (hidden)


def forward_matches(student, reference, case) -> None:
    """Every forward output equals the reference's."""
    want, _ = forward(reference, case)
    got, _ = forward(student, case)
    for name, value in want.items():
        assert_close(case.forward_name, name, got[name], value)


def backward_output_matches(student, reference, case, output: str) -> None:
    """The gradient ``output`` of the backward equals the reference's (each student function run on
    its own forward's cache)."""
    _, ref_cache = forward(reference, case)
    want = backward(reference, case, ref_cache)[output]
    _, cache = forward(student, case)
    got = backward(student, case, cache)[output]
    assert_close(case.backward_name, output, got, want)


# ---------------------------------------------------------------- self-consistency (public)


def _loss_terms(case, outputs: dict) -> float:
    return float(sum(np.sum(outputs[name] * up) for name, up in zip(case.output_names, case.upstream)))


def numerical_gradient(student, case, argument: str) -> np.ndarray:
    """d(sum_k output_k * upstream_k)/d(argument) of the student's forward, by centred differences
    (every perturbed call sent to the student's code in one batch)."""
    position = case.arg_names.index(argument)
    base = list(case.args)
    points = perturbations(base[position])
    calls = []
    for p in points:
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
    shape = base[position].shape
    grad = (np.array(losses[0::2]) - np.array(losses[1::2])) / (2.0 * NUMGRAD_EPS)
    return grad.reshape(shape)


def depends_on_every_input(student, case) -> None:
    """Gate of the gradient checks: the student's forward must depend on every argument (a numerical
    gradient that is not trivially zero), so a forward that computes nothing earns no gradient credit."""
    for argument in case.arg_names:
        grad = numerical_gradient(student, case, argument)
        if not np.max(np.abs(grad), initial=0.0) > TRIVIAL_GRAD:
            raise CheckFailure(
                f"{case.forward_name}: its outputs do not change when '{argument}' changes (numerical gradient "
                f"is zero on a generic input), so gradient consistency earns no credit: implement the forward first")


def gradient_consistent(student, case, output: str) -> None:
    """The student's backward ``output`` equals the numerical gradient of the student's own forward."""
    argument = output[1:]
    numeric = numerical_gradient(student, case, argument)
    _, cache = forward(student, case)
    analytic = backward(student, case, cache)[output]
    assert_close(case.backward_name, output, analytic, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                 what="numerical gradient of your forward")


#: ``part`` of the two property checks below: which function's behaviour is checked. A check named
#: after one function must fail only for that function's bugs, so the "backward" part runs the
#: forward only to get a cache and judges the backward alone.
PARTS = ("forward", "backward", "both")


def leaves_arguments_unchanged(student, case, part: str = "both") -> None:
    """The forward and/or (``part``) the backward leave their array arguments unchanged."""
    if part == "backward":
        _, cache = forward(student, case)
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
    outputs, cache = forward(student, case)
    if part != "backward":
        for name, value in outputs.items():
            assert_array(case.forward_name, name, value, expected_shape(case, name))
    if part != "forward":
        for name, value in backward(student, case, cache).items():
            assert_array(case.backward_name, name, value, expected_shape(case, name))


def backward_repeatable(student, case) -> None:
    """Calling the backward twice on one cache gives identical gradients (the cache is not consumed)."""
    _, cache = forward(student, case)
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
