"""The hook answers ssm and kms through real boto3 clients, wherever the client was made."""

from __future__ import annotations

import threading

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_ssmkms import UnmockedServiceError, mock_ssm_kms
from pytest_ssmkms.adapters.activation import active_world

# Made at import time, before any mock is active: code under test often does this.
MODULE_LEVEL_SSM = boto3.client("ssm", region_name="us-east-1")


def test_put_and_get_a_string_parameter(ssm_kms):
    ssm = boto3.client("ssm")
    assert ssm.put_parameter(Name="/a", Value="b", Type="String")["Version"] == 1
    parameter = ssm.get_parameter(Name="/a")["Parameter"]
    assert parameter["Value"] == "b"
    assert parameter["ARN"] == "arn:aws:ssm:us-east-1:123456789012:parameter/a"


def test_module_level_client_made_before_the_mock_is_answered(ssm_kms):
    MODULE_LEVEL_SSM.put_parameter(Name="/early", Value="bird", Type="String")
    assert MODULE_LEVEL_SSM.get_parameter(Name="/early")["Parameter"]["Value"] == "bird"


def test_client_without_the_hook_is_answered_by_the_transport_guard():
    # Sessions made after installation carry the hook; strip it from one client to stand for a
    # client whose session was created before the plugin was installed.
    from pytest_ssmkms.adapters.botocore_hook import before_send

    client = botocore.session.get_session().create_client(
        "ssm", region_name="us-east-1", aws_access_key_id="AKIAOLD", aws_secret_access_key="x"
    )
    client.meta.events.unregister("before-send", before_send)
    with mock_ssm_kms():
        client.put_parameter(Name="old", Value="client", Type="String")
        assert client.get_parameter(Name="old")["Parameter"]["Value"] == "client"


def test_client_created_without_any_credentials_is_signed_by_the_mock(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = botocore.session.Session().create_client("ssm", region_name="us-east-1")
    assert client._request_signer._credentials is None
    with mock_ssm_kms():
        client.put_parameter(Name="/unsigned", Value="ok", Type="String")
        assert client.get_parameter(Name="/unsigned")["Parameter"]["Value"] == "ok"


def test_missing_parameter_is_a_real_client_error(ssm_kms):
    with pytest.raises(ClientError) as caught:
        boto3.client("ssm").get_parameter(Name="/missing")
    assert caught.value.response["Error"]["Code"] == "ParameterNotFound"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.response["ResponseMetadata"]["RequestId"]


def test_any_region_and_custom_sessions(ssm_kms):
    west = boto3.Session(region_name="eu-west-1").client("ssm")
    west.put_parameter(Name="where", Value="eu", Type="String")
    arn = west.get_parameter(Name="where")["Parameter"]["ARN"]
    assert arn == "arn:aws:ssm:eu-west-1:123456789012:parameter/where"
    # Regions are separate stores, as in AWS.
    with pytest.raises(ClientError):
        boto3.client("ssm", region_name="us-east-1").get_parameter(Name="where")


def test_handle_client_answers_kms(ssm_kms):
    kms = ssm_kms.client("kms")
    key = kms.create_key(Description="mine")["KeyMetadata"]
    assert key["Arn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "mine"


def test_other_services_fail_fast_naming_the_service(ssm_kms):
    s3 = boto3.client("s3")
    with pytest.raises(UnmockedServiceError, match=r"s3 ListBuckets") as caught:
        s3.list_buckets()
    assert "passthrough" in str(caught.value)


def test_boto3_resources_of_other_services_are_refused_too(ssm_kms):
    # ssm and kms have no boto3 resources; a resource's client goes through the same hook.
    bucket = boto3.resource("s3").Bucket("anything")
    with pytest.raises(UnmockedServiceError, match="s3"):
        bucket.load()


def test_calls_from_threads_are_answered(ssm_kms):
    ssm = boto3.client("ssm")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            ssm.put_parameter(Name=f"/t/{i}", Value=str(i), Type="String")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [ssm.get_parameter(Name=f"/t/{i}")["Parameter"]["Value"] for i in range(16)] == [
        str(i) for i in range(16)
    ]


def test_a_fresh_nested_activation_is_a_separate_world_and_the_outer_resumes():
    with mock_ssm_kms() as outer:
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name="/outer", Value="1", Type="String")
        with mock_ssm_kms(region="us-west-2", fresh=True) as inner:
            assert active_world() is inner.world
            with pytest.raises(ClientError):
                ssm.get_parameter(Name="/outer")
            ssm.put_parameter(Name="/inner", Value="2", Type="String")
        assert active_world() is outer.world
        assert ssm.get_parameter(Name="/outer")["Parameter"]["Value"] == "1"
        with pytest.raises(ClientError):
            ssm.get_parameter(Name="/inner")
    assert active_world() is None


def test_unimplemented_operation_answers_a_clear_error(ssm_kms):
    with pytest.raises(ClientError) as caught:
        boto3.client("ssm").describe_instance_information()
    error = caught.value.response["Error"]
    assert error["Code"] == "UnknownOperationException"
    assert "DescribeInstanceInformation" in error["Message"]


def test_server_side_validation_that_botocore_skips(ssm_kms):
    ssm = boto3.client("ssm")
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name="x" * 2049)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048" in error["Message"]


def test_wrong_json_types_are_a_400_not_a_crash(ssm_kms):
    ssm = boto3.client("ssm", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name=12)
    assert caught.value.response["Error"]["Code"] == "SerializationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
