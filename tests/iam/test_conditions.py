"""Condition operators, one by one, as IAM evaluates them (pure units)."""

from __future__ import annotations

import pytest

from pytest_ssmkms.aws.iam.conditions import Condition, normalize_key, parse_date, parse_operator
from pytest_ssmkms.aws.iam.patterns import mapping_lookup


def cond(operator: str, key: str, *values: str) -> Condition:
    base, qualifier, if_exists = parse_operator(operator)
    return Condition.build(operator, base, qualifier, if_exists, key, values)


def check(operator: str, key: str, values: tuple[str, ...], context: dict[str, object]) -> bool:
    keys = {normalize_key(k): v for k, v in context.items()}
    return cond(operator, key, *values).matches(keys, mapping_lookup(keys))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEquals", "alice", "alice", True),
        ("StringEquals", "alice", "Alice", False),
        ("StringNotEquals", "alice", "bob", True),
        ("StringNotEquals", "alice", "alice", False),
        ("StringEqualsIgnoreCase", "ALICE", "alice", True),
        ("StringEqualsIgnoreCase", "ALICE", "bob", False),
        ("StringNotEqualsIgnoreCase", "ALICE", "alice", False),
        ("StringNotEqualsIgnoreCase", "ALICE", "bob", True),
        ("StringLike", "al*e", "alice", True),
        ("StringLike", "al?ce", "alice", True),
        ("StringLike", "al?e", "alice", False),
        ("StringLike", "AL*", "alice", False),
        ("StringNotLike", "al*", "alice", False),
        ("StringNotLike", "bo*", "alice", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "11", False),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", "10", "10", False),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericLessThanEquals", "10", "11", False),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", "10", "10", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("NumericEquals", "10", "not-a-number", False),
        ("DateEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00", True),
        ("DateEquals", "2024-01-01", "2024-01-01T00:00:01Z", False),
        ("DateNotEquals", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", True),
        ("DateNotEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", False),
        ("DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", True),
        ("DateLessThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", False),
        ("DateLessThanEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", True),
        ("DateLessThanEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", False),
        ("DateGreaterThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", True),
        ("DateGreaterThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", False),
        ("DateGreaterThanEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", True),
        ("DateGreaterThanEquals", "1704067200", "2023-12-31T23:59:59Z", False),
        ("Bool", "true", "true", True),
        ("Bool", "TRUE", "true", True),
        ("Bool", "false", "true", False),
        ("BinaryEquals", "QUJD", "QUJD", True),
        ("BinaryEquals", "QUJD", "QUJE", False),
        ("IpAddress", "10.0.0.0/8", "10.1.2.3", True),
        ("IpAddress", "10.0.0.0/8", "192.168.0.1", False),
        ("IpAddress", "10.0.0.0/8", "not-an-ip", False),
        ("NotIpAddress", "10.0.0.0/8", "192.168.0.1", True),
        ("NotIpAddress", "10.0.0.0/8", "10.0.0.1", False),
        ("ArnEquals", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice", True),
        ("ArnEquals", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob", False),
        ("ArnLike", "arn:aws:iam::*:user/al*", "arn:aws:iam::111122223333:user/alice", True),
        ("ArnLike", "arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/alice", False),
        # A wildcard stays inside its segment: "*" in the region cannot swallow the account.
        ("ArnLike", "arn:aws:ssm:*:parameter/x", "arn:aws:ssm:us-east-1:111122223333:parameter/x", False),
        ("ArnNotEquals", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob", True),
        ("ArnNotLike", "arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/bob", False),
        ("ArnNotLike", "arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/bob", True),
    ],
)
def test_operator(operator: str, policy: str, request_value: str, expected: bool) -> None:
    assert check(operator, "aws:SomeKey", (policy,), {"aws:SomeKey": request_value}) is expected


def test_several_values_of_one_key_are_ored() -> None:
    assert check("StringEquals", "aws:username", ("bob", "alice"), {"aws:username": "alice"})
    assert not check("StringEquals", "aws:username", ("bob", "carol"), {"aws:username": "alice"})
    # A negated operator: the value must match none of them.
    assert not check("StringNotEquals", "aws:username", ("bob", "alice"), {"aws:username": "alice"})
    assert check("StringNotEquals", "aws:username", ("bob", "carol"), {"aws:username": "alice"})


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("NumericLessThan", False),
        ("DateGreaterThan", False),
        ("Bool", False),
        ("ArnLike", False),
        ("IpAddress", False),
        # IAM: a negated operator whose key is missing from the request is true.
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("ArnNotLike", True),
        ("NumericNotEquals", True),
        # ...IfExists: a missing key is true whatever the operator.
        ("StringEqualsIfExists", True),
        ("StringNotEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
        ("BoolIfExists", True),
        ("ArnLikeIfExists", True),
        # Set operators: ForAllValues is vacuously true, ForAnyValue false.
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:StringEquals", False),
    ],
)
def test_missing_key(operator: str, expected: bool) -> None:
    value = "true" if "Bool" in operator else "1" if "Numeric" in operator else "x"
    if "Date" in operator:
        value = "2024-01-01T00:00:00Z"
    if "Arn" in operator:
        value = "arn:aws:iam::111122223333:user/x"
    if "Ip" in operator:
        value = "10.0.0.0/8"
    assert check(operator, "aws:Missing", (value,), {}) is expected


def test_if_exists_compares_a_present_key() -> None:
    assert check("StringEqualsIfExists", "aws:username", ("alice",), {"aws:username": "alice"})
    assert not check("StringEqualsIfExists", "aws:username", ("alice",), {"aws:username": "bob"})


def test_null() -> None:
    assert check("Null", "aws:TokenIssueTime", ("true",), {})
    assert not check("Null", "aws:TokenIssueTime", ("true",), {"aws:TokenIssueTime": "x"})
    assert check("Null", "aws:TokenIssueTime", ("false",), {"aws:TokenIssueTime": "x"})
    assert not check("Null", "aws:TokenIssueTime", ("false",), {})
    # An empty multivalued key counts as absent.
    assert check("Null", "kms:EncryptionContextKeys", ("true",), {"kms:EncryptionContextKeys": ()})


def test_for_any_value() -> None:
    keys = {"kms:EncryptionContextKeys": ("PARAMETER_ARN", "Other")}
    assert check("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ("PARAMETER_ARN",), keys)
    assert not check("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ("Nope",), keys)
    # Negated: true if some value matches none of the policy's values.
    assert check("ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", ("PARAMETER_ARN",), keys)
    assert not check(
        "ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", ("PARAMETER_ARN", "Other"), keys
    )
    assert not check("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ("x",), {"kms:EncryptionContextKeys": ()})


def test_for_all_values() -> None:
    keys = {"kms:EncryptionContextKeys": ("PARAMETER_ARN", "Other")}
    assert check("ForAllValues:StringEquals", "kms:EncryptionContextKeys", ("PARAMETER_ARN", "Other", "Third"), keys)
    assert not check("ForAllValues:StringEquals", "kms:EncryptionContextKeys", ("PARAMETER_ARN",), keys)
    assert check("ForAllValues:StringLike", "kms:EncryptionContextKeys", ("*",), keys)
    # Negated: every value must match none of the policy's values.
    assert check("ForAllValues:StringNotEquals", "kms:EncryptionContextKeys", ("Nope",), keys)
    assert not check("ForAllValues:StringNotEquals", "kms:EncryptionContextKeys", ("Other",), keys)
    # Vacuously true over an empty set.
    assert check("ForAllValues:StringEquals", "kms:EncryptionContextKeys", ("x",), {"kms:EncryptionContextKeys": ()})


def test_multivalued_key_without_qualifier_matches_any_value() -> None:
    keys = {"aws:CalledVia": ("ssm.amazonaws.com",)}
    assert check("StringEquals", "aws:CalledVia", ("ssm.amazonaws.com",), keys)
    assert not check("StringNotEquals", "aws:CalledVia", ("ssm.amazonaws.com",), keys)


def test_policy_variables_in_values() -> None:
    keys = {"aws:username": "alice", "aws:PrincipalAccount": "111122223333"}
    assert check("StringEquals", "aws:PrincipalTag/owner", ("${aws:username}",), {**keys, "aws:PrincipalTag/owner": "alice"})
    assert check(
        "StringLike", "kms:EncryptionContext:PARAMETER_ARN",
        ("arn:aws:ssm:*:${aws:PrincipalAccount}:parameter/${aws:username}/*",),
        {**keys, "kms:EncryptionContext:PARAMETER_ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/alice/db"},
    )
    assert not check(
        "StringLike", "kms:EncryptionContext:PARAMETER_ARN",
        ("arn:aws:ssm:*:*:parameter/${aws:username}/*",),
        {**keys, "kms:EncryptionContext:PARAMETER_ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/bob/db"},
    )
    # A missing variable without default matches nothing; a default fills in.
    assert not check("StringEquals", "aws:SomeKey", ("${aws:nope}",), {"aws:SomeKey": ""})
    assert check("StringEquals", "aws:SomeKey", ("${aws:nope, 'fallback'}",), {"aws:SomeKey": "fallback"})
    # ${*} is a literal star, not a wildcard.
    assert check("StringLike", "aws:SomeKey", ("a${*}",), {"aws:SomeKey": "a*"})
    assert not check("StringLike", "aws:SomeKey", ("a${*}",), {"aws:SomeKey": "ab"})


def test_key_names_are_case_insensitive_but_encryption_context_keys_are_not() -> None:
    assert check("StringEquals", "AWS:UserName", ("alice",), {"aws:username": "alice"})
    assert check("StringEquals", "KMS:encryptionContext:PARAMETER_ARN", ("x",), {"kms:EncryptionContext:PARAMETER_ARN": "x"})
    assert not check("StringEquals", "kms:EncryptionContext:parameter_arn", ("x",), {"kms:EncryptionContext:PARAMETER_ARN": "x"})


@pytest.mark.parametrize(
    ("operator", "values", "problem"),
    [
        ("StringEqualz", ("x",), "unknown condition operator"),
        ("ForSomeValues:StringEquals", ("x",), "unknown condition operator"),
        ("NullIfExists", ("true",), "Null takes no qualifier"),
        ("Null", ("maybe",), "takes \"true\" or \"false\""),
        ("Bool", ("yes",), "takes \"true\" or \"false\""),
        ("NumericLessThan", ("ten",), "takes numbers"),
        ("DateLessThan", ("yesterday",), "ISO 8601"),
    ],
)
def test_bad_conditions_are_refused(operator: str, values: tuple[str, ...], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        cond(operator, "aws:SomeKey", *values)


def test_parse_date_forms() -> None:
    assert parse_date("2024-01-01") == parse_date("2024-01-01T00:00:00Z") == parse_date("1704067200")
    assert parse_date("garbage") is None


def test_variable_values_match_literally_in_arns() -> None:
    keys = {"aws:username": "al?ce"}
    assert check("ArnLike", "aws:SourceArn", ("arn:aws:iam::*:user/${aws:username}",), {**keys, "aws:SourceArn": "arn:aws:iam::1:user/al?ce"})
    assert not check("ArnLike", "aws:SourceArn", ("arn:aws:iam::*:user/${aws:username}",), {**keys, "aws:SourceArn": "arn:aws:iam::1:user/alice"})
    assert check("ArnLike", "aws:SourceArn", ("arn:aws:iam::*:user/a${*}",), {"aws:SourceArn": "arn:aws:iam::1:user/a*"})
    assert not check("ArnLike", "aws:SourceArn", ("arn:aws:iam::*:user/a${*}",), {"aws:SourceArn": "arn:aws:iam::1:user/ab"})
    assert not check("ArnLike", "aws:SourceArn", ("arn:aws:iam::*:user/${aws:nobody}",), {"aws:SourceArn": "arn:aws:iam::1:user/"})
