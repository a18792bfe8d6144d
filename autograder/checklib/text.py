"""Student text made inert where it enters the kit (exception messages, tracebacks, type names from
student code): valid UTF-8 (lone surrogates replaced), no terminal escape sequences (ANSI CSI,
OSC 52 clipboard writes, ...), no control characters but newline and tab, bounded length. Every
format the kit writes (markdown, HTML, terminal, JSON) then escapes it for its own syntax."""

from __future__ import annotations

import re

#: ESC-started sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \\), other two-byte escapes;
#: and the 8-bit C1 forms (0x9B CSI, 0x9D OSC).
_ESCAPES = re.compile(r"(\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)?|\x1b[@-Z\\\\-_]|[\x9b\x9d][^\x07]*\x07?)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text, limit: int = 20_000) -> str:
    """``text`` as safe plain text (see the module docstring), at most ``limit`` characters."""
    text = str(text).encode("utf-8", "replace").decode("utf-8", "replace")  # lone surrogates -> '?'
    text = _ESCAPES.sub("", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text if len(text) <= limit else text[:limit] + " ...(cut)"
