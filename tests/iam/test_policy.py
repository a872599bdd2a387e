"""Policy documents: what parses, and what is refused with a message naming the defect."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ssmkms.aws.iam import PolicyError, validate_policy_document
from pytest_ssmkms.aws.iam.policy import parse_policy

ALLOW_ALL_KEY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}],
}


def test_identity_policy_parses_from_dict_and_json() -> None:
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}}
    from_dict = parse_policy(document, resource_policy=False)
    from_text = parse_policy(json.dumps(document), resource_policy=False)
    assert from_dict.statements == from_text.statements
    assert from_dict.statements[0].actions == ("ssm:GetParameter",)
    assert from_dict.statements[0].source == document["Statement"]


def test_version_2008_turns_off_policy_variables() -> None:
    old = parse_policy({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, resource_policy=False)
    assert old.version == "2008-10-17"
    assert not old.statements[0].variables


def test_key_policy_principal_forms() -> None:
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [
                            "111122223333",
                            "arn:aws:iam::111122223333:root",
                            "arn:aws:iam::111122223333:user/alice",
                            "arn:aws:iam::111122223333:role/app",
                            "arn:aws:sts::111122223333:assumed-role/app/session",
                        ],
                        "Service": "ssm.amazonaws.com",
                    },
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                },
            ],
        },
        resource_policy=True,
    )
    assert policy.statements[0].principals is not None and policy.statements[0].principals.everyone
    named = policy.statements[1].principals
    assert named is not None and not named.everyone and len(named.aws) == 5 and named.services == ("ssm.amazonaws.com",)


def test_validate_policy_document_accepts_a_valid_key_policy() -> None:
    validate_policy_document(json.dumps(ALLOW_ALL_KEY))


def statement(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        (json.dumps({"Version": "2012-10-17"}), "no Statement"),
        (json.dumps({"Version": "2012-10-17", "Statement": []}), "Statement list is empty"),
        (json.dumps({"Version": "2019-01-01", "Statement": [statement()]}), "Version must be one of"),
        (json.dumps({"Version": "2012-10-17", "Statement": [statement()], "Condition": {}}), "unknown policy element"),
        (json.dumps({"Statement": ["text"]}), "must be a JSON object"),
        (json.dumps({"Statement": [statement(Effect="Permit")]}), "Effect must be"),
        (json.dumps({"Statement": [statement(Action=None)]}), "needs an Action or NotAction"),
        (json.dumps({"Statement": [statement(NotAction="kms:Decrypt")]}), "either Action or NotAction"),
        (json.dumps({"Statement": [statement(Action="kms:Dec:rypt")]}), "invalid action"),
        (json.dumps({"Statement": [statement(Action="Decrypt")]}), "invalid action"),
        (json.dumps({"Statement": [statement(Action=[])]}), "must not be empty"),
        (json.dumps({"Statement": [statement(Action=[1])]}), "string or a list of strings"),
        (json.dumps({"Statement": [statement(Resource=None)]}), "must contain resources"),
        (json.dumps({"Statement": [statement(Principal=None)]}), "must name a Principal"),
        (json.dumps({"Statement": [statement(NotPrincipal={"AWS": "*"})]}), "either Principal or NotPrincipal"),
        (json.dumps({"Statement": [statement(Principal={"AWS": "alice"})]}), "invalid principals"),
        (json.dumps({"Statement": [statement(Principal={"AWS": "arn:aws:iam::1234:user/x"})]}), "invalid principals"),
        (json.dumps({"Statement": [statement(Principal={"Service": "not a service"})]}), "invalid principals"),
        (json.dumps({"Statement": [statement(Principal={"Robots": "x"})]}), "unknown principal type"),
        (json.dumps({"Statement": [statement(Principal="everyone")]}), "invalid principals"),
        (json.dumps({"Statement": [statement(Sid="a"), statement(Sid="a")]}), "must be unique"),
        (json.dumps({"Statement": [statement(Sid=5)]}), "Sid must be a string"),
        (json.dumps({"Statement": [statement(Extra=1)]}), "unknown element"),
        (json.dumps({"Statement": [statement(Condition=[])]}), "Condition must be an object"),
        (json.dumps({"Statement": [statement(Condition={"StringEqualz": {"aws:username": "a"}})]}), "unknown condition operator"),
        (json.dumps({"Statement": [statement(Condition={"StringEquals": {}})]}), "must map condition keys"),
        (json.dumps({"Statement": [statement(Condition={"StringEquals": {"username": "a"}})]}), "must look like"),
        (json.dumps({"Statement": [statement(Condition={"StringEquals": {"aws:username": []}})]}), "has no values"),
        (json.dumps({"Statement": [statement(Condition={"StringEquals": {"aws:username": {"a": 1}}})]}), "value of type dict"),
        (json.dumps({"Statement": [statement(Condition={"NumericLessThan": {"aws:EpochTime": "soon"}})]}), "takes numbers"),
    ],
)
def test_malformed_key_policies_are_refused(document: str, problem: str) -> None:
    with pytest.raises(PolicyError, match=problem):
        validate_policy_document(document)


def test_identity_policy_may_not_name_a_principal() -> None:
    with pytest.raises(PolicyError, match="should not specify a principal"):
        parse_policy({"Statement": [statement()]}, resource_policy=False)


def test_errors_name_the_statement() -> None:
    with pytest.raises(PolicyError, match=r"statement 2 \(Second\)"):
        parse_policy(
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "Second", "Effect": "Nope", "Action": "*", "Resource": "*"}]},
            resource_policy=False,
        )
