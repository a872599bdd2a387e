"""Nothing a test sends can make one call take long: wildcard-heavy policies, catastrophic
AllowedPatterns, and lookups over a long trail all answer within a bound (each test runs
under a timer, so a regression fails instead of hanging the suite)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.reliability.support import UNVALIDATED, error_code, time_bound

# Twelve "?*" pairs and a final character no name has: a backtracking regex tries every way
# of spreading a 35-character name over the pairs before it gives up (about 10^9 ways).
WILD = "?*" * 12 + "Z"


def test_wildcard_heavy_policies_are_decided_at_once(ssm_kms):
    kms = ssm_kms.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    never = {"Effect": "Deny", "Resource": "*"}
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {**never, "Action": "kms:" + WILD},
            {"Effect": "Deny", "Action": "kms:*", "Resource": "arn:aws:kms:*:*:" + WILD},
            {**never, "Action": "kms:*", "Condition": {"StringLike": {"kms:EncryptionContext:app": WILD}}},
            {**never, "Action": "kms:*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:" + WILD}}},
            {**never, "Action": "kms:*", "Condition": {"StringLike": {"aws:username": "${aws:username}" + WILD}}},
        ],
    }
    client = ssm_kms.principal("wild-card-user-with-a-long-name", policy).client("kms")
    with time_bound(30):
        pair = client.generate_data_key_pair_without_plaintext(
            KeyId=key_id, KeyPairSpec="ECC_NIST_P256", EncryptionContext={"app": "a" * 60}
        )
    assert pair["KeyId"].endswith(key_id)

    denying = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {**never, "Action": "kms:" + "?*" * 12 + "t"},  # matches the long name
        ],
    }
    client = ssm_kms.principal("denied", denying).client("kms")
    with time_bound(30), pytest.raises(ClientError) as caught:
        client.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    assert error_code(caught.value) == "AccessDeniedException"


def test_a_policy_variable_scan_is_linear(ssm_kms):
    # "${" and a long run of spaces took the variable regex cubic time (1,000 spaces: 8 s).
    text = "${" + " " * 20_000
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ssm:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:username": text}}},
        ],
    }
    with time_bound(30):
        ssm = ssm_kms.principal("spaces", policy).client("ssm", config=UNVALIDATED)
        ssm.put_parameter(Name="/spaces", Value="v", Type="String")
    assert ssm.get_parameter(Name="/spaces")["Parameter"]["Value"] == "v"


# Python's re (and Java's engine, which AWS uses) takes exponential time on each of these.
CATASTROPHIC_PATTERNS = [r"^(a+)+$", r"^(a|a)*$", r"^(a|aa)+$", r"^(\w+\s?)*$"]


@pytest.mark.parametrize("pattern", CATASTROPHIC_PATTERNS)
def test_a_catastrophic_allowed_pattern_is_decided_at_once(ssm_kms, pattern):
    ssm = ssm_kms.client("ssm")
    with time_bound(30):
        with pytest.raises(ClientError) as caught:
            ssm.put_parameter(Name="/p", Value="a" * 4000 + "!", Type="String", AllowedPattern=pattern)
        assert error_code(caught.value) == "ParameterPatternMismatchException"
        ssm.put_parameter(Name="/p", Value="a" * 4000, Type="String", AllowedPattern=pattern)
        with pytest.raises(ClientError) as caught:  # the stored pattern checks the next value
            ssm.put_parameter(Name="/p", Value="a" * 8000 + "!", Tier="Advanced", Overwrite=True)
        assert error_code(caught.value) == "ParameterPatternMismatchException"
    assert ssm.get_parameter(Name="/p")["Parameter"]["Version"] == 1


@pytest.mark.parametrize(
    "pattern",
    [
        "(" * 101 + "a" + ")" * 101,  # nested deeper than the matcher compiles
        "(?:" * 200 + ")" * 200,  # 1,000 characters, within the model's 1,024
        "(?:a{1000}){1000}",  # unrolls to a million instructions
        "a{4294967296}",  # past Python's repeat limit
        "[a-z]{20001}",
    ],
    ids=["depth-101", "depth-200", "a1000x1000", "repeat-2**32", "class-20001"],
)
def test_a_pattern_that_cannot_compile_here_is_invalid(ssm_kms, pattern):
    ssm = ssm_kms.client("ssm")
    with time_bound(30), pytest.raises(ClientError) as caught:
        ssm.put_parameter(Name="/p", Value="a", Type="String", AllowedPattern=pattern)
    assert error_code(caught.value) == "InvalidAllowedPatternException"
    assert ssm.describe_parameters()["Parameters"] == []


def test_a_backreference_that_backtracks_without_end_is_bounded(ssm_kms):
    # With a backreference the matcher cannot remember where it has been; a step budget
    # bounds the match and the call is refused (AWS's answer here is not known).
    ssm = ssm_kms.client("ssm")
    with time_bound(30), pytest.raises(ClientError) as caught:
        ssm.put_parameter(Name="/p", Value="a" * 40 + "!", Type="String", AllowedPattern=r"(a)\1*b|(a+)+$")
    assert error_code(caught.value) == "ValidationException"
    assert "AllowedPattern" in caught.value.response["Error"]["Message"]
    assert ssm.describe_parameters()["Parameters"] == []
