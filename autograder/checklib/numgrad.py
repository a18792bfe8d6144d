"""Centred numerical gradients: the ground truth every backward pass is checked against.

Never mutates its arguments: each perturbation is made on a fresh copy.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .tolerances import NUMGRAD_EPS


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    upstream: np.ndarray,
    eps: float = NUMGRAD_EPS,
) -> np.ndarray:
    """Gradient of ``sum(f(x) * upstream)`` with respect to ``x`` by centred differences.

    Args:
        f: maps an array shaped like ``x`` to an output array shaped like ``upstream``.
        x: the point, any shape, float64. Not modified.
        upstream: the upstream gradient dL/df(x), shape of ``f(x)``.
        eps: the finite-difference step.

    Returns:
        The gradient dL/dx, shape of ``x``, float64.
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus = x.copy()
        plus[idx] += eps
        minus = x.copy()
        minus[idx] -= eps
        diff = np.asarray(f(plus), dtype=np.float64) - np.asarray(f(minus), dtype=np.float64)
        grad[idx] = np.sum(diff * upstream) / (2.0 * eps)
    return grad


def perturbations(x: np.ndarray, eps: float = NUMGRAD_EPS) -> list[np.ndarray]:
    """The 2 * x.size points a centred difference evaluates, in the order ``combine`` expects.

    Lets a caller evaluate a function at all points in one batch (e.g. one round trip to the
    sandboxed worker) and then call ``combine``.
    """
    x = np.asarray(x, dtype=np.float64)
    points = []
    for idx in np.ndindex(x.shape):
        for sign in (1.0, -1.0):
            p = x.copy()
            p[idx] += sign * eps
            points.append(p)
    return points


def combine(
    outputs: Sequence[np.ndarray], shape: tuple[int, ...], upstream: np.ndarray, eps: float = NUMGRAD_EPS
) -> np.ndarray:
    """Turn f evaluated at ``perturbations(x)`` into the gradient of ``sum(f * upstream)``, shape ``shape``."""
    grad = np.zeros(shape, dtype=np.float64)
    for k, idx in enumerate(np.ndindex(shape)):
        plus = np.asarray(outputs[2 * k], dtype=np.float64)
        minus = np.asarray(outputs[2 * k + 1], dtype=np.float64)
        grad[idx] = np.sum((plus - minus) * upstream) / (2.0 * eps)
    return grad
