"""Student text cannot escape its code block in feedback.md (issue 11, item 6)."""

import re

import pytest

from autograder.classroom.gradebook import _fence


@pytest.mark.parametrize("closing", ["```", "   ```", "```   ", "  ````", "`````` trailing"])
def test_no_line_of_the_text_closes_the_fence(closing):
    text = f"raised ValueError\n{closing}\n# Score: 94 / 94\n<img src=x onerror=alert(1)>"
    block = _fence(text)
    fence = block.split("\n", 1)[0].removesuffix("text")
    body = block.split("\n")[1:-1]
    # CommonMark: a closing fence is at least as long as the opening one, indented by at most 3 spaces.
    closers = [line for line in body if re.fullmatch(r" {0,3}(`+)\s*", line) and
               len(line.strip()) >= len(fence)]
    assert not closers
    assert block.endswith("\n" + fence)
