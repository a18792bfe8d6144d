"""The reference ``solutions/windowing.py`` against independent ground truth (SPEC section 3).

Ground truth is the lecture's seq2seq table, small cases worked out by hand, and a plain Python
loop that follows the SPEC's definitions word for word.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import strategies_sequences as seq_st
from autograder.loader import load_reference

windowing = load_reference("sequences", "windowing")

FUNCTIONS = ["make_windows", "make_seq2seq_windows"]


def loop_windows(series, window, horizon, stride):
    """SPEC section 3, one window at a time: the obviously-correct construction."""
    X, Y, Y2 = [], [], []
    s = 0
    while s + window + horizon <= len(series):
        X.append([series[s + t] for t in range(window)])
        Y.append([series[s + window + j] for j in range(horizon)])
        Y2.append([[series[s + t + 1 + j] for j in range(horizon)] for t in range(window)])
        s += stride
    return X, Y, Y2


# --- the lecture and hand-computed cases -------------------------------------------------------


@pytest.mark.parametrize(
    "horizon, targets",
    [
        (1, [[1], [2], [3]]),  # the lecture writes this column as [1, 2, 3]
        (2, [[1, 2], [2, 3], [3, 4]]),
        (3, [[1, 2, 3], [2, 3, 4], [3, 4, 5]]),
    ],
)
def test_seq2seq_matches_lecture_table(horizon, targets):
    X, Y = windowing.make_seq2seq_windows(np.arange(10), window=3, horizon=horizon)
    np.testing.assert_array_equal(X[0], [0, 1, 2])
    np.testing.assert_array_equal(Y[0], targets)
    # On the series 0, 1, 2, ... window k is the first one shifted by k.
    for k in range(X.shape[0]):
        np.testing.assert_array_equal(X[k], np.array([0, 1, 2]) + k)
        np.testing.assert_array_equal(Y[k], np.array(targets) + k)


def test_seq2seq_lecture_table_horizon_one_is_next_value_at_each_step():
    _, Y = windowing.make_seq2seq_windows(np.arange(10), window=3, horizon=1)
    np.testing.assert_array_equal(Y[0, :, 0], [1, 2, 3])


def test_make_windows_with_stride_matches_hand_computation():
    # T = 11, window 3, horizon 2, stride 3: starts 0, 3, 6 (9 + 5 > 11), N = (11 - 5) // 3 + 1 = 3.
    X, Y = windowing.make_windows(np.arange(11.0), window=3, horizon=2, stride=3)
    np.testing.assert_array_equal(X, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    np.testing.assert_array_equal(Y, [[3, 4], [6, 7], [9, 10]])


def test_make_windows_drops_incomplete_last_window():
    # T = 10, window 3, horizon 2, stride 3: start 6 would need index 10, so N = 2.
    X, Y = windowing.make_windows(np.arange(10.0), window=3, horizon=2, stride=3)
    np.testing.assert_array_equal(X, [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(Y, [[3, 4], [6, 7]])


def test_make_windows_of_minimal_series_gives_one_window():
    X, Y = windowing.make_windows(np.arange(5.0), window=3, horizon=2, stride=4)
    np.testing.assert_array_equal(X, [[0, 1, 2]])
    np.testing.assert_array_equal(Y, [[3, 4]])


def test_make_windows_multivariate_matches_hand_computation():
    series = np.array([[0, 10], [1, 11], [2, 12], [3, 13], [4, 14], [5, 15]], dtype=np.float64)
    # T = 6, F = 2, window 2, horizon 1, stride 2: starts 0, 2 (4 + 3 > 6), N = 2.
    X, Y = windowing.make_windows(series, window=2, horizon=1, stride=2)
    assert X.shape == (2, 2, 2) and Y.shape == (2, 1, 2)
    np.testing.assert_array_equal(X, [[[0, 10], [1, 11]], [[2, 12], [3, 13]]])
    np.testing.assert_array_equal(Y, [[[2, 12]], [[4, 14]]])


def test_seq2seq_with_stride_matches_hand_computation():
    # T = 8, window 2, horizon 1, stride 3: starts 0, 3 (6 + 3 > 8), N = 2.
    X, Y = windowing.make_seq2seq_windows(np.arange(8.0), window=2, horizon=1, stride=3)
    np.testing.assert_array_equal(X, [[0, 1], [3, 4]])
    np.testing.assert_array_equal(Y, [[[1], [2]], [[4], [5]]])


def test_seq2seq_multivariate_matches_hand_computation():
    s = np.array([[0, 10], [1, 11], [2, 12], [3, 13], [4, 14]], dtype=np.float64)
    # T = 5, F = 2, window 2, horizon 2, stride 1: N = (5 - 4) // 1 + 1 = 2; Y[k, t, j] = s[k + t + 1 + j].
    X, Y = windowing.make_seq2seq_windows(s, window=2, horizon=2, stride=1)
    assert X.shape == (2, 2, 2) and Y.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(X, [[[0, 10], [1, 11]], [[1, 11], [2, 12]]])
    expected = [
        [[[1, 11], [2, 12]], [[2, 12], [3, 13]]],  # window 0: steps t = 0, 1
        [[[2, 12], [3, 13]], [[3, 13], [4, 14]]],  # window 1
    ]
    np.testing.assert_array_equal(Y, expected)


# --- property: the loop construction ------------------------------------------------------------

any_window_params = st.sampled_from([None, 1, 3]).flatmap(
    lambda F: st.booleans().flatmap(lambda integer: seq_st.window_params(features=F, integer=integer))
)


@given(any_window_params)
def test_make_windows_matches_loop_construction(params):
    series, window, horizon, stride = params
    X, Y = windowing.make_windows(series, window, horizon, stride)
    loop_X, loop_Y, _ = loop_windows(series, window, horizon, stride)
    N = len(loop_X)
    assert N == (len(series) - window - horizon) // stride + 1
    assert X.shape == (N, window) + series.shape[1:]
    assert Y.shape == (N, horizon) + series.shape[1:]
    np.testing.assert_array_equal(X, np.array(loop_X).reshape(X.shape))
    np.testing.assert_array_equal(Y, np.array(loop_Y).reshape(Y.shape))


@given(any_window_params)
def test_seq2seq_matches_loop_construction(params):
    series, window, horizon, stride = params
    X, Y = windowing.make_seq2seq_windows(series, window, horizon, stride)
    loop_X, _, loop_Y = loop_windows(series, window, horizon, stride)
    N = len(loop_X)
    assert X.shape == (N, window) + series.shape[1:]
    assert Y.shape == (N, window, horizon) + series.shape[1:]
    np.testing.assert_array_equal(X, np.array(loop_X).reshape(X.shape))
    np.testing.assert_array_equal(Y, np.array(loop_Y).reshape(Y.shape))


# --- invalid arguments --------------------------------------------------------------------------

INVALID = [
    pytest.param({"window": 0}, "window", id="window-zero"),
    pytest.param({"window": -2}, "window", id="window-negative"),
    pytest.param({"window": True}, "window", id="window-bool"),
    pytest.param({"window": np.True_}, "window", id="window-numpy-bool"),
    pytest.param({"window": 3.0}, "window", id="window-float"),
    pytest.param({"window": "3"}, "window", id="window-string"),
    pytest.param({"window": None}, "window", id="window-none"),
    pytest.param({"horizon": 0}, "horizon", id="horizon-zero"),
    pytest.param({"horizon": False}, "horizon", id="horizon-bool"),
    pytest.param({"horizon": 1.5}, "horizon", id="horizon-float"),
    pytest.param({"stride": 0}, "stride", id="stride-zero"),
    pytest.param({"stride": True}, "stride", id="stride-bool"),
    pytest.param({"stride": np.float64(2.0)}, "stride", id="stride-numpy-float"),
    pytest.param({"series": np.zeros((10, 2, 2))}, "series", id="series-3d"),
    pytest.param({"series": np.float64(3.0)}, "series", id="series-0d"),
    pytest.param(
        {"series": np.arange(4.0), "window": 3, "horizon": 2}, "series", id="T-below-window-plus-horizon"
    ),
    pytest.param({"series": np.zeros((4, 2)), "window": 4}, "series", id="T-equals-window-multivariate"),
    pytest.param({"series": np.array([])}, "series", id="series-empty"),
]


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("overrides, argument", INVALID)
def test_invalid_arguments_raise_value_error_naming_function_and_argument(function, overrides, argument):
    kwargs = {"series": np.arange(10.0), "window": 3, "horizon": 1, "stride": 1, **overrides}
    with pytest.raises(ValueError) as info:
        getattr(windowing, function)(**kwargs)
    message = str(info.value)
    assert message.startswith(f"{function}:")
    assert argument in message


@pytest.mark.parametrize("function", FUNCTIONS)
def test_value_error_message_shows_expected_and_got(function):
    with pytest.raises(ValueError, match=r"window must be a positive integer, got 0"):
        getattr(windowing, function)(np.arange(10.0), 0)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_numpy_integer_arguments_are_accepted(function):
    got = getattr(windowing, function)(np.arange(10.0), np.int64(3), np.int32(2), np.uint8(2))
    expected = getattr(windowing, function)(np.arange(10.0), 3, 2, 2)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


# --- dtype, inputs and outputs ------------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float64])
def test_windows_keep_the_series_dtype(function, dtype):
    X, Y = getattr(windowing, function)(np.arange(12, dtype=dtype), 4, 2)
    assert X.dtype == dtype and Y.dtype == dtype


@pytest.mark.parametrize("function", FUNCTIONS)
def test_python_list_of_ints_gives_integer_windows(function):
    X, Y = getattr(windowing, function)([0, 1, 2, 3, 4, 5], 2, 1)
    assert np.issubdtype(X.dtype, np.integer) and np.issubdtype(Y.dtype, np.integer)
    np.testing.assert_array_equal(X[0], [0, 1])


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize(
    "series", [np.arange(12.0) ** 2, np.arange(24).reshape(12, 2)], ids=["1d-float", "2d-int"]
)
def test_series_is_unchanged_and_not_aliased(function, series):
    before = series.copy()
    X, Y = getattr(windowing, function)(series, 3, 2, 2)
    np.testing.assert_array_equal(series, before)
    assert series.dtype == before.dtype
    # Outputs are fresh arrays: writing into them must not reach the caller's series.
    assert not np.shares_memory(X, series) and not np.shares_memory(Y, series)
    X[...] = -1
    Y[...] = -1
    np.testing.assert_array_equal(series, before)
