"""Wildcard matching and policy variables (pure units): the linear-time matchers give exactly
what the regex translations they replaced gave, on every small input hypothesis finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_ssmkms.aws.iam.patterns import AnyOf, arn_match, glob_match, mapping_lookup, substitute

# The former implementations, as references: correct, but backtracking.
_VARIABLE = re.compile(r"\$\{\s*([^},']+?)\s*(?:,\s*'([^']*)'\s*)?\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


def reference_glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    # "\x00" and "\x01" stand for a literal "*" and "?" (from a policy variable).
    pieces = {"*": ".*", "?": ".", "\x00": re.escape("*"), "\x01": re.escape("?")}
    regex = "".join(pieces.get(c) or re.escape(c) for c in pattern)
    flags = (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL
    return re.fullmatch(regex, value, flags) is not None


def reference_substitute(text: str, values: dict[str, str]) -> str | None:
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name, default = match.group(1), match.group(2)
        if name in _LITERALS:
            return _LITERALS[name]
        value = values.get(name.lower(), default)
        if value is None:
            missing = True
            return ""
        return value

    result = _VARIABLE.sub(replace, text)
    return None if missing else result


def reference_arn(pattern: str, arn: str) -> bool:
    if pattern == "*":
        return True
    wanted, actual = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) != 6 or wanted[0] != "arn":
        return not pattern.startswith("arn:") and reference_glob(pattern, arn)
    if len(actual) != 6 or actual[0] != "arn":
        return False
    return all(reference_glob(w, a) for w, a in zip(wanted, actual))


patterns = st.text(alphabet="ab*?", max_size=8)
values = st.text(alphabet="abAB", max_size=10)


def joined(pieces: list[str], size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


variable_texts = joined(["${", "}", ",", "'", " ", "a", "x", "$", "{", "${*}", "${a}"], 12)


@settings(max_examples=600, derandomize=True)
@given(patterns, values)
def test_glob_matches_as_the_regex_translation_did(pattern: str, value: str) -> None:
    assert glob_match(pattern, value) == reference_glob(pattern, value)
    assert AnyOf([pattern], ignore_case=True).fullmatch(value) == reference_glob(pattern, value, True)


@settings(max_examples=600, derandomize=True)
@given(variable_texts, st.dictionaries(st.sampled_from(["a", "x", " "]), st.text("a*?", max_size=2)))
def test_variables_are_found_as_the_regex_found_them(text: str, known: dict[str, str]) -> None:
    assert substitute(text, mapping_lookup(known)) == reference_substitute(text, known)


@settings(max_examples=800, derandomize=True)
@given(
    joined(["a", "*", "?", ":", "arn:", "${v}"], 10),
    joined(["a", ":", "arn:", "*", "?"], 10),
    st.text(alphabet="a*?:", max_size=3),
)
def test_arn_matching_with_variables_matches_as_before(pattern: str, arn: str, variable: str) -> None:
    # What a variable brings in matches literally, so the reference gets it as stand-ins.
    plain = pattern.replace("${v}", variable.replace("*", "\x00").replace("?", "\x01"))
    assert arn_match(pattern, arn, lookup=mapping_lookup({"v": variable})) == reference_arn(plain, arn)
    assert arn_match(plain.replace("\x00", "*").replace("\x01", "?"), arn) == reference_arn(
        plain.replace("\x00", "*").replace("\x01", "?"), arn
    )


def test_literal_wildcards_from_variables_match_only_themselves() -> None:
    lookup = mapping_lookup({"aws:username": "a*?"})
    assert glob_match("x/${aws:username}", "x/a*?", lookup=lookup)
    assert not glob_match("x/${aws:username}", "x/abc", lookup=lookup)
    assert glob_match("x/${aws:username}*", "x/a*?tail", lookup=lookup)
    assert glob_match("${*}${?}", "*?", lookup=lookup)
    assert not glob_match("${*}", "a", lookup=lookup)


def test_many_wildcards_match_in_linear_time() -> None:
    pattern = "*a" * 40 + "*b"
    assert not glob_match(pattern, "a" * 5000)  # a backtracking regex would not finish
    assert glob_match(pattern, "a" * 5000 + "b")
    assert not glob_match("?*" * 30 + "Z", "x" * 5000)
    text = "${" + " " * 20_000  # cubic for the former variable regex
    assert substitute(text, mapping_lookup({})) == text
    assert substitute("${" * 10_000 + "a}", mapping_lookup({"${" * 9_999 + "a": "v"})) == "v"
