"""Reproducers of bugs the reliability tests found, in code owned by others and in the
foundation. All are fixed today and stay as regression tests.

A new bug goes in as a strict xfail: it fails, deterministically; once fixed it passes,
strict xfail turns that into a failure, and whoever fixed it removes the mark here (and the
matching entry of ``support.KNOWN_BUGS``, if the property tests needed one)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.reliability.support import UNVALIDATED, allowed_error_codes, error_code


# Fixed: kms Decrypt/ReEncrypt without CiphertextBlob (optional in botocore's model) answer
# ValidationException.
@pytest.mark.parametrize("operation", ["decrypt", "re_encrypt"])
def test_decrypt_without_ciphertext_is_a_validation_error(ssm_kms, operation):
    kms = ssm_kms.client("kms", config=UNVALIDATED)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    extra = {"DestinationKeyId": key_id} if operation == "re_encrypt" else {}
    with pytest.raises(ClientError) as caught:
        getattr(kms, operation)(**extra)
    assert error_code(caught.value) == "ValidationException"


# Fixed: kms UpdateAlias with a malformed name answers NotFoundException (modelled).
def test_update_alias_with_a_bad_name_answers_a_modelled_error(ssm_kms):
    kms = ssm_kms.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/", TargetKeyId=key_id)
    assert error_code(caught.value) in allowed_error_codes("kms", "UpdateAlias")


# Fixed: the trail's report section kept lone surrogates from request names, so xdist could
# not send the report (UnicodeEncodeError) and the worker died with INTERNALERROR. The protocol
# layer now refuses strings with lone surrogates before they reach handlers or the trail.
def test_failing_test_with_a_surrogate_name_is_reported_under_xdist(pytester):
    pytester.makepyfile(
        """
        import boto3, pytest
        from botocore.config import Config
        from botocore.exceptions import ClientError

        def test_fails(ssm_kms):
            ssm = boto3.client("ssm", config=Config(parameter_validation=False))
            with pytest.raises(ClientError):
                ssm.get_parameter(Name="bad\\ud800name")
            assert False, "the test's own failure"
        """
    )
    result = pytester.runpytest_subprocess("-n", "1", "-p", "no:cacheprovider")
    assert "INTERNALERROR" not in result.stdout.str()
    result.assert_outcomes(failed=1)


DEEP_LIST = "[" * 4096
DEEP_OBJECT = '{"a":' * 20_000 + "1" + "}" * 20_000
DEEP_CONDITION = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, '
    '"Action": "kms:*", "Resource": "*", "Condition": {"StringEquals": '
    + '{"a":' * 500 + '"x"' + "}" * 500
    + "}}]}"
)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("kms", "create_key", {"Policy": DEEP_LIST}),
        ("kms", "create_key", {"Policy": DEEP_OBJECT}),
        ("kms", "create_key", {"Policy": DEEP_CONDITION}),
        ("kms", "put_key_policy", {"PolicyName": "default", "Policy": DEEP_OBJECT}),
        ("kms", "put_key_policy", {"PolicyName": "default", "Policy": DEEP_CONDITION}),
        ("ssm", "put_parameter", {"Name": "/deep", "Value": "v", "Type": "String", "Tier": "Advanced", "Policies": DEEP_LIST}),
    ],
    ids=["create-key-list", "create-key-object", "create-key-condition", "put-policy-object", "put-policy-condition", "ssm-policies-list"],
)
def test_deeply_nested_policy_documents_are_a_clear_error(ssm_kms, service, operation, params):
    client = ssm_kms.client(service)
    if operation == "put_key_policy":
        params = {**params, "KeyId": ssm_kms.client("kms").create_key()["KeyMetadata"]["KeyId"]}
    with pytest.raises(ClientError) as caught:
        getattr(client, operation)(**params)
    model_name = "".join(part.title() for part in operation.split("_"))
    assert error_code(caught.value) in allowed_error_codes(service, model_name)


def test_principal_with_a_deeply_nested_policy_is_a_usage_error(ssm_kms):
    from pytest_ssmkms import PluginUsageError

    with pytest.raises(PluginUsageError):
        ssm_kms.principal("deep", DEEP_CONDITION)


def test_building_records_of_many_unknown_operations_keeps_no_memory(monkeypatch):
    import gc
    import tracemalloc

    from pytest_ssmkms import mock_ssm_kms
    from pytest_ssmkms.adapters import activation as interception
    from tests.reliability.test_raw_bodies import send

    monkeypatch.setattr(interception, "activation_listeners", [])  # no pytest trail collector
    with mock_ssm_kms() as aws:
        for index in range(100):
            send("kms", f"Warm{index}", b"{}")
        list(aws.trail)
        aws.trail.clear()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for index in range(5_000):
                send("kms", f"NoSuchOperation{index:05d}", b"{}")
                if index % 500 == 499:
                    list(aws.trail)  # build the records, as a report or lookup would
                    aws.trail.clear()
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert grown < 300_000, f"{grown} bytes kept after building 5,000 records of unknown operations"


def test_an_advance_out_of_range_leaves_the_mock_working(ssm_kms):
    with pytest.raises((OverflowError, ValueError)):
        ssm_kms.clock.advance(days=3_000_000)
    ssm = ssm_kms.client("ssm")
    ssm.put_parameter(Name="/after-overflow", Value="v", Type="String")
    assert ssm.get_parameter(Name="/after-overflow")["Parameter"]["Value"] == "v"
