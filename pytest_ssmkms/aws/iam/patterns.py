"""Wildcards (``*``, ``?``), ARN matching and policy variables (``${aws:username}``), as IAM
reads them. Pure functions; compiled patterns are cached, so the hot path only matches."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

# A policy variable: ${key} or ${key, 'default'}; ${*}, ${?} and ${$} stand for the literal
# characters (so that a policy can match a real "*" in a name).
_VARIABLE = re.compile(r"\$\{\s*([^},']+?)\s*(?:,\s*'([^']*)'\s*)?\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}

# What a variable lookup returns: the value, or None when the request has no such key.
Lookup = Callable[[str], "str | None"]


def has_variables(text: str) -> bool:
    return "${" in text


def substitute(text: str, lookup: Lookup) -> str | None:
    """``text`` with its policy variables replaced; None when one has no value and no default
    (IAM then treats the element as not matching)."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name, default = match.group(1), match.group(2)
        if name in _LITERALS:
            return _LITERALS[name]
        value = lookup(name)
        if value is None:
            if default is None:
                missing = True
                return ""
            return default
        return value

    result = _VARIABLE.sub(replace, text)
    return None if missing else result


# Stand-ins for a literal "*" and "?" that came from a policy variable, not from the pattern.
_STAR, _QUESTION = "\x00", "\x01"
_GLOB_PIECES = {"*": ".*", "?": ".", _STAR: re.escape("*"), _QUESTION: re.escape("?")}


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(_GLOB_PIECES.get(char) or re.escape(char) for char in pattern)
    return re.compile(regex, (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL)


def glob_match(
    pattern: str, value: str, *, ignore_case: bool = False, lookup: Lookup | None = None
) -> bool:
    """IAM's ``StringLike``: ``*`` any run of characters, ``?`` one character."""
    if lookup is not None and "${" in pattern:
        resolved = substitute_for_glob(pattern, lookup)
        if resolved is None:
            return False
        pattern = resolved
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def _arn_parts(arn: str) -> list[str] | None:
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def arn_match(pattern: str, arn: str, *, lookup: Lookup | None = None) -> bool:
    """IAM's ``ArnLike`` and Resource matching: segment by segment, so that a wildcard in the
    region or account never spills into the next segment; the resource part may hold colons."""
    if pattern == "*":
        return True
    if lookup is not None and "${" in pattern:
        resolved = substitute_for_glob(pattern, lookup)
        if resolved is None:
            return False
        pattern = resolved
    wanted = _arn_parts(pattern)
    actual = _arn_parts(arn)
    if wanted is None:
        if pattern.startswith("arn:"):
            return False  # an ARN pattern short of six segments matches no ARN
        return _glob(pattern, False).fullmatch(arn) is not None
    if actual is None:
        return False
    return all(_glob(w, False).fullmatch(a) is not None for w, a in zip(wanted, actual))


def substitute_for_glob(pattern: str, lookup: Lookup) -> str | None:
    """Like :func:`substitute`, but what variables bring in matches literally: their ``*`` and
    ``?`` (and ``${*}``, ``${?}``) become stand-ins that :func:`_glob` reads as plain characters."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name, default = match.group(1), match.group(2)
        value = _LITERALS.get(name) or lookup(name)
        if value is None:
            value = default
        if value is None:
            missing = True
            return ""
        return value.replace("*", _STAR).replace("?", _QUESTION)

    result = _VARIABLE.sub(replace, pattern)
    return None if missing else result


def mapping_lookup(values: Mapping[str, object]) -> Lookup:
    """A variable lookup over already-normalized request keys (single values only)."""

    def lookup(name: str) -> str | None:
        value = values.get(name.lower())
        return value if isinstance(value, str) else None

    return lookup
