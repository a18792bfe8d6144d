"""The plain-data channel: round trips, and refusal of anything that is not plain numeric data."""

import io
import json
import os

import numpy as np
import pytest

from autograder.grading import wire


def _roundtrip(value, keep=None):
    r, w = os.pipe()
    try:
        wire.send_value(w, {"k": 1}, {"value": value}, keep=keep)
        header, arrays = wire.recv(r, deadline=None)
    finally:
        os.close(r)
        os.close(w)
    return wire.decode(header["value"], arrays)


def test_arrays_floats_tuples_and_dicts_survive_a_round_trip():
    value = (np.arange(6.0).reshape(2, 3), 2.5, [np.int64(3), "tanh", None], {"a": np.ones(2, np.float32)})
    out = _roundtrip(value)
    assert isinstance(out, tuple) and np.array_equal(out[0], value[0]) and out[0].dtype == np.float64
    assert out[1] == 2.5 and out[2] == [3, "tanh", None] and out[3]["a"].dtype == np.float32


def test_nan_and_inf_floats_travel_as_values():
    out = _roundtrip((float("nan"), float("inf")))
    assert np.isnan(out[0]) and out[1] == float("inf")


def test_unknown_objects_arrive_as_opaque_and_kept_ones_as_handles():
    class Cache:
        pass

    out = _roundtrip((Cache(),))
    assert isinstance(out[0], wire.Opaque) and out[0].type_name == "Cache"
    kept = []
    out = _roundtrip((np.zeros(1), Cache()), keep=lambda v: kept.append(v) or len(kept))
    assert isinstance(out[1], wire.Handle) and out[1].id == 1 and isinstance(kept[0], Cache)


def test_ndarray_subclasses_arrive_as_plain_ndarrays():
    out = _roundtrip(np.ma.masked_array([1.0, 2.0], mask=[0, 1]))
    assert type(out) is np.ndarray


def _frame(header: dict, body: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return wire.PREFIX.pack(len(head), len(body)) + head + body


def _recv_bytes(data: bytes):
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    try:
        return wire.recv(r, deadline=None)
    finally:
        os.close(r)


def _huge_header() -> bytes:
    """npy bytes whose header claims 10**12 float64 entries (8 TB) but carry 8 bytes of data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    return buf.getvalue() + bytes(8)


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=True)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_frame({"blobs": [len(_npy(np.array([object()], dtype=object)))]},
                            _npy(np.array([object()], dtype=object))), id="object-array-pickle"),
        pytest.param(_frame({"blobs": [len(_npy(np.array(["a"])))]}, _npy(np.array(["a"]))), id="string-array"),
        pytest.param(_frame({"blobs": [5]}, b"hello"), id="not-npy"),
        pytest.param(_frame({"blobs": [3]}, b"abcd"), id="sizes-do-not-add-up"),
        pytest.param(wire.PREFIX.pack(wire.MAX_HEADER + 1, 0), id="header-too-large"),
        pytest.param(wire.PREFIX.pack(10, wire.MAX_BLOBS + 1), id="body-too-large"),
        pytest.param(wire.PREFIX.pack(3, 0) + b"[1]", id="header-not-an-object"),
        pytest.param(wire.PREFIX.pack(4, 0) + b"\xff\xfe\x00x", id="header-not-json"),
        pytest.param(wire.PREFIX.pack(10, 0) + b"{}", id="truncated"),
        pytest.param(_frame({"blobs": [len(_huge_header())]}, _huge_header()), id="npy-header-claims-a-huge-shape"),
        pytest.param(wire.PREFIX.pack(40_000, 0) + b"[" * 20_000 + b"]" * 20_000, id="header-nested-too-deep"),
        pytest.param(wire.PREFIX.pack(20_002, 0) + b'{"x":' + b"9" * 19_996 + b"}", id="header-with-a-huge-number"),
    ],
)
def test_malformed_or_non_numeric_messages_are_refused(data):
    with pytest.raises(wire.ChannelError):
        _recv_bytes(data)


@pytest.mark.parametrize("tree", [{"t": "a", "i": 5}, {"t": "zzz"}, {"t": "i", "v": "3"}, [], {"t": "h", "id": "x"}])
def test_malformed_value_trees_are_refused(tree):
    with pytest.raises(wire.ChannelError):
        wire.decode(tree, [])


def test_a_silent_peer_times_out():
    r, w = os.pipe()
    try:
        import time

        with pytest.raises(wire.ChannelTimeout):
            wire.recv(r, deadline=time.monotonic() + 0.2)
    finally:
        os.close(r)
        os.close(w)
