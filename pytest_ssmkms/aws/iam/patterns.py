"""Wildcards (``*``, ``?``), ARN matching and policy variables (``${aws:username}``), as IAM
reads them. Pure functions; compiled patterns are cached, so the hot path only matches.

Nothing here backtracks: a wildcard pattern is matched piece by piece with ``str.find``
(the greedy leftmost search is exact for ``*``/``?`` patterns), in O(len(pattern) x
len(value)) at worst, and policy variables are found in one left-to-right scan. A pattern
with a dozen wildcards used to become a backtracking regex that took minutes per call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache

# ${*}, ${?} and ${$} stand for the literal characters (so that a policy can match a real "*"
# in a name).
_LITERALS = {"*": "*", "?": "?", "$": "$"}

# What a variable lookup returns: the value, or None when the request has no such key.
Lookup = Callable[[str], "str | None"]


def has_variables(text: str) -> bool:
    return "${" in text


def _variables(text: str) -> Iterator[tuple[int, int, str, str | None]]:
    """(start, end, name, default) of each policy variable ``${name}`` or
    ``${name, 'default'}``, leftmost first and not overlapping.

    The same matches as the regex ``\\$\\{\\s*([^},']+?)\\s*(?:,\\s*'([^']*)'\\s*)?\\}`` (a
    name holds no ``}``, ``,`` or ``'``; a default no ``'``), found in linear time: that regex
    took cubic time on a ``${`` followed by a long run of spaces. Each start's outcome
    depends only on the first ``}``, ``,`` or ``'`` after it, so the outcome is worked out once
    per such stop character and shared by every start before it.
    """
    size = len(text)
    # The next }, "," and ' at or after the current start + 2 (each found again only once the
    # scan has passed it, so the whole scan stays linear).
    nexts = {"}": -1, ",": -1, "'": -1}
    tails: dict[int, tuple[int, str | None] | None] = {}
    start = text.find("${")
    while start >= 0:
        body = start + 2
        for char, found in nexts.items():
            if found < body:
                found = text.find(char, body)
                nexts[char] = size if found < 0 else found
        stop = min(nexts.values())
        if stop >= size:
            return  # no stop character left: no later start can match either
        if stop > body:
            if stop not in tails:
                tails[stop] = _tail(text, stop)
            tail = tails[stop]
            if tail is not None:
                end, default = tail
                name = text[body:stop].strip() or text[stop - 1]
                yield start, end, name, default
                start = text.find("${", end)
                continue
        start = text.find("${", start + 1)


def _tail(text: str, stop: int) -> tuple[int, str | None] | None:
    """After a variable's name, ending at ``stop``: the variable's end and default, or None."""
    char = text[stop]
    if char == "}":
        return stop + 1, None
    if char == "'":
        return None
    at = _skip_space(text, stop + 1)  # after the comma
    if at >= len(text) or text[at] != "'":
        return None
    close = text.find("'", at + 1)
    if close < 0:
        return None
    end = _skip_space(text, close + 1)
    if end >= len(text) or text[end] != "}":
        return None
    return end + 1, text[at + 1 : close]


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def substitute(text: str, lookup: Lookup) -> str | None:
    """``text`` with its policy variables replaced; None when one has no value and no default
    (IAM then treats the element as not matching)."""
    parts: list[str] = []
    done = 0
    for start, end, name, default in _variables(text):
        value = _LITERALS.get(name) if name in _LITERALS else lookup(name)
        if value is None:
            value = default
        if value is None:
            return None
        parts += (text[done:start], value)
        done = end
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


# A pattern as pieces: (text, True) reads * and ? as wildcards, (text, False) is literal
# (what a policy variable brought in).
Pieces = Sequence[tuple[str, bool]]

# One run between two "*": its length and its literal chunks as (offset, text); the gaps
# between chunks are "?" (any one character).
_Run = tuple[int, tuple[tuple[int, str], ...]]


class Glob:
    """A compiled wildcard pattern: the runs between ``*`` s, matched in order."""

    __slots__ = ("_runs", "_starred", "_fold")

    def __init__(self, pieces: Pieces, ignore_case: bool = False) -> None:
        runs: list[list[tuple[int, str]]] = [[]]
        lengths = [0]
        for text, wild in pieces:
            for char in text:
                if wild and char == "*":
                    runs.append([])
                    lengths.append(0)
                    continue
                if not (wild and char == "?"):
                    if ignore_case:
                        char = _fold(char)
                    chunks = runs[-1]
                    if chunks and chunks[-1][0] + len(chunks[-1][1]) == lengths[-1]:
                        chunks[-1] = (chunks[-1][0], chunks[-1][1] + char)
                    else:
                        chunks.append((lengths[-1], char))
                lengths[-1] += 1
        self._runs: tuple[_Run, ...] = tuple(
            (length, tuple(chunks)) for length, chunks in zip(lengths, runs)
        )
        self._starred = len(runs) > 1
        self._fold = ignore_case

    def fullmatch(self, value: str) -> bool:
        if self._fold:
            value = _fold(value)
        runs = self._runs
        first = runs[0]
        if not self._starred:
            return len(value) == first[0] and _at(first, value, 0)
        last = runs[-1]
        limit = len(value) - last[0]
        if limit < first[0] or not _at(first, value, 0) or not _at(last, value, limit):
            return False
        position = first[0]
        for run in runs[1:-1]:
            found = _find(run, value, position, limit)
            if found < 0:
                return False
            position = found + run[0]
        return True


class AnyOf:
    """Several wildcard patterns, matched as one (a statement's ``Action`` list): exact
    names by a set lookup, ``*`` at once, the rest one by one."""

    __slots__ = ("_everything", "_exact", "_globs", "_fold")

    def __init__(self, patterns: Sequence[str], *, ignore_case: bool = False) -> None:
        self._fold = ignore_case
        self._everything = any(pattern == "*" for pattern in patterns)
        self._exact = frozenset(
            _fold(p) if ignore_case else p for p in patterns if "*" not in p and "?" not in p
        )
        self._globs = tuple(
            _glob(p, ignore_case) for p in patterns if p != "*" and ("*" in p or "?" in p)
        )

    def fullmatch(self, value: str) -> bool:
        if self._everything:
            return True
        if (_fold(value) if self._fold else value) in self._exact:
            return True
        return any(glob.fullmatch(value) for glob in self._globs)


def _at(run: _Run, value: str, start: int) -> bool:
    return all(value.startswith(text, start + offset) for offset, text in run[1])


def _find(run: _Run, value: str, start: int, limit: int) -> int:
    """The leftmost place at or after ``start`` where ``run`` fits, ending by ``limit``; -1 if
    none. Leftmost is always right: it leaves the most room for the runs after it."""
    length, chunks = run
    if not chunks:
        return start if start + length <= limit else -1
    offset, text = chunks[0]
    found = value.find(text, start + offset, limit - length + offset + len(text))
    while found >= 0:
        candidate = found - offset
        if _at(run, value, candidate):
            return candidate
        found = value.find(text, found + 1, limit - length + offset + len(text))
    return -1


def _fold(text: str) -> str:
    """Lower case, one character for one (so that ``?`` still counts characters)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> Glob:
    return Glob(((pattern, True),), ignore_case)


def compile_glob(pattern: str, *, ignore_case: bool = False) -> Glob:
    """A pattern without policy variables, compiled once (cached)."""
    return _glob(pattern, ignore_case)


def _resolved_glob(pattern: str, lookup: Lookup | None, ignore_case: bool = False) -> Glob | None:
    if lookup is None or "${" not in pattern:
        return _glob(pattern, ignore_case)
    pieces = substitute_for_glob(pattern, lookup)
    return None if pieces is None else Glob(pieces, ignore_case)


def glob_match(
    pattern: str, value: str, *, ignore_case: bool = False, lookup: Lookup | None = None
) -> bool:
    """IAM's ``StringLike``: ``*`` any run of characters, ``?`` one character."""
    compiled = _resolved_glob(pattern, lookup, ignore_case)
    return compiled is not None and compiled.fullmatch(value)


def _arn_parts(arn: str) -> list[str] | None:
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def arn_match(pattern: str, arn: str, *, lookup: Lookup | None = None) -> bool:
    """IAM's ``ArnLike`` and Resource matching: segment by segment, so that a wildcard in the
    region or account never spills into the next segment; the resource part may hold colons."""
    if pattern == "*":
        return True
    if lookup is not None and "${" in pattern:
        pieces = substitute_for_glob(pattern, lookup)
        if pieces is None:
            return False
        return _arn_pieces_match(pieces, arn)
    wanted = _arn_parts(pattern)
    if wanted is None:
        if pattern.startswith("arn:"):
            return False  # an ARN pattern short of six segments matches no ARN
        return _glob(pattern, False).fullmatch(arn)
    actual = _arn_parts(arn)
    if actual is None:
        return False
    return all(_glob(w, False).fullmatch(a) for w, a in zip(wanted, actual))


def _arn_pieces_match(pieces: Pieces, arn: str) -> bool:
    """:func:`arn_match` for a pattern whose variables are resolved: a colon a variable
    brought in splits segments as a written one does (it did so when they were one string)."""
    segments: list[list[tuple[str, bool]]] = [[]]
    for text, wild in pieces:
        for index, part in enumerate(text.split(":")):
            if index:
                segments.append([])
            if part:
                segments[-1].append((part, wild))
    if len(segments) > 6:  # the resource segment keeps its colons
        tail = segments[5]
        for extra in segments[6:]:
            tail.append((":", False))
            tail.extend(extra)
        del segments[6:]
    first = "".join(text for text, _ in segments[0])
    if len(segments) != 6 or first != "arn":
        if "".join(text for text, _ in pieces).startswith("arn:"):
            return False
        return Glob(pieces).fullmatch(arn)
    actual = _arn_parts(arn)
    if actual is None:
        return False
    return all(Glob(w).fullmatch(a) for w, a in zip(segments, actual))


def substitute_for_glob(pattern: str, lookup: Lookup) -> Pieces | None:
    """The pattern's pieces with its policy variables resolved: what variables bring in (and
    ``${*}``, ``${?}``) matches literally, the rest keeps its wildcards. None when a variable
    has no value and no default."""
    pieces: list[tuple[str, bool]] = []
    done = 0
    for start, end, name, default in _variables(pattern):
        value = _LITERALS.get(name) or lookup(name)
        if value is None:
            value = default
        if value is None:
            return None
        pieces += ((pattern[done:start], True), (value, False))
        done = end
    pieces.append((pattern[done:], True))
    return pieces


def mapping_lookup(values: Mapping[str, object]) -> Lookup:
    """A variable lookup over already-normalized request keys (single values only)."""

    def lookup(name: str) -> str | None:
        value = values.get(name.lower())
        return value if isinstance(value, str) else None

    return lookup
