"""Pairs of submissions whose code is suspiciously alike, for a person to look at (never scored).

Like MOSS, in three steps:

1. Each submission's student files become one normalised token stream (``tokenize``): comments,
   whitespace and docstrings are dropped; variable names become ``V`` (so renaming variables
   changes nothing), while keywords, builtins, attributes (``np.tanh``) and the names the template
   defines (functions, helpers, imports) are kept; string literals become ``S``. Lines that,
   normalised, are also lines of the student template are dropped (everyone has those).
2. The stream is cut into overlapping k-grams ("shingles"). Shingles that more than
   ``common_share`` of the class has (at least ``min_common + 1`` submissions) are dropped as well:
   code most students write alike, e.g. the obvious solution of a short function.
3. Pairs are scored by the Jaccard index of what remains; a pair is listed when both sides keep at
   least ``min_shingles`` shingles and the index is at least ``threshold``.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import math
import token
import tokenize
from dataclasses import dataclass
from itertools import combinations

SKIP = {token.COMMENT, token.NL, token.INDENT, token.DEDENT, token.ENCODING, token.ENDMARKER}
BUILTINS = set(dir(builtins))


@dataclass(frozen=True)
class Pair:
    """Two submissions that look alike: ``similarity`` (Jaccard, 0..1) of their distinctive shingles."""

    a: str
    b: str
    similarity: float
    shared: int  # distinctive shingles both have
    a_size: int
    b_size: int


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    """The tokens of ``source``, as far as it tokenizes (a syntax error ends the list, not the run)."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            out.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def template_names(templates: dict[str, str]) -> set[str]:
    """The names of the template files a student does not choose: the functions, classes, imports
    and module-level names it defines. (Not parameters: ``cache`` is one function's parameter and
    another's local variable, which a student may well rename.)"""
    names = set()
    for source in templates.values():
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _normalised_lines(source: str, keep_names: set[str]) -> list[list[str]]:
    """``source``'s normalised tokens, grouped by the line each starts on (empty lines dropped)."""
    toks = [t for t in _tokens(source) if t.type not in SKIP]
    rows: dict[int, list[str]] = {}
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.type == token.STRING and (prev is None or prev.type == token.NEWLINE or prev.string == ":") \
                and (nxt is None or nxt.type == token.NEWLINE):
            continue  # a docstring (or a bare string statement): documentation, not code
        if tok.type == token.NEWLINE:
            text = ";"
        elif tok.type == token.NAME:
            keep = (keyword.iskeyword(tok.string) or tok.string in BUILTINS or tok.string in keep_names
                    or (prev is not None and prev.string == "."))
            text = tok.string if keep else "V"
        elif tok.type == token.STRING or tok.type == getattr(token, "FSTRING_START", -1):
            text = "S"
        else:
            text = tok.string
        rows.setdefault(tok.start[0], []).append(text)
    return [rows[r] for r in sorted(rows) if rows[r] != [";"]]


def template_lines(templates: dict[str, str], keep_names: set[str]) -> set[tuple[str, ...]]:
    """The template's lines, normalised: a student's line equal to one of them is not their own code."""
    return {tuple(line) for source in templates.values() for line in _normalised_lines(source, keep_names)}


def normalise(source: str, skip_lines: set[tuple[str, ...]], keep_names: set[str]) -> list[str]:
    """``source`` as a normalised token stream (see the module's docstring), without the lines
    that (normalised) are in ``skip_lines``."""
    return [t for line in _normalised_lines(source, keep_names) if tuple(line) not in skip_lines for t in line]


def shingles(stream: list[str], k: int) -> set[tuple[str, ...]]:
    """The set of k-grams of ``stream``."""
    return {tuple(stream[i:i + k]) for i in range(len(stream) - k + 1)}


def find_similar(submissions: dict[str, dict[str, str]], templates: dict[str, str], *, k: int = 8,
                 threshold: float = 0.5, common_share: float = 0.2, min_common: int = 2,
                 min_shingles: int = 20) -> list[Pair]:
    """Pairs of ``submissions`` (student -> {file name: source}) that look alike, most alike first.

    Args:
        templates: file name -> the student template's source (its lines and names are shared by all).
        k: shingle length in tokens.
        threshold: smallest Jaccard index listed.
        common_share, min_common: a shingle present in more than ``max(min_common,
            ceil(common_share * n))`` of the n submissions is common code and ignored.
        min_shingles: a submission with fewer distinctive shingles is not compared (too little of
            its own code: a template, the common solution with a one-token bug, ...).
    """
    keep_names = template_names(templates)
    skip_lines = template_lines(templates, keep_names)
    sets: dict[str, set] = {}
    for student, files in submissions.items():
        stream: list[str] = []
        for name in sorted(files):
            stream += ["<file>", name] + normalise(files[name], skip_lines, keep_names)
        sets[student] = shingles(stream, k)
    counts: dict[tuple, int] = {}
    for s in sets.values():
        for sh in s:
            counts[sh] = counts.get(sh, 0) + 1
    limit = max(min_common, math.ceil(common_share * len(sets)))
    distinct = {student: {sh for sh in s if counts[sh] <= limit} for student, s in sets.items()}
    pairs = []
    for a, b in combinations(sorted(distinct), 2):
        sa, sb = distinct[a], distinct[b]
        if len(sa) < min_shingles or len(sb) < min_shingles:
            continue
        shared = len(sa & sb)
        jaccard = shared / len(sa | sb)
        if jaccard >= threshold:
            pairs.append(Pair(a, b, round(jaccard, 3), shared, len(sa), len(sb)))
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))
