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
