"""Gradient-based training: gradient-norm clipping, plain gradient descent and Adam.

Parameters, gradients and Adam's moments are dicts that map a name (e.g. "Wx") to a float64 array;
the gradient of a parameter has that parameter's shape, and every dict passed to one function has
the same keys. Every function returns NEW dicts holding new arrays and modifies none of its
arguments (neither the dicts nor the arrays in them), so a caller can keep the old values.

The formulas are PyTorch's, so a model trained here takes the same steps as one trained in torch:
- clip_grad_norm as torch.nn.utils.clip_grad_norm_ (the global L2 norm over every array),
- adam_step as torch.optim.Adam (bias-corrected moments, no weight decay, no amsgrad).
numpy only; scalars are Python floats.
"""

import numbers

import numpy as np


def _check_keys(func, reference_name, reference, **others):
    """Raise a ValueError naming `func` when a dict in `others` has other keys than `reference`."""
    if not isinstance(reference, dict):
        raise ValueError(
            f"{func}: {reference_name} should be a dict name -> array, got {type(reference).__name__}"
        )
    for name, other in others.items():
        if not isinstance(other, dict):
            raise ValueError(f"{func}: {name} should be a dict name -> array, got {type(other).__name__}")
        if set(other) != set(reference):
            raise ValueError(
                f"{func}: {name} should have the keys of {reference_name} {sorted(reference)}, "
                f"got {sorted(other)}"
            )
        for key in reference:
            if np.shape(other[key]) != np.shape(reference[key]):
                raise ValueError(
                    f"{func}: {name}[{key!r}] should have shape {np.shape(reference[key])}, "
                    f"got {np.shape(other[key])}"
                )


def _check_positive(func, name, value):
    """Raise a ValueError naming `func` unless `value` is a real number > 0 (a bool is not)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{func}: {name} must be a positive number, got {value!r}")


def clip_grad_norm(grads, max_norm):
    """Scale all gradients together so that their global L2 norm is at most about max_norm.

        total_norm = sqrt(sum over every array g, over every entry, of g**2)
        clipped[k] = grads[k] * min(1, max_norm / (total_norm + 1e-6))

    (torch.nn.utils.clip_grad_norm_). Every array gets the same factor, so the direction of the
    whole gradient is kept; with total_norm below max_norm the gradients come back unchanged (as
    new arrays).

    Inputs:
    - grads: dict name -> gradient array (any shapes)
    - max_norm: the largest allowed norm, a positive number; max_norm <= 0 raises ValueError

    Returns a tuple of:
    - clipped: a new dict with the keys of grads, each array of its gradient's shape
    - total_norm: the global norm of grads before clipping, a Python float
    """
    _check_keys("clip_grad_norm", "grads", grads)
    _check_positive("clip_grad_norm", "max_norm", max_norm)
    clipped, total_norm = None, None
    clipped = {name: np.zeros(np.shape(g)) for name, g in grads.items()}
    total_norm = 0.0
    return clipped, total_norm


def sgd_step(params, grads, lr):
    """One step of plain gradient descent.

        new_params[k] = params[k] - lr * grads[k]

    Inputs:
    - params: dict name -> parameter array
    - grads: dict name -> gradient array, the keys and shapes of params
    - lr: learning rate, a float

    Returns:
    - new_params: a new dict with the keys of params, each array of its parameter's shape
    """
    _check_keys("sgd_step", "params", params, grads=grads)
    new_params = None
    new_params = {name: np.zeros(np.shape(p)) for name, p in params.items()}
    return new_params


def adam_init(params):
    """The initial state of Adam for these parameters: step 0, both moments zero.

    Inputs:
    - params: dict name -> parameter array

    Returns:
    - state: {"t": 0, "m": {name: zeros like params[name]}, "v": {name: zeros like params[name]}},
      t an int; m and v dicts of float64 arrays of the parameters' shapes
    """
    _check_keys("adam_init", "params", params)
    state = None
    state = {
        "t": 0,
        "m": {name: np.zeros(np.shape(p)) for name, p in params.items()},
        "v": {name: np.zeros(np.shape(p)) for name, p in params.items()},
    }
    return state


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam (torch.optim.Adam without weight decay), for every parameter:

        t = t + 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        p = p - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    Inputs:
    - params: dict name -> parameter array
    - grads: dict name -> gradient array, the keys and shapes of params
    - state: Adam's state, as returned by adam_init or by the previous adam_step:
      {"t": int, "m": dict like params, "v": dict like params}
    - lr, beta1, beta2, eps: floats (PyTorch's defaults)

    Returns a tuple of:
    - new_params: a new dict with the keys of params, each array of its parameter's shape
    - new_state: a new state {"t": t + 1, "m": new dict, "v": new dict}; state is left unchanged
    """
    _check_keys("adam_step", "params", params, grads=grads)
    if not isinstance(state, dict) or set(state) != {"t", "m", "v"}:
        raise ValueError(
            f"adam_step: state should be a dict with keys ['m', 't', 'v'] (see adam_init), got {state!r:.80}"
        )
    _check_keys("adam_step", "params", params, **{"state['m']": state["m"], "state['v']": state["v"]})
    new_params, new_state = None, None
    new_params = {name: np.zeros(np.shape(p)) for name, p in params.items()}
    new_state = {
        "t": 0,
        "m": {name: np.zeros(np.shape(p)) for name, p in params.items()},
        "v": {name: np.zeros(np.shape(p)) for name, p in params.items()},
    }
    return new_params, new_state
