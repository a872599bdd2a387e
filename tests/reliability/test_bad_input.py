"""Property: whatever a caller sends, every implemented operation answers either a response
that fits its output shape or a modelled (or front-end) error; never a traceback, never a 5xx.

Requests are generated from each operation's botocore input shape with client-side validation
off, so out-of-range values, missing required members and wrong scalar types reach the mock.
The operations are read from the operation tables when the tests are collected: an operation
that lands later is covered without touching this file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.aws.trail.query import summary_lines
from tests.reliability.strategies import request_strategy
from tests.reliability.support import (
    KNOWN_BUGS,
    UNVALIDATED,
    Seeded,
    all_implemented,
    allowed_error_codes,
    error_code,
    model,
    response_problems,
    seed,
)
from tests.shapes import check_trail_outputs

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run and every machine
    database=None,
    suppress_health_check=list(HealthCheck),  # slow or large examples are the point here
)


def _hints(service: str, seeded: Seeded) -> dict[str, st.SearchStrategy[Any]]:
    hints: dict[str, st.SearchStrategy[Any]] = {}
    if seeded.key_refs():
        keys = st.sampled_from(seeded.key_refs())
        for member in ("KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId"):
            hints[member] = keys
    if seeded.aliases:
        hints["AliasName"] = st.sampled_from([*seeded.aliases, "alias/fresh", "alias/aws/other"])
    if service == "kms":
        hints["EncryptionContext"] = st.sampled_from([{"app": "rel"}, {"app": "other"}])
    if seeded.ciphertexts:
        hints["CiphertextBlob"] = st.sampled_from(seeded.ciphertexts)
    if service == "ssm" and seeded.names:
        names = st.sampled_from(seeded.names)
        hints["Name"] = names
        hints["ResourceId"] = names
        hints["Names"] = st.lists(names, min_size=1, max_size=11)
        hints["Path"] = st.sampled_from(["/rel", "/", "/rel/", "rel", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p"])
        hints["Labels"] = st.lists(st.sampled_from(["prod", "1bad", "aws-x", "ok_label", "x" * 101]), max_size=11)
    return hints


# A principal that may read parameters under /rel and use keys, conditionally: generated
# requests then also walk the authorizer's paths (conditions on missing or odd values).
RESTRICTED_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["ssm:Get*", "ssm:Describe*", "ssm:LabelParameterVersion"],
         "Resource": "arn:aws:ssm:*:*:parameter/rel/*"},
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:Describe*", "kms:List*"],
         "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:app": "rel"}}},
        {"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": "*",
         "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
        {"Effect": "Deny", "Action": "ssm:PutParameter", "Resource": "*"},
    ],
}


def check_operation(service: str, operation: str, caller: str, examples: int) -> None:
    allowed = allowed_error_codes(service, operation)
    method = xform_name(operation)
    problems: list[str] = []

    with mock_ssm_kms() as aws:
        seeded = seed(aws)
        if caller == "admin":
            client = aws.client(service, config=UNVALIDATED)
        else:
            client = aws.principal("restricted", RESTRICTED_POLICY).client(service, config=UNVALIDATED)
        sent: list[bool] = []
        client.meta.events.register("request-created", lambda **_: sent.append(True))
        strategy = request_strategy(model(service, operation).input_shape, _hints(service, seeded))

        @settings(PROPERTY_SETTINGS, max_examples=examples)
        @given(params=strategy)
        def answer_is_well_formed(params: dict[str, Any]) -> None:
            sent.clear()
            start = len(aws.trail.calls)
            places = aws.world.places()
            try:
                response = getattr(client, method)(**params)
            except ClientError as error:
                code = error_code(error)
                # A refused request creates no state: no backend for an account or region
                # it merely named (garbage grant tokens used to make one per token).
                assert aws.world.places() == places, f"{operation} refused but made {aws.world.places()[len(places):]}"
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                message = error.response.get("Error", {}).get("Message") or ""
                if any(sign in f"{code}: {message}" for sign in KNOWN_BUGS.get((service, operation), ())):
                    return
                assert status < 500, f"{operation} answered HTTP {status} ({code}: {message})"
                assert code in allowed, f"{operation} answered unmodelled {code}: {message}"
            except Exception as exc:
                if sent:
                    raise AssertionError(f"{operation} raised {type(exc).__name__} after sending: {exc}") from exc
                return  # botocore's own serializer refused the value: nothing reached us
            else:
                shape_problems = response_problems(service, operation, response)
                assert not shape_problems, f"{operation} response does not fit its shape: {shape_problems}"
            calls = aws.trail.calls[start:]
            wire = check_trail_outputs(calls)
            assert not wire, "\n".join(wire)
            # The trail must also turn whatever was sent into records, file lines and the
            # failure report's summary without crashing.
            json.dumps([call.event for call in calls])
            summary_lines(calls)

        try:
            answer_is_well_formed()
        except AssertionError as failure:
            problems.append(str(failure))
    assert not problems, problems[0]


@pytest.mark.parametrize(("service", "operation"), all_implemented())
def test_every_answer_is_a_fitting_response_or_a_modelled_error(service: str, operation: str) -> None:
    check_operation(service, operation, "admin", examples=25)


@pytest.mark.parametrize(("service", "operation"), all_implemented())
def test_restricted_caller_gets_fitting_responses_or_modelled_errors(service: str, operation: str) -> None:
    check_operation(service, operation, "restricted", examples=10)
