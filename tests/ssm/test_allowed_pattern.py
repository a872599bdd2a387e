"""The bounded AllowedPattern matcher: the answers of Python's ``re.fullmatch`` wherever ``re``
answers quickly, in bounded time where ``re`` would backtrack without end, and
:class:`PatternError` for patterns it cannot compile (pure units; the boto3 side is in
tests/reliability/test_bounded_cost.py)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms.aws.ssm import allowed_pattern
from pytest_ssmkms.aws.ssm.allowed_pattern import MatchTooCostly, PatternError, matches

# Pieces of the patterns people write, and of the ones that trip engines up: anchors, classes,
# categories, case folding (the Kelvin sign and the long s fold onto k and s), lookarounds,
# atomic groups, possessive and lazy repeats, backreferences and conditionals.
ATOMS = st.sampled_from(
    [
        "a", "b", "k", "s", ".", "[ab]", "[^a]", "[a-c]", r"\d", r"\w", r"\s", r"\W", r"\.",
        "1", " ", r"\b", r"\B", "^", "$", r"\A", r"\Z", "(a)", "(b|)", r"\1", "(?(1)a|b)",
        "(?<=a)", "(?<!b)", "(?<=ab)", "[^\\n]", "é", "[à-ÿ]",
    ]
)
QUANTIFIERS = st.sampled_from(
    ["*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0,2}?", "{2,}", "*+", "++", "?+", "{0}"]
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, inner).map("|".join),
        inner.map(lambda s: f"({s})"),
        inner.map(lambda s: f"(?:{s})"),
        st.tuples(inner, QUANTIFIERS).map(lambda t: f"(?:{t[0]}){t[1]}"),
        st.tuples(st.sampled_from(["(?=", "(?!", "(?>", "(?i:", "(?-i:", "(?s:", "(?m:", "(?a:"]), inner).map(
            lambda t: f"{t[0]}{t[1]})"
        ),
    )


# A leading group so that \1 and (?(1)...) always name a group.
PATTERNS = st.tuples(
    st.sampled_from(["", "(?i)", "(?m)", "(?s)", "(?a)"]), st.recursive(ATOMS, _extend, max_leaves=8)
).map(lambda t: f"{t[0]}(a|b|){t[1]}")
VALUES = st.text(alphabet="abkKsSſ1 .\néÉ_", max_size=10)


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(PATTERNS, VALUES)
def test_the_answers_are_re_fullmatch_answers(pattern: str, value: str) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error:
        with pytest.raises(PatternError):
            matches(pattern, value)
        return
    assert matches(pattern, value) == (compiled.fullmatch(value) is not None), (pattern, value)


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        (r"^[a-zA-Z0-9._-]+$", "db.host-1", True),
        (r"^\d{4}-\d{2}-\d{2}$", "2024-02-30", True),
        (r"^\d{4}-\d{2}-\d{2}$", "2024-2-30", False),
        (r"\d+", "12a", False),  # the whole value must match (Java's matches())
        (r"^(?:[a-z]+\.)*[a-z]+$", "a.b.c", True),
        (r"^\d+$", "123\n", False),  # $ may match before a final newline; matches() must not
        (r"(?i)^SECRET-[0-9a-f]{8}$", "secret-DEADBEEF", True),
        (r"(\w+)-\1", "ab-ab", True),
        (r"(\w+)-\1", "ab-ba", False),
        (r"^(?!admin$)[a-z]+$", "admin", False),
        (r"^(?!admin$)[a-z]+$", "administrator", True),
        ("", "", True),
        ("", "x", False),
    ],
)
def test_ordinary_patterns(pattern: str, value: str, expected: bool) -> None:
    assert matches(pattern, value) is expected
    assert (re.fullmatch(pattern, value) is not None) is expected


# Each of these takes Python's re (and Java's engine) exponential time on the value shown.
CATASTROPHIC = [
    (r"^(a+)+$", "a" * 5000 + "!"),
    (r"^(a|a)*$", "a" * 5000 + "!"),
    (r"^(a*)*b$", "a" * 8000),
    (r"^(\w+\s?)*$", "word " * 1000 + "!"),
    (r"^(.*a){12}$", "a" * 40 + "b"),
    (r"^(?:(?=(a+))a)+(a+)+$", "a" * 500 + "!"),  # the lookahead alone is quadratic
    (r"^(?>(a+)+)b|(a+)+$", "a" * 3000 + "!"),
]


@pytest.mark.parametrize(("pattern", "value"), CATASTROPHIC, ids=[p for p, _ in CATASTROPHIC])
def test_catastrophic_backtracking_is_decided_at_once(pattern: str, value: str) -> None:
    started = time.monotonic()
    assert matches(pattern, value) is False
    assert time.monotonic() - started < 10  # about 0.05 s; re takes longer than the universe
    assert matches(pattern, value[:-1] if value.endswith("!") else "a" * 30 + "b") is (
        re.fullmatch(pattern, value[:-1] if value.endswith("!") else "a" * 30 + "b") is not None
    )


@pytest.mark.parametrize("repeat", ["*", "+", "{1,}", "*?", "+?"])
def test_nested_repeats_compile_in_linear_time(repeat: str) -> None:
    # Deciding whether a repeated body is empty by compiling it, or copying the body for
    # "x+" = "xx*", doubled the work at each level.
    pattern = "(?:" * 40 + "a" + f"){repeat}" * 40
    started = time.monotonic()
    assert matches(pattern, "a" * 100)
    assert not matches(pattern, "a" * 100 + "b")
    assert time.monotonic() - started < 10


def test_a_body_that_matches_empty_does_not_loop_with_backreferences() -> None:
    # Backreferences turn the memory off: an empty iteration ends the loop, as in Python's re.
    for pattern, value in [(r"(a|)*\1", "a"), (r"(a|)*\1b", "aab"), (r"(|a)+\1", "aa"), (r"(a*)*\1c", "aab")]:
        assert matches(pattern, value) == (re.fullmatch(pattern, value) is not None)


def test_backreferences_that_backtrack_without_end_hit_the_step_budget() -> None:
    # With a backreference the state is more than (instruction, position): the step budget
    # bounds the match instead (the problem is NP-hard in general).
    started = time.monotonic()
    with pytest.raises(MatchTooCostly):
        matches(r"(a)\1*b|(a+)+$", "a" * 40 + "!")
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    "pattern",
    [
        "(" * (allowed_pattern.MAX_DEPTH + 1) + ")" * (allowed_pattern.MAX_DEPTH + 1),
        "(?:" * 300 + "a" + ")" * 300,
        "(?:a{1000}){1000}",
        "a{4294967296}",  # past Python's repeat limit
        "[a-z]{20001}",
        "(?:(?:(?:a?){30}){30}){30}",
        "([",
        r"(?<=a+)b",  # Python's lookbehind must have a fixed width
    ],
    ids=lambda pattern: pattern[:30],
)
def test_patterns_that_cannot_compile_here(pattern: str) -> None:
    with pytest.raises(PatternError):
        matches(pattern, "a")


def test_depth_counts_groups_only() -> None:
    # Escaped and bracketed parentheses are no groups.
    deep = r"\(" * 200 + "[(((((]" * 100
    assert matches(deep, "(" * 200 + "(" * 100)
