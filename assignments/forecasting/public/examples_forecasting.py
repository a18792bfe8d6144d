"""Worked examples of the forecasting assignment: fixed inputs, expected outputs in expected.npz.

Every input is built by a recipe of strategies_forecasting (a few sizes and a seed), so you can
rebuild any example and print it::

    from strategies_forecasting import layer_norm_case
    case = layer_norm_case(lead=(3,), H=3, rows="tiny", eps=1e-3, seed=7)
    out, cache = layer_norm_forward(*case.args)

Outputs are named as Python would index them: ``dx``, ``grads['Wx']``, ``state['m']['W']``.
train_forecaster has no worked example: it is graded on outcomes (test_forecasting.py).
"""

import numpy as np

from autograder.checklib.examples import worked_example
from checks_forecasting import backward, forward, named_outputs, outputs_of, unpack
from strategies_forecasting import (
    Call, adam_init_call, adam_step_call, affine_case, clip_call, copied, forecast_recursive_call, forecaster_case,
    init_call, layer_norm_case, ln_rnn_case, mse_call, sgd_call, standardize_call, unstandardize_call,
)

#: Worked cases of the functions with a backward pass: each gives a forward and a backward example.
CASES = {
    "affine_rows": affine_case(lead=(2,), D=3, M=2, seed=1),  # x (2, 3): one leading axis
    "affine_sequences": affine_case(lead=(2, 3), D=2, M=2, seed=2),  # x (2, 3, 2): two leading axes
    "affine_three_axes": affine_case(lead=(2, 1, 2), D=2, M=3, seed=3),  # x (2, 1, 2, 2)
    "layer_norm_rows": layer_norm_case(lead=(3,), H=4, rows="normal", seed=4),
    # rows of spread 0, 1e-4 and 1e-3 (variance <= 1e-6, far below eps = 1e-3): eps decides
    "layer_norm_tiny_variance": layer_norm_case(lead=(3,), H=3, rows="tiny", eps=1e-3, seed=7),
    # N = T = D = H = 1: the layer norm of one feature is beta, so h = tanh(beta) and most gradients are 0
    "ln_rnn_single_unit": ln_rnn_case(N=1, T=1, D=1, H=1, seed=6),
    "ln_rnn_generic": ln_rnn_case(N=2, T=3, D=2, H=3, seed=7),
    "forecaster_rnn": forecaster_case("rnn", N=2, W=3, F=1, H=2, M=1, seed=8),
    "forecaster_lstm": forecaster_case("lstm", N=2, W=3, F=2, H=2, M=2, seed=9),
    "forecaster_gru": forecaster_case("gru", N=3, W=2, F=1, H=3, M=1, seed=10),
    "seq2seq_rnn": forecaster_case("rnn", N=2, W=3, F=1, H=2, M=2, seed=11, seq2seq=True),
    "seq2seq_lstm": forecaster_case("lstm", N=1, W=3, F=1, H=2, M=1, seed=12, seq2seq=True),
    "seq2seq_gru": forecaster_case("gru", N=2, W=2, F=2, H=2, M=1, seed=13, seq2seq=True),
}

#: Worked calls of the other functions (one example each).
CALLS = {
    "mse_loss_matrix": mse_call(shape=(3, 2), seed=20),
    "mse_loss_sequences": mse_call(shape=(2, 3, 1), seed=21),
    "clip_grad_norm_below": clip_call(regime="below", seed=22),
    "clip_grad_norm_above": clip_call(regime="above", seed=23),
    "sgd_step": sgd_call(lr=0.1, seed=24),
    "adam_init": adam_init_call(shapes={"Wx": (1, 3), "b": (3,)}, seed=25),
    "adam_step_first": adam_step_call(t=0, lr=1e-2, seed=26),
    "standardize_series": standardize_call(T=8, n_train=5, seed=27),
    "standardize_features": standardize_call(T=7, F=2, n_train=4, seed=28),
    "unstandardize_series": unstandardize_call(shape=(5,), seed=29),
    "unstandardize_features": unstandardize_call(shape=(3, 2), F=2, seed=30),
    "forecast_recursive_rnn": forecast_recursive_call("rnn", W=3, H=2, steps=4, seed=31),
    "forecast_recursive_gru": forecast_recursive_call("gru", W=2, H=2, steps=3, seed=32),
    "init_forecaster_gru": init_call(F=1, H=3, M=1, cell="gru", seed=33),
    "init_forecaster_lstm": init_call(F=2, H=2, M=2, cell="lstm", seed=34),
}

