"""The README's first test, as it stands there."""

import boto3


def test_reads_config(ssm_kms):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/a", Value="b", Type="String")
    assert ssm.get_parameter(Name="/a")["Parameter"]["Value"] == "b"
