"""One home for the argument checks of strategies and check helpers (as Hypothesis'
``internal/validation.py``): each raises ``InvalidArgument`` echoing the bad value."""

from __future__ import annotations

import numpy as np
from hypothesis.errors import InvalidArgument


def check_int(name: str, value, minimum: int) -> None:
    """Raise InvalidArgument unless ``value`` is an integer (not a bool) that is ``>= minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be at least {minimum}")


def check_order(min_name: str, min_value, max_name: str, max_value) -> None:
    """Raise InvalidArgument when a lower bound exceeds its upper bound: ``min_x=3 is larger than max_x=2``."""
    if min_value > max_value:
        raise InvalidArgument(f"{min_name}={min_value!r} is larger than {max_name}={max_value!r}")


def check_range(name: str, low, high, minimum: int = 1) -> None:
    """``min_<name>`` and ``max_<name>`` are integers ``>= minimum`` and in order."""
    check_int(f"min_{name}", low, minimum)
    check_int(f"max_{name}", high, minimum)
    check_order(f"min_{name}", low, f"max_{name}", high)


def check_positive_float(name: str, value) -> None:
    """Raise InvalidArgument unless ``value`` is a finite positive number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidArgument(f"{name}={value!r} must be a number")
    if not (np.isfinite(value) and value > 0):
        raise InvalidArgument(f"{name}={value!r} must be finite and positive")
