"""The plain-data channel between the trusted grader and the sandboxed worker.

A message is a frame: 16-byte prefix (header length, blob length, little-endian uint64), a JSON
header, then the npy blobs the header refers to. Values are JSON trees; arrays travel as `.npy`
bytes read with ``allow_pickle=False``; nothing is ever unpickled. The reader enforces size caps
and accepts only numeric arrays, so whatever the worker sends, the trusted side gets plain data.

This file is copied next to the worker into the sandbox, so it imports nothing from the kit.
"""

from __future__ import annotations

import io
import json
import math
import os
import select
import struct
import time

import numpy as np

PREFIX = struct.Struct("<QQ")
MAX_HEADER = 4 << 20  # bytes of JSON
MAX_BLOBS = 64 << 20  # bytes of arrays in one message
MAX_DEPTH = 16
MAX_ITEMS = 100_000
NUMERIC_KINDS = "biufc"


class ChannelError(Exception):
    """The other side sent something that is not a valid message, or hung up."""


class ChannelTimeout(ChannelError):
    """No complete message arrived before the deadline."""


class Handle:
    """A value kept on the worker's side (a forward's opaque cache), known to us by number."""

    __slots__ = ("id", "generation")

    def __init__(self, id: int, generation: int = 0):
        self.id = id
        self.generation = generation

    def __repr__(self) -> str:
        return f"<cache #{self.id}>"


