"""The authorizer remembers Allow decisions, with the condition keys each one read and their
values; a decision serves a later call only where those keys have the same values, and every
change to what decisions depend on (key policy, identity policies, grants, enforcement, the
clock) applies from the next call."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms

ACCOUNT_ROOT = "arn:aws:iam::123456789012:root"


def code_of(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_key_policy_change_applies_to_the_next_call(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    for _ in range(2):  # the second call is answered from the cache
        kms.encrypt(KeyId=key, Plaintext=b"x")
    assert ssm_kms.trail.calls[-1].decision["effect"] == "Allow"
    deny_encrypt = {"Sid": "NoEncrypt", "Effect": "Deny", "Principal": {"AWS": ACCOUNT_ROOT},
                    "Action": "kms:Encrypt", "Resource": "*"}
    admin = {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROOT},
             "Action": "kms:*", "Resource": "*"}
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy(admin, deny_encrypt))
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy(admin))
    kms.encrypt(KeyId=key, Plaintext=b"x")


def test_each_call_gets_its_own_copy_of_a_cached_decision(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.encrypt(KeyId=key, Plaintext=b"x")
    kms.encrypt(KeyId=key, Plaintext=b"x")
    first, second = (call.decision for call in ssm_kms.trail.calls[-2:])
    assert first == second and first is not second
    first["effect"] = "changed by a test"
    kms.encrypt(KeyId=key, Plaintext=b"x")
    assert ssm_kms.trail.calls[-1].decision["effect"] == "Allow"


def test_an_attached_identity_policy_applies_to_the_next_call(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/app/x", Value="v", Type="String")
    alice = ssm_kms.principal("alice", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter", "kms:Encrypt"], "Resource": "*"}],
    })
    key = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
    ssm, kms = alice.client("ssm"), alice.client("kms")
    for _ in range(2):
        ssm.get_parameter(Name="/app/x")
        kms.encrypt(KeyId=key, Plaintext=b"x")
    alice.attach_policy({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": ["ssm:GetParameter", "kms:Encrypt"], "Resource": "*"}],
    })
    assert code_of(ssm.get_parameter, Name="/app/x") == "AccessDeniedException"
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"


def test_a_revoked_grant_stops_allowing_at_the_next_call(ssm_kms: SsmKms) -> None:
    admin = boto3.client("kms")
    key = admin.create_key()["KeyMetadata"]["KeyId"]
    bob = ssm_kms.principal("bob")  # no identity policy: only a grant lets bob in
    kms = bob.client("kms")
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"
    grant = admin.create_grant(KeyId=key, GranteePrincipal=bob.arn, Operations=["Encrypt"])
    for _ in range(2):
        kms.encrypt(KeyId=key, Plaintext=b"x")
    admin.revoke_grant(KeyId=key, GrantId=grant["GrantId"])
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"


def test_conditions_are_evaluated_on_every_call(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    key = kms.create_key(Policy=policy(
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROOT},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "OnlyAppContext", "Effect": "Deny", "Principal": {"AWS": ACCOUNT_ROOT},
         "Action": "kms:Encrypt", "Resource": "*",
         "Condition": {"StringNotEquals": {"kms:EncryptionContext:app": "web"}}},
    ))["KeyMetadata"]["KeyId"]
    for _ in range(2):
        kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"app": "web"})
    assert code_of(
        kms.encrypt, KeyId=key, Plaintext=b"x", EncryptionContext={"app": "batch"}
    ) == "AccessDeniedException"


def test_a_decision_that_read_conditions_serves_only_the_same_values(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    key = kms.create_key(Policy=policy(
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROOT},
         "Action": "kms:*", "Resource": "*",
         "Condition": {"StringEquals": {"kms:EncryptionContext:app": ["web", "batch"]}}},
        {"Sid": "Manage", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROOT},
         "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"},
    ))["KeyMetadata"]["KeyId"]
    for app in ("web", "web", "batch", "web"):  # allowed, cached per value of the key read
        kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"app": app})
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x", EncryptionContext={"app": "cron"}) == "AccessDeniedException"
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"  # key absent
    kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"app": "web", "extra": "1"})


def test_a_decision_on_the_time_follows_the_clock(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    until = (ssm_kms.clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = kms.create_key(Policy=policy(
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROOT},
         "Action": "kms:*", "Resource": "*",
         "Condition": {"DateLessThan": {"aws:CurrentTime": until}}},
        {"Sid": "Manage", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROOT},
         "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"},
    ))["KeyMetadata"]["KeyId"]
    for _ in range(2):
        kms.encrypt(KeyId=key, Plaintext=b"x")
    ssm_kms.clock.advance(timedelta(hours=2))
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"


def test_the_aws_managed_key_decision_follows_the_calling_service(ssm_kms: SsmKms) -> None:
    # alias/aws/ssm's policy allows through SSM only (kms:ViaService): SSM's calls on the key
    # are allowed (and remembered), a direct Decrypt of the same ciphertext is not.
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/secret", Value="s", Type="SecureString")
    for _ in range(2):
        assert ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "s"
    user = ssm_kms.principal("reader", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter", "kms:Decrypt"], "Resource": "*"}],
    })
    parameter = user.client("ssm").get_parameter(Name="/app/secret")["Parameter"]
    for _ in range(2):
        assert user.client("ssm").get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "s"
    # Without decryption the value is the ciphertext; a direct Decrypt of it is refused.
    context = {"PARAMETER_ARN": parameter["ARN"]}
    for client in (boto3.client("kms"), user.client("kms")):
        assert code_of(client.decrypt, CiphertextBlob=base64.b64decode(parameter["Value"]),
                       EncryptionContext=context) == "AccessDeniedException"
