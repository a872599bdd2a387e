"""Statement matching and outcomes, without any AWS state (pure units)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pytest_ssmkms.aws.iam.evaluation import (
    ACCOUNT,
    DIRECT,
    PrincipalRef,
    Request,
    evaluate_identity,
    evaluate_resource,
    grant_allows,
    principal_match,
)
from pytest_ssmkms.aws.iam.policy import Policy, parse_policy

ACCOUNT_ID = "111122223333"
KEY_ARN = f"arn:aws:kms:us-west-2:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALICE = PrincipalRef(ACCOUNT_ID, frozenset({f"arn:aws:iam::{ACCOUNT_ID}:user/alice"}))
ROLE = PrincipalRef(
    ACCOUNT_ID,
    frozenset({f"arn:aws:iam::{ACCOUNT_ID}:role/app", f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app/s1"}),
)
STRANGER = PrincipalRef("444455556666", frozenset({"arn:aws:iam::444455556666:user/eve"}))


def identity(*statements: dict[str, Any], version: str = "2012-10-17") -> Policy:
    return parse_policy({"Version": version, "Statement": list(statements)}, resource_policy=False)


def key_policy(*statements: dict[str, Any]) -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, resource_policy=True)


def param(name: str) -> str:
    return f"arn:aws:ssm:us-west-2:{ACCOUNT_ID}:parameter/{name}"


def allowed(policy: Policy, action: str, resource: str, keys: dict[str, Any] | None = None) -> bool:
    outcome = evaluate_identity([policy], Request(action, resource, keys or {}))
    return outcome.deny is None and outcome.allow is not None


def test_action_wildcards_are_case_insensitive() -> None:
    policy = identity({"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"})
    assert allowed(policy, "ssm:GetParameter", param("a"))
    assert allowed(policy, "ssm:GetParametersByPath", param("a"))
    assert allowed(identity({"Effect": "Allow", "Action": "SSM:getparameter", "Resource": "*"}), "ssm:GetParameter", param("a"))
    assert allowed(identity({"Effect": "Allow", "Action": "ssm:?etParameter", "Resource": "*"}), "ssm:GetParameter", param("a"))
    assert not allowed(policy, "ssm:PutParameter", param("a"))
    assert not allowed(policy, "kms:GetParameter", param("a"))


def test_not_action() -> None:
    policy = identity({"Effect": "Allow", "NotAction": "ssm:Delete*", "Resource": "*"})
    assert allowed(policy, "ssm:GetParameter", param("a"))
    assert not allowed(policy, "ssm:DeleteParameter", param("a"))


def test_resource_wildcards_are_case_sensitive() -> None:
    policy = identity({"Effect": "Allow", "Action": "ssm:*", "Resource": param("ReadableParameters/*")})
    assert allowed(policy, "ssm:GetParameter", param("ReadableParameters/db"))
    assert allowed(policy, "ssm:GetParameter", param("ReadableParameters/deep/db"))
    assert not allowed(policy, "ssm:GetParameter", param("readableparameters/db"))
    assert not allowed(policy, "ssm:GetParameter", param("Other/db"))
    assert not allowed(policy, "ssm:GetParameter", param("ReadableParameters"))
    regional = identity({"Effect": "Allow", "Action": "ssm:*", "Resource": f"arn:aws:ssm:*:{ACCOUNT_ID}:parameter/?b"})
    assert allowed(regional, "ssm:GetParameter", param("db"))
    assert not allowed(regional, "ssm:GetParameter", param("dbb"))
    assert not allowed(regional, "ssm:GetParameter", "arn:aws:ssm:us-west-2:999999999999:parameter/db")


def test_not_resource() -> None:
    policy = identity({"Effect": "Allow", "Action": "ssm:*", "NotResource": param("secret/*")})
    assert allowed(policy, "ssm:GetParameter", param("public/x"))
    assert not allowed(policy, "ssm:GetParameter", param("secret/x"))


def test_policy_variables_in_resources() -> None:
    policy = identity({"Effect": "Allow", "Action": "ssm:*", "Resource": param("home/${aws:username}/*")})
    assert allowed(policy, "ssm:GetParameter", param("home/alice/x"), {"aws:username": "alice"})
    assert not allowed(policy, "ssm:GetParameter", param("home/bob/x"), {"aws:username": "alice"})
    # No user name (a role session): the statement does not match.
    assert not allowed(policy, "ssm:GetParameter", param("home/alice/x"), {})
    # Version 2008-10-17 reads "${aws:username}" literally.
    old = identity({"Effect": "Allow", "Action": "ssm:*", "Resource": param("home/${aws:username}/*")}, version="2008-10-17")
    assert not allowed(old, "ssm:GetParameter", param("home/alice/x"), {"aws:username": "alice"})
    assert allowed(old, "ssm:GetParameter", param("home/${aws:username}/x"), {"aws:username": "alice"})


def test_explicit_deny_wins_over_allow() -> None:
    policy = identity(
        {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "ssm:GetParameter*", "Resource": param("secret/*")},
    )
    outcome = evaluate_identity([policy], Request("ssm:GetParameter", param("secret/x"), {}))
    assert outcome.deny is not None and outcome.deny[1].sid == "NoSecrets"
    assert allowed(policy, "ssm:GetParameter", param("public/x"))


def test_deny_in_another_policy_wins() -> None:
    allow = identity({"Effect": "Allow", "Action": "*", "Resource": "*"})
    deny = identity({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    outcome = evaluate_identity([allow, deny], Request("kms:Decrypt", KEY_ARN, {}))
    assert outcome.deny is not None


def test_multiple_condition_keys_and_operators_are_anded() -> None:
    policy = identity(
        {
            "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": ACCOUNT_ID, "kms:ViaService": "ssm.us-west-2.amazonaws.com"},
                "Bool": {"aws:SecureTransport": "true"},
            },
        }
    )
    good = {"kms:calleraccount": ACCOUNT_ID, "kms:viaservice": "ssm.us-west-2.amazonaws.com", "aws:securetransport": "true"}
    assert allowed(policy, "kms:Decrypt", KEY_ARN, good)
    assert not allowed(policy, "kms:Decrypt", KEY_ARN, {**good, "aws:securetransport": "false"})
    assert not allowed(policy, "kms:Decrypt", KEY_ARN, {**good, "kms:viaservice": "ec2.us-west-2.amazonaws.com"})
    missing = dict(good)
    del missing["kms:viaservice"]
    assert not allowed(policy, "kms:Decrypt", KEY_ARN, missing)


def test_conditions_are_evaluated_lazily() -> None:
    built: list[int] = []

    def factory() -> dict[str, Any]:
        built.append(1)
        return {"aws:username": "alice"}

    plain = identity({"Effect": "Allow", "Action": "ssm:*", "Resource": "*"})
    evaluate_identity([plain], Request("ssm:GetParameter", param("x"), factory))
    assert built == []
    conditional = identity({"Effect": "Allow", "Action": "ssm:*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": "alice"}}})
    assert evaluate_identity([conditional], Request("ssm:GetParameter", param("x"), factory)).allow is not None
    assert built == [1]


def test_principal_match_forms() -> None:
    def match(principal: Any, who: PrincipalRef) -> str | None:
        policy = key_policy({"Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"})
        found = policy.statements[0].principals
        assert found is not None
        return principal_match(found, who)

    assert match("*", STRANGER) == DIRECT
    assert match({"AWS": "*"}, STRANGER) == DIRECT
    assert match({"AWS": ACCOUNT_ID}, ALICE) == ACCOUNT
    assert match({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, ALICE) == ACCOUNT
    assert match({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, STRANGER) is None
    assert match({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"}, ALICE) == DIRECT
    assert match({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/bob"}, ALICE) is None
    assert match({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/app"}, ROLE) == DIRECT
    assert match({"AWS": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app/s1"}, ROLE) == DIRECT
    assert match({"AWS": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app/s2"}, ROLE) is None
    # A service principal names the service itself, never a user calling through it.
    assert match({"Service": "ssm.amazonaws.com"}, ALICE) is None
    assert match({"Service": "ssm.amazonaws.com"}, PrincipalRef(ACCOUNT_ID, frozenset(), "ssm.amazonaws.com")) == DIRECT


def test_key_policy_outcomes() -> None:
    policy = key_policy(
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Alice", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"}, "Action": "kms:Decrypt", "Resource": "*"},
        {"Sid": "NoRoleEncrypt", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/app"}, "Action": "kms:Encrypt", "Resource": "*"},
    )
    decrypt = evaluate_resource(policy, Request("kms:Decrypt", KEY_ARN, {}), ALICE)
    assert decrypt.allow is not None and decrypt.allow[1].sid == "Alice"
    encrypt = evaluate_resource(policy, Request("kms:Encrypt", KEY_ARN, {}), ALICE)
    assert encrypt.allow is None and encrypt.account_allow is not None and encrypt.account_allow[1].sid == "Root"
    denied = evaluate_resource(policy, Request("kms:Encrypt", KEY_ARN, {}), ROLE)
    assert denied.deny is not None and denied.deny[1].sid == "NoRoleEncrypt"
    nothing = evaluate_resource(policy, Request("kms:Decrypt", KEY_ARN, {}), STRANGER)
    assert nothing.allow is None and nothing.account_allow is None and nothing.deny is None


def test_not_principal() -> None:
    policy = key_policy(
        {"Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"}, "Action": "kms:Decrypt", "Resource": "*"}
    )
    assert evaluate_resource(policy, Request("kms:Decrypt", KEY_ARN, {}), ALICE).deny is None
    assert evaluate_resource(policy, Request("kms:Decrypt", KEY_ARN, {}), ROLE).deny is not None


def grant(**changes: Any) -> Any:
    values: dict[str, Any] = {
        "grant_id": "g1", "grantee_principal": f"arn:aws:iam::{ACCOUNT_ID}:role/app",
        "operations": ["Decrypt", "DescribeKey"], "constraints": None,
    }
    values.update(changes)
    return SimpleNamespace(**values)


def test_grant_grantee_and_operations() -> None:
    assert grant_allows(grant(), "Decrypt", ROLE, {})
    assert not grant_allows(grant(), "Encrypt", ROLE, {})
    assert not grant_allows(grant(), "Decrypt", ALICE, {})


def test_grant_encryption_context_subset() -> None:
    subset = grant(constraints={"EncryptionContextSubset": {"Department": "IT"}})
    assert grant_allows(subset, "Decrypt", ROLE, {"Department": "IT"})
    assert grant_allows(subset, "Decrypt", ROLE, {"Department": "IT", "Project": "x"})
    assert grant_allows(subset, "Decrypt", ROLE, {"department": "IT"})  # keys: case-insensitive
    assert not grant_allows(subset, "Decrypt", ROLE, {"Department": "it"})  # values: case-sensitive
    assert not grant_allows(subset, "Decrypt", ROLE, {})
    # Constraints do not apply to operations without an encryption context.
    assert grant_allows(subset, "DescribeKey", ROLE, {})


def test_grant_encryption_context_equals() -> None:
    equals = grant(constraints={"EncryptionContextEquals": {"Department": "IT"}})
    assert grant_allows(equals, "Decrypt", ROLE, {"Department": "IT"})
    assert not grant_allows(equals, "Decrypt", ROLE, {"Department": "IT", "Project": "x"})
    assert not grant_allows(equals, "Decrypt", ROLE, {})
