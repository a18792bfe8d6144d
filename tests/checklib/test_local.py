"""The in-process submission (autograder/checklib/local.py): its ``call_many`` protocol."""


def test_call_many_stops_at_the_first_failing_call(tmp_path):
    """In-process ``call_many`` follows the worker's protocol: in order until a call fails, the list
    ending with that failure (``until_failure``)."""
    from autograder.checklib.local import until_failure

    made = []

    def call(name, x):
        made.append(x)
        if x < 0:
            raise ValueError(f"{name}: negative")
        return 2 * x

    out = until_failure(call, "f", [(1,), (-1,), (2,)])
    assert out[0] == 2 and isinstance(out[1], ValueError) and len(out) == 2
    assert made == [1, -1]
    assert until_failure(call, "f", [(1,), (2,)]) == [2, 4]
