"""The authorizer behind ``ctx.authorize``: condition keys derived from the call, and AWS's
combination of identity policies, key policies and grants. Driven through real contexts of
a World, with stand-in keys (only the attributes the authorizer reads)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_ssmkms.aws.backend import Settings, World
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import AccessDeniedException, PluginUsageError
from pytest_ssmkms.aws.iam import aws_managed_key_policy, default_key_policy
from pytest_ssmkms.aws.iam.principals import Principal, create_principal

ACCOUNT = "111122223333"
REGION = "us-west-2"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
PARAM_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/MyParameter"


@pytest.fixture
def world() -> World:
    return World(Settings(region=REGION, account_id=ACCOUNT))


def key(policy: str | None = None, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "key_id": KEY_ID, "arn": KEY_ARN, "account_id": ACCOUNT, "state": "Enabled",
        "key_manager": "CUSTOMER", "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT",
        "origin": "AWS_KMS", "policy": policy if policy is not None else default_key_policy(ACCOUNT),
        "grants": [], "tags": {}, "aliases": [],
    }
    values.update(changes)
    return SimpleNamespace(**values)


def ctx_for(world: World, who: Principal | None = None, region: str = REGION) -> CallContext:
    return world.context(who.caller if who else world.default_caller, region)


def only_if(operator: str, name: str, value: Any, action: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*", "Condition": {operator: {name: value}}}],
    }


def allows(ctx: CallContext, action: str, resource: str, **kwargs: Any) -> bool:
    try:
        ctx.authorize(action, resource, **kwargs)
    except AccessDeniedException:
        return False
    return True


# --- principals -------------------------------------------------------------------------


def test_user_principal(world: World) -> None:
    alice = create_principal(world, "alice")
    assert alice.arn == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert alice.access_key_id.startswith("AKIA") and len(alice.access_key_id) == 20
    assert world.caller_for(alice.access_key_id) is alice.caller
    assert alice.caller.type == "IAMUser" and alice.caller.arn == alice.arn
    assert "secret" not in repr(alice).lower()


def test_role_principal(world: World) -> None:
    app = create_principal(world, "app", kind="role")
    assert app.arn == f"arn:aws:iam::{ACCOUNT}:role/app"
    assert app.access_key_id.startswith("ASIA")
    assert app.caller.type == "AssumedRole"
    assert app.caller.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/app/pytest-ssmkms"
    assert app.caller.principal_id.startswith("AROA") and app.caller.principal_id.endswith(":pytest-ssmkms")


def test_access_keys_are_unique(world: World) -> None:
    keys = {create_principal(world, f"user{n}").access_key_id for n in range(20)}
    keys.add(create_principal(world, "user0", kind="role").access_key_id)
    assert len(keys) == 21


def test_deterministic_ids_with_a_seed() -> None:
    first = create_principal(World(Settings(deterministic_seed=7)), "alice").access_key_id
    assert create_principal(World(Settings(deterministic_seed=7)), "alice").access_key_id == first


@pytest.mark.parametrize(
    ("args", "kind", "problem"),
    [
        (("bad name",), "user", "principal name must be"),
        (("x" * 65,), "user", "principal name must be"),
        (("alice",), "group", "kind must be 'user' or 'role'"),
        (("alice", "{oops"), "user", r"policy 1 of principal 'alice' is malformed: the policy is not valid JSON"),
        (("alice", {"Statement": [{"Effect": "Allow", "Action": "*"}]}), "user", "must contain resources"),
        (("alice", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}), "user", "should not specify a principal"),
        (("alice", [{"Statement": []}]), "user", "pass each policy as its own argument"),
    ],
)
def test_principal_misuse_is_refused_clearly(world: World, args: tuple[Any, ...], kind: str, problem: str) -> None:
    with pytest.raises(PluginUsageError, match=problem):
        create_principal(world, *args, kind=kind)


def test_same_principal_asked_again_is_the_same_one(world: World) -> None:
    policy = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}}
    alice = create_principal(world, "alice", policy)
    assert create_principal(world, "alice", json.dumps(policy)) is alice
    assert create_principal(world, "alice", kind="role") is not alice  # a role may share a user's name


def test_same_name_with_other_policies_is_refused(world: World) -> None:
    create_principal(world, "alice")
    with pytest.raises(PluginUsageError, match="already exists in this mock .* with other policies"):
        create_principal(world, "alice", {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})


# --- identity-only services (SSM) ----------------------------------------------------------


def test_default_credentials_act_as_administrator(world: World) -> None:
    decision = ctx_for(world).authorize("ssm:DeleteParameter", PARAM_ARN)
    assert decision["effect"] == "Allow"


def test_no_policy_means_implicit_deny_with_aws_message(world: World) -> None:
    alice = create_principal(world, "alice")
    ctx = ctx_for(world, alice)
    with pytest.raises(AccessDeniedException) as caught:
        ctx.authorize("ssm:GetParameter", PARAM_ARN)
    assert caught.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: ssm:GetParameter on resource: "
        f"{PARAM_ARN} because no identity-based policy allows the ssm:GetParameter action"
    )
    assert ctx.notes["decision"]["effect"] == "ImplicitDeny"


def test_explicit_deny_message_and_decision(world: World) -> None:
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
        {"Sid": "NoMine", "Effect": "Deny", "Action": "ssm:GetParameter", "Resource": PARAM_ARN},
    ]}
    app = create_principal(world, "app", deny, kind="role")
    ctx = ctx_for(world, app)
    with pytest.raises(AccessDeniedException) as caught:
        ctx.authorize("ssm:GetParameter", PARAM_ARN)
    assert caught.value.message == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/app/pytest-ssmkms is not authorized to perform: "
        f"ssm:GetParameter on resource: {PARAM_ARN} with an explicit deny in an identity-based policy"
    )
    assert ctx.notes["decision"]["statement"]["Sid"] == "NoMine"
    assert ctx.notes["decision"]["policy"] == "app-policy-1"


def test_attach_policy_applies_from_the_next_call(world: World) -> None:
    alice = create_principal(world, "alice")
    assert not allows(ctx_for(world, alice), "ssm:GetParameter", PARAM_ARN)
    alice.attach_policy({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}})
    assert allows(ctx_for(world, alice), "ssm:GetParameter", PARAM_ARN)


def test_enforcement_off_allows_everything() -> None:
    world = World(Settings(region=REGION, account_id=ACCOUNT, enforce_permissions=False))
    alice = create_principal(world, "alice")
    assert ctx_for(world, alice).authorize("ssm:GetParameter", PARAM_ARN) is None
    assert ctx_for(world, alice).authorize("kms:Decrypt", KEY_ARN, key=key("")) is None


# --- global condition keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "name", "value", "kind", "expected"),
    [
        ("StringEquals", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:user/alice", "user", True),
        ("StringEquals", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/alice", "role", True),
        ("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/*", "user", False),
        ("StringEquals", "aws:username", "alice", "user", True),
        ("StringEquals", "aws:username", "alice", "role", False),  # roles have no user name
        ("StringLike", "aws:userid", "AIDA*", "user", True),
        ("StringLike", "aws:userid", "AROA*:pytest-ssmkms", "role", True),
        ("StringEquals", "aws:PrincipalAccount", ACCOUNT, "user", True),
        ("StringEquals", "aws:PrincipalAccount", "999999999999", "user", False),
        ("StringEquals", "aws:PrincipalType", "AssumedRole", "role", True),
        ("StringEquals", "aws:RequestedRegion", REGION, "user", True),
        ("StringEquals", "aws:RequestedRegion", "eu-west-1", "user", False),
        ("Bool", "aws:ViaAWSService", "false", "user", True),
        ("Bool", "aws:SecureTransport", "true", "user", True),
        ("Null", "aws:CalledVia", "true", "user", True),
        ("IpAddress", "aws:SourceIp", "127.0.0.0/8", "user", True),
        ("DateGreaterThan", "aws:CurrentTime", "2000-01-01T00:00:00Z", "user", True),
        ("NumericGreaterThan", "aws:EpochTime", "946684800", "user", True),
    ],
)
def test_global_condition_keys(world: World, operator: str, name: str, value: str, kind: str, expected: bool) -> None:
    who = create_principal(world, "alice", only_if(operator, name, value), kind=kind)
    assert allows(ctx_for(world, who), "ssm:GetParameter", PARAM_ARN) is expected


def test_policy_variables_from_the_caller(world: World) -> None:
    home = {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "ssm:*",
        "Resource": "arn:aws:ssm:*:${aws:PrincipalAccount}:parameter/home/${aws:username}/*"}}
    alice = create_principal(world, "alice", home)
    assert allows(ctx_for(world, alice), "ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/home/alice/db")
    assert not allows(ctx_for(world, alice), "ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/home/bob/db")


def test_called_via_keys_on_calls_ssm_makes(world: World) -> None:
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {
            "ForAnyValue:StringEquals": {"aws:CalledVia": "ssm.amazonaws.com"},
            "StringEquals": {"aws:CalledViaFirst": "ssm.amazonaws.com", "aws:CalledViaLast": "ssm.amazonaws.com"},
            "Bool": {"aws:ViaAWSService": "true"},
            "Null": {"aws:SourceIp": "true"}}},
    ]}
    alice = create_principal(world, "alice", policy)
    ctx = ctx_for(world, alice)
    assert not allows(ctx, "kms:Decrypt", KEY_ARN, key=key())
    assert allows(ctx.via("ssm.amazonaws.com"), "kms:Decrypt", KEY_ARN, key=key())


# --- KMS keys: condition keys from the key and the request ------------------------------


@pytest.mark.parametrize(
    ("operator", "name", "value", "conditions", "expected"),
    [
        ("StringEquals", "kms:EncryptionContext:PARAMETER_ARN", PARAM_ARN, {"kms:EncryptionContext:PARAMETER_ARN": PARAM_ARN}, True),
        ("StringEquals", "kms:EncryptionContext:PARAMETER_ARN", PARAM_ARN, {"kms:EncryptionContext": {"PARAMETER_ARN": PARAM_ARN}}, True),
        ("StringEquals", "kms:EncryptionContext:PARAMETER_ARN", PARAM_ARN, {"kms:EncryptionContext": {"PARAMETER_ARN": PARAM_ARN + "2"}}, False),
        ("StringEquals", "kms:EncryptionContext:PARAMETER_ARN", PARAM_ARN, {}, False),
        ("ForAllValues:StringEquals", "kms:EncryptionContextKeys", "PARAMETER_ARN", {"kms:EncryptionContext": {"PARAMETER_ARN": "x"}}, True),
        ("ForAllValues:StringEquals", "kms:EncryptionContextKeys", "PARAMETER_ARN", {"kms:EncryptionContext": {"PARAMETER_ARN": "x", "Extra": "y"}}, False),
        ("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", "PARAMETER_ARN", {"kms:EncryptionContext:PARAMETER_ARN": "x"}, True),
        ("StringEquals", "kms:CallerAccount", ACCOUNT, {}, True),
        ("StringEquals", "kms:KeySpec", "SYMMETRIC_DEFAULT", {}, True),
        ("StringEquals", "kms:KeySpec", "RSA_2048", {}, False),
        ("StringEquals", "kms:KeyUsage", "ENCRYPT_DECRYPT", {}, True),
        ("StringEquals", "kms:KeyOrigin", "AWS_KMS", {}, True),
        ("ForAnyValue:StringEquals", "kms:ResourceAliases", "alias/app", {}, True),
        ("ForAnyValue:StringEquals", "kms:ResourceAliases", "alias/other", {}, False),
        ("StringEquals", "aws:ResourceTag/Team", "payments", {}, True),
        ("StringEquals", "aws:ResourceTag/team", "payments", {}, True),  # tag keys: case-insensitive
        ("StringEquals", "aws:ResourceTag/Team", "Payments", {}, False),
        ("StringEquals", "kms:RequestAlias", "alias/app", {"kms:RequestAlias": "alias/app"}, True),
        ("Null", "kms:RequestAlias", "true", {}, True),
        ("StringEquals", "kms:EncryptionAlgorithm", "SYMMETRIC_DEFAULT", {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, True),
        ("ForAllValues:StringEquals", "kms:GrantOperations", ["Decrypt", "Encrypt"], {"kms:GrantOperations": ["Decrypt"]}, True),
        ("ForAllValues:StringEquals", "kms:GrantOperations", ["Decrypt", "Encrypt"], {"kms:GrantOperations": ["Decrypt", "RetireGrant"]}, False),
        ("Null", "kms:ViaService", "true", {}, True),
    ],
)
def test_kms_condition_keys(
    world: World, operator: str, name: str, value: Any, conditions: dict[str, Any], expected: bool
) -> None:
    alice = create_principal(world, "alice", only_if(operator, name, value, "kms:*"))
    the_key = key(tags={"Team": "payments"}, aliases=["alias/app"])
    assert allows(ctx_for(world, alice), "kms:Decrypt", KEY_ARN, key=the_key, conditions=conditions) is expected


def test_kms_via_service_names_the_calling_service_and_region(world: World) -> None:
    alice = create_principal(world, "alice", only_if("StringEquals", "kms:ViaService", "ssm.eu-west-1.amazonaws.com", "kms:*"))
    assert allows(ctx_for(world, alice, "eu-west-1").via("ssm.amazonaws.com"), "kms:Decrypt", KEY_ARN, key=key())
    assert not allows(ctx_for(world, alice, REGION).via("ssm.amazonaws.com"), "kms:Decrypt", KEY_ARN, key=key())


@pytest.mark.parametrize(
    ("operator", "value", "conditions", "expected"),
    [
        ("Bool", "false", {"ssm:Overwrite": False}, True),
        ("Bool", "false", {"ssm:Overwrite": True}, False),
        ("Bool", "true", {"ssm:Recursive": True}, True),
    ],
)
def test_ssm_condition_keys(world: World, operator: str, value: str, conditions: dict[str, Any], expected: bool) -> None:
    name = next(iter(conditions))
    alice = create_principal(world, "alice", only_if(operator, name, value))
    assert allows(ctx_for(world, alice), "ssm:PutParameter", PARAM_ARN, conditions=conditions) is expected


def test_resource_tags_passed_by_a_handler(world: World) -> None:
    alice = create_principal(world, "alice", only_if("StringEquals", "aws:ResourceTag/env", "dev"))
    assert allows(ctx_for(world, alice), "ssm:GetParameter", PARAM_ARN, conditions={"aws:ResourceTag": {"env": "dev"}})
    assert allows(ctx_for(world, alice), "ssm:GetParameter", PARAM_ARN, conditions={"aws:ResourceTag": [{"Key": "env", "Value": "dev"}]})
    assert not allows(ctx_for(world, alice), "ssm:GetParameter", PARAM_ARN, conditions={"aws:ResourceTag": {"env": "prod"}})


# --- KMS keys: key policy, IAM policies and grants together ---------------------------------


def kms_policy(*statements: dict[str, Any]) -> str:
    import json

    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


DECRYPT_ANY = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}


def test_admin_uses_a_key_whose_policy_delegates_to_the_account(world: World) -> None:
    decision = ctx_for(world).authorize("kms:Decrypt", KEY_ARN, key=key())
    assert decision["effect"] == "Allow"
    assert decision["keyPolicyStatement"]["Sid"] == "Enable IAM User Permissions"


def test_key_policy_still_applies_to_the_administrator(world: World) -> None:
    only_alice = key(kms_policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, "Action": "kms:*", "Resource": "*"}))
    ctx = ctx_for(world)
    with pytest.raises(AccessDeniedException) as caught:
        ctx.authorize("kms:Decrypt", KEY_ARN, key=only_alice)
    assert caught.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/test-admin is not authorized to perform: kms:Decrypt on resource: "
        f"{KEY_ARN} because no resource-based policy allows the kms:Decrypt action"
    )


def test_user_needs_an_identity_policy_when_the_key_delegates(world: World) -> None:
    alice = create_principal(world, "alice")
    with pytest.raises(AccessDeniedException, match="because no identity-based policy allows the kms:Decrypt action"):
        ctx_for(world, alice).authorize("kms:Decrypt", KEY_ARN, key=key())
    bob = create_principal(world, "bob", DECRYPT_ANY)
    assert allows(ctx_for(world, bob), "kms:Decrypt", KEY_ARN, key=key())
    assert not allows(ctx_for(world, bob), "kms:Encrypt", KEY_ARN, key=key())


def test_key_policy_naming_the_principal_needs_no_identity_policy(world: World) -> None:
    app = create_principal(world, "app", kind="role")
    by_role = key(kms_policy({"Sid": "App", "Effect": "Allow", "Principal": {"AWS": app.arn}, "Action": "kms:Decrypt", "Resource": "*"}))
    decision = ctx_for(world, app).authorize("kms:Decrypt", KEY_ARN, key=by_role)
    assert decision["policyType"] == "resource-based policy" and decision["statement"]["Sid"] == "App"
    assert not allows(ctx_for(world, app), "kms:Encrypt", KEY_ARN, key=by_role)


def test_key_policy_without_the_account_ignores_identity_policies(world: World) -> None:
    alice = create_principal(world, "alice", {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}})
    nobody = key(kms_policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}, "Action": "kms:*", "Resource": "*"}))
    with pytest.raises(AccessDeniedException, match="no resource-based policy allows"):
        ctx_for(world, alice).authorize("kms:Decrypt", KEY_ARN, key=nobody)


def test_explicit_deny_in_the_key_policy_wins(world: World) -> None:
    alice = create_principal(world, "alice", DECRYPT_ANY)
    denying = key(kms_policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "NoAlice", "Effect": "Deny", "Principal": {"AWS": alice.arn}, "Action": "kms:Decrypt", "Resource": "*"},
    ))
    ctx = ctx_for(world, alice)
    with pytest.raises(AccessDeniedException, match="with an explicit deny in a resource-based policy$"):
        ctx.authorize("kms:Decrypt", KEY_ARN, key=denying)
    assert ctx.notes["decision"]["statement"]["Sid"] == "NoAlice"


def test_explicit_deny_in_an_identity_policy_beats_the_key_policy(world: World) -> None:
    deny = {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}}
    alice = create_principal(world, "alice", deny)
    everyone = key(kms_policy({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}))
    with pytest.raises(AccessDeniedException, match="with an explicit deny in an identity-based policy$"):
        ctx_for(world, alice).authorize("kms:Decrypt", KEY_ARN, key=everyone)


def test_aws_managed_ssm_key_works_only_through_ssm(world: World) -> None:
    managed = key(aws_managed_key_policy("ssm", ACCOUNT, REGION), key_manager="AWS", aliases=["alias/aws/ssm"])
    ctx = ctx_for(world)
    with pytest.raises(AccessDeniedException, match="because no resource-based policy allows the kms:Decrypt action"):
        ctx.authorize("kms:Decrypt", KEY_ARN, key=managed)
    assert allows(ctx.via("ssm.amazonaws.com"), "kms:Decrypt", KEY_ARN, key=managed)
    assert allows(ctx, "kms:DescribeKey", KEY_ARN, key=managed)  # metadata: directly, for the account
    # Through SSM in another region, the ViaService no longer matches the key's policy.
    assert not allows(ctx_for(world, None, "eu-west-1").via("ssm.amazonaws.com"), "kms:Decrypt", KEY_ARN, key=managed)


def test_aws_managed_key_without_a_stored_policy_gets_the_managed_one(world: World) -> None:
    managed = key("", key_manager="AWS", aliases=["alias/aws/ssm"])
    assert not allows(ctx_for(world), "kms:Encrypt", KEY_ARN, key=managed)
    assert allows(ctx_for(world).via("ssm.amazonaws.com"), "kms:Encrypt", KEY_ARN, key=managed)


def test_grant_allows_its_grantee_its_operations(world: World) -> None:
    app = create_principal(world, "app", kind="role")
    grant = SimpleNamespace(grant_id="g-1", name="app-decrypt", grantee_principal=app.arn,
                            operations=["Decrypt"], constraints=None)
    granted = key(grants=[grant])
    decision = ctx_for(world, app).authorize("kms:Decrypt", KEY_ARN, key=granted)
    assert decision["policyType"] == "grant" and decision["grantId"] == "g-1"
    assert not allows(ctx_for(world, app), "kms:Encrypt", KEY_ARN, key=granted)
    other = create_principal(world, "other", kind="role")
    assert not allows(ctx_for(world, other), "kms:Decrypt", KEY_ARN, key=granted)


def test_grant_constraints(world: World) -> None:
    app = create_principal(world, "app", kind="role")
    subset = SimpleNamespace(grant_id="g-1", grantee_principal=app.arn, operations=["Decrypt", "Encrypt"],
                             constraints={"EncryptionContextSubset": {"PARAMETER_ARN": PARAM_ARN}})
    equals = SimpleNamespace(grant_id="g-2", grantee_principal=app.arn, operations=["GenerateDataKey"],
                             constraints={"EncryptionContextEquals": {"PARAMETER_ARN": PARAM_ARN}})
    granted = key(grants=[subset, equals])
    ctx = ctx_for(world, app)
    exact = {"kms:EncryptionContext": {"PARAMETER_ARN": PARAM_ARN}}
    more = {"kms:EncryptionContext": {"PARAMETER_ARN": PARAM_ARN, "extra": "1"}}
    other = {"kms:EncryptionContext": {"PARAMETER_ARN": PARAM_ARN + "2"}}
    assert allows(ctx, "kms:Decrypt", KEY_ARN, key=granted, conditions=exact)
    assert allows(ctx, "kms:Encrypt", KEY_ARN, key=granted, conditions=more)
    assert not allows(ctx, "kms:Decrypt", KEY_ARN, key=granted, conditions=other)
    assert not allows(ctx, "kms:Decrypt", KEY_ARN, key=granted)
    assert allows(ctx, "kms:GenerateDataKey", KEY_ARN, key=granted, conditions=exact)
    assert not allows(ctx, "kms:GenerateDataKey", KEY_ARN, key=granted, conditions=more)


def test_explicit_deny_beats_a_grant(world: World) -> None:
    deny = {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}}
    app = create_principal(world, "app", deny, kind="role")
    grant = SimpleNamespace(grant_id="g-1", grantee_principal=app.arn, operations=["Decrypt"], constraints=None)
    assert not allows(ctx_for(world, app), "kms:Decrypt", KEY_ARN, key=key(grants=[grant]))


def test_cross_account_needs_both_the_key_policy_and_an_identity_policy(world: World) -> None:
    foreign_arn = f"arn:aws:kms:{REGION}:444455556666:key/{KEY_ID}"
    to_us = key(kms_policy({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "kms:Decrypt", "Resource": "*"}),
                account_id="444455556666", arn=foreign_arn)
    not_us = key(default_key_policy("444455556666"), account_id="444455556666", arn=foreign_arn)
    alice = create_principal(world, "alice")
    bob = create_principal(world, "bob", DECRYPT_ANY)
    assert not allows(ctx_for(world, alice), "kms:Decrypt", foreign_arn, key=to_us)
    assert allows(ctx_for(world, bob), "kms:Decrypt", foreign_arn, key=to_us)
    assert not allows(ctx_for(world, bob), "kms:Decrypt", foreign_arn, key=not_us)


def test_kms_calls_on_no_key_are_decided_by_identity_policies(world: World) -> None:
    creator = create_principal(world, "creator", {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*"}})
    assert allows(ctx_for(world, creator), "kms:CreateKey", "*")
    assert not allows(ctx_for(world, creator), "kms:ListKeys", "*")


def test_a_stored_policy_that_cannot_be_evaluated_is_a_clear_error(world: World) -> None:
    from pytest_ssmkms.aws.errors import AwsError

    broken = key(kms_policy({"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}))
    with pytest.raises(AwsError, match=f"The key policy of {KEY_ARN} cannot be evaluated: .*invalid principals") as caught:
        ctx_for(world).authorize("kms:Decrypt", KEY_ARN, key=broken)
    assert caught.value.code == "MalformedPolicyDocumentException"


def test_a_grant_on_another_accounts_key_is_enough_by_itself(world: World) -> None:
    # Most likely real behaviour (unverified): grants need no IAM policy, even cross-account.
    foreign_arn = f"arn:aws:kms:{REGION}:444455556666:key/{KEY_ID}"
    app = create_principal(world, "app", kind="role")
    grant = SimpleNamespace(grant_id="g-1", grantee_principal=app.arn, operations=["Decrypt"], constraints=None)
    granted = key(default_key_policy("444455556666"), account_id="444455556666", arn=foreign_arn, grants=[grant])
    assert ctx_for(world, app).authorize("kms:Decrypt", foreign_arn, key=granted)["policyType"] == "grant"
    assert not allows(ctx_for(world, app), "kms:Encrypt", foreign_arn, key=granted)