class Opaque:
    """A value the worker could not send as plain data (reported by its type name only)."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:80]

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


# ---------------------------------------------------------------- values <-> JSON trees + blobs


def encode(value, blobs: list, keep=None, depth: int = 0):
    """JSON tree of ``value``; arrays are appended to ``blobs`` as npy bytes.

    ``keep`` (worker side) stores a non-plain value and returns its handle number; without it such
    values are sent as `Opaque`.
    """
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    if value is None:
        return {"t": "none"}
    if isinstance(value, Handle):
        return {"t": "h", "id": value.id}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "b", "v": bool(value)}
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return {"t": "i", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"t": "f", "v": repr(float(value))}
    if isinstance(value, str):
        return {"t": "s", "v": value[:10_000]}
    if isinstance(value, np.ndarray):
        # np.asarray, not np.ascontiguousarray: a subclass cannot intercept it with __array_function__.
        plain = np.asarray(value, order="C")
        if type(plain) is np.ndarray and plain.dtype.kind in NUMERIC_KINDS and plain.dtype.fields is None:
            blobs.append(npy_bytes(plain))
            return {"t": "a", "i": len(blobs) - 1}
    if isinstance(value, (tuple, list)):
        return {"t": "tuple" if isinstance(value, tuple) else "list",
                "v": [encode(v, blobs, keep, depth + 1) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"t": "dict", "v": {k: encode(v, blobs, keep, depth + 1) for k, v in value.items()}}
    if keep is not None:
        return {"t": "h", "id": keep(value)}
    return {"t": "x", "type": type(value).__name__}


def decode(tree, arrays: list, resolve=None, depth: int = 0, counter=None):
    """The value of a JSON tree made by `encode`. ``resolve`` maps handle numbers to values
    (worker side); without it handles come back as `Handle`. Raises ChannelError on anything
    malformed."""
    if counter is None:
        counter = [0]
    counter[0] += 1
    if depth > MAX_DEPTH or counter[0] > MAX_ITEMS:
        raise ChannelError("value too deep or too large")
    if not isinstance(tree, dict) or "t" not in tree:
        raise ChannelError("malformed value")
    t = tree["t"]
    try:
        if t == "none":
            return None
        if t == "b":
            return bool(tree["v"])
        if t == "i":
            v = tree["v"]
            if not isinstance(v, int) or isinstance(v, bool):
                raise ChannelError("malformed int")
            return v
        if t == "f":
            return float(tree["v"])
        if t == "s":
            return str(tree["v"])
        if t == "a":
            index = tree["i"]
            if not isinstance(index, int) or not 0 <= index < len(arrays):
                raise ChannelError("array reference out of range")
            return arrays[index]
        if t in ("tuple", "list"):
            items = [decode(v, arrays, resolve, depth + 1, counter) for v in tree["v"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {str(k): decode(v, arrays, resolve, depth + 1, counter) for k, v in tree["v"].items()}
        if t == "h":
            if not isinstance(tree["id"], int):
                raise ChannelError("malformed handle")
            return resolve(tree["id"]) if resolve is not None else Handle(tree["id"])
        if t == "x":
            return Opaque(tree.get("type", "object"))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ChannelError(f"malformed value: {exc}") from None
    raise ChannelError(f"unknown value tag {t!r}")


# Arrays of one dtype and shape share their npy header; both sides cache them (parsing and writing
# headers is most of the channel's cost). Bounded: a peer sending ever new shapes only refills it.
_HEADERS_OUT: dict = {}
_HEADERS_IN: dict = {}
MAX_CACHED_HEADERS = 4096


def npy_bytes(array: np.ndarray) -> bytes:
    """The npy bytes of a plain, C-contiguous numeric array (as ``np.save`` writes them)."""
    key = (array.dtype.str, array.shape)
    header = _HEADERS_OUT.get(key)
    if header is None:
        buf = io.BytesIO()
        np.lib.format.write_array(buf, array, allow_pickle=False)
        data = buf.getvalue()
        if len(_HEADERS_OUT) >= MAX_CACHED_HEADERS:
            _HEADERS_OUT.clear()
        _HEADERS_OUT[key] = data[:len(data) - array.nbytes]
        return data
    return header + array.tobytes()


def _read_header(blob: bytes) -> tuple[tuple, bool, np.dtype, int]:
    """(shape, fortran order, dtype, offset of the data) of npy bytes."""
    if blob[:8] == b"\x93NUMPY\x01\x00" and len(blob) >= 10:
        end = 10 + int.from_bytes(blob[8:10], "little")
    elif blob[:8] == b"\x93NUMPY\x02\x00" and len(blob) >= 12:
        end = 12 + int.from_bytes(blob[8:12], "little")
    else:
        raise ValueError("not npy version 1.0 or 2.0")
    key = blob[:end]
    if key not in _HEADERS_IN:
        buf = io.BytesIO(key)
        version = np.lib.format.read_magic(buf)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = reader(buf)
        if buf.tell() != end:
            raise ValueError("header length mismatch")
        if len(_HEADERS_IN) >= MAX_CACHED_HEADERS:
            _HEADERS_IN.clear()
        _HEADERS_IN[key] = (shape, fortran, dtype)
    return (*_HEADERS_IN[key], end)


def read_array(blob: bytes) -> np.ndarray:
    """A plain numeric ndarray from npy bytes; refuses object/structured dtypes and pickles.

    The header is checked before anything is allocated: its dtype must be numeric and its shape
    must account for exactly the bytes that follow (a header claiming a huge shape allocates nothing).
    """
    try:
        shape, fortran, dtype, offset = _read_header(blob)
    except Exception as exc:  # malformed npy of any kind
        raise ChannelError(f"malformed array: {type(exc).__name__}: {exc}") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.hasobject or dtype.subdtype is not None:
        raise ChannelError(f"non-numeric array of dtype {dtype}")
    try:
        if any(not isinstance(n, int) or n < 0 for n in shape) or dtype.itemsize == 0:
            raise ValueError(f"shape {shape} with itemsize {dtype.itemsize}")
        count = math.prod(shape)
        if count * dtype.itemsize != len(blob) - offset:
            raise ChannelError(f"array of shape {shape} and dtype {dtype} does not match its {len(blob)} bytes")
        flat = np.frombuffer(blob, dtype=dtype, count=count, offset=offset)
        return np.array(flat.reshape(shape, order="F" if fortran else "C"), order="K")  # a writable copy
    except ChannelError:
        raise
    except Exception as exc:  # anything numpy itself rejects is the sender's fault, never the grader's
        raise ChannelError(f"malformed array: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------- frames


def send(fd: int, header: dict, blobs: list, deadline: float | None = None) -> None:
    """Write one frame to ``fd``. With a ``deadline`` (``time.monotonic()`` seconds) a peer that
    stops reading raises ChannelTimeout instead of blocking us forever (``fd`` may be non-blocking)."""
    head = json.dumps(header, allow_nan=True).encode()
    body = b"".join(blobs)
    data = PREFIX.pack(len(head), len(body)) + head + body
    view = memoryview(data)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout("timed out")
            _, ready, _ = select.select([], [fd], [], left)
            if not ready:
                raise ChannelTimeout("timed out")
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            if deadline is None:
                select.select([], [fd], [])
            continue
        view = view[written:]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks = []
    remaining = n
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout("timed out")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise ChannelTimeout("timed out")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelError("the other side hung up")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv(fd: int, deadline: float | None = None) -> tuple[dict, list]:
    """Read one frame: (header, arrays). Enforces the size caps and the numeric-array rule."""
    head_len, body_len = PREFIX.unpack(_read_exact(fd, PREFIX.size, deadline))
    if head_len > MAX_HEADER or body_len > MAX_BLOBS:
        raise ChannelError(f"message too large ({head_len} + {body_len} bytes)")
    raw = _read_exact(fd, head_len, deadline)
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError, MemoryError) as exc:  # bad UTF-8 or JSON, too deep, huge numbers
        raise ChannelError(f"malformed header: {type(exc).__name__}") from None
    if not isinstance(header, dict):
        raise ChannelError("malformed header")
    sizes = header.get("blobs", [])
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes) or sum(sizes) != body_len:
        raise ChannelError("blob sizes do not add up")
    body = _read_exact(fd, body_len, deadline)
    arrays, offset = [], 0
    for size in sizes:
        arrays.append(read_array(body[offset:offset + size]))
        offset += size
    return header, arrays


def send_value(fd: int, header: dict, values: dict, keep=None) -> None:
    """Send ``header`` plus the JSON trees of ``values`` (name -> value) and their arrays."""
    blobs: list = []
    header = dict(header)
    for name, value in values.items():
        header[name] = encode(value, blobs, keep)
    header["blobs"] = [len(b) for b in blobs]
    send(fd, header, blobs)