#: adam_step_three_steps: the first call's arguments (fresh state) and the gradients of steps 2 and 3.
ADAM_THREE = adam_step_call(shapes={"W": (2, 2), "b": (2,)}, t=0, lr=0.1, seed=35)
ADAM_THREE_GRADS = [
    {name: np.random.default_rng(36 + k).uniform(-1, 1, g.shape) for name, g in ADAM_THREE.args[1].items()}
    for k in range(2)
]


def _forward_example(case_name):
    case = CASES[case_name]

    @worked_example(case.forward_name)
    def example(impl):
        return forward(impl, case)[0]

    example.__name__ = f"{case_name}_forward"
    example.__doc__ = f"{case.forward_name}(*case.args) with case = {case.recipe}"
    example.case = case
    return example


def _backward_example(case_name):
    case = CASES[case_name]

    @worked_example(case.backward_name)
    def example(impl):
        _, cache = forward(impl, case)
        return {case.grad_label(g): v for g, v in backward(impl, case, cache).items()}

    example.__name__ = f"{case_name}_backward"
    example.__doc__ = (f"{case.backward_name}(*case.upstream, cache), cache from {case.forward_name}(*case.args), "
                       f"with case = {case.recipe}")
    example.case = case
    return example


def _call_example(call_name):
    call = CALLS[call_name]

    @worked_example(call.function)
    def example(impl):
        return outputs_of(impl, call)

    example.__name__ = call_name
    example.__doc__ = f"{call.function}(*call.args, **call.kwargs) with call = {call.recipe}"
    example.case = call
    return example


@worked_example("adam_step")
def adam_step_three_steps(impl):
    """Three adam_step calls (lr=0.1, default betas and eps), each on the params and state the call
    before returned: the first on ADAM_THREE = adam_step_call(shapes={'W': (2, 2), 'b': (2,)}, t=0,
    lr=0.1, seed=35) (fresh state: t = 0, zero moments), then with the gradients ADAM_THREE_GRADS."""
    params, grads, state = copied(ADAM_THREE.args)
    out = {}
    for step, g in enumerate([grads, *copied(ADAM_THREE_GRADS)], start=1):
        call = Call(ADAM_THREE.recipe, "adam_step", ADAM_THREE.arg_names, (params, g, state), ADAM_THREE.kwargs)
        value = impl.call("adam_step", copied(params), copied(g), copied(state), **ADAM_THREE.kwargs)
        out.update({f"step {step}: {name}": v for name, v in named_outputs(call, value).items()})
        params, state = unpack("adam_step", value, ("params", "state"))
    return out


adam_step_three_steps.case = ADAM_THREE

#: Sealed twins (autograder/checklib/sealed.py) of the examples whose inputs are only sizes and a
#: seed (nothing to perturb): the same call with other sizes or another seed.
TWINS = {
    "adam_init": lambda seed: adam_init_call(shapes={"W": (2, 1), "b": (1,)}, seed=1000 + seed),
    "init_forecaster_gru": lambda seed: init_call(F=1, H=3, M=1, cell="gru", seed=1000 + seed),
    "init_forecaster_lstm": lambda seed: init_call(F=2, H=2, M=2, cell="lstm", seed=1000 + seed),
}

EXAMPLES = [make(name) for name in CASES for make in (_forward_example, _backward_example)]
EXAMPLES += [_call_example(name) for name in CALLS]
EXAMPLES.append(adam_step_three_steps)
for _example in EXAMPLES:
    if _example.__name__ in TWINS:
        _example.twin = (lambda make: lambda impl, seed: outputs_of(impl, make(seed)))(TWINS[_example.__name__])
for _example in EXAMPLES:
    globals()[_example.__name__] = _example


def examples_for(*functions):
    """The worked examples of the given student functions."""
    return [e for e in EXAMPLES if e.function in functions]


def worked_cases(function, label=None):
    """The inputs (Case or Call) of the worked examples of ``function`` (of one ``label``, e.g. a cell):
    what the Hypothesis checks try first."""
    found = []
    for e in EXAMPLES:
        case = e.case
        name = getattr(case, "forward_name", getattr(case, "function", None))
        if e.function == function or name == function:
            if (label is None or case.label == label) and case not in found:
                found.append(case)
    return tuple(found)
