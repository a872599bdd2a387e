"""Side by side with moto (docs/migrating-from-moto.md): this plugin answers its services
whichever mock is active too, moto answers the services listed in ``passthrough``. moto is
never a dependency: skipped where it is not installed."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms import UnmockedServiceError, mock_ssm_kms

moto = pytest.importorskip("moto")


@pytest.mark.parametrize("moto_outside", [True, False])
def test_moto_answers_passthrough_services_and_we_answer_ours(moto_outside: bool) -> None:
    moto_mock = moto.mock_aws()
    ours = mock_ssm_kms(passthrough=["s3"])
    first, second = (moto_mock, ours) if moto_outside else (ours, moto_mock)
    with first, second:
        aws = ours.handle
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="my-bucket")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["my-bucket"]
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name="/app/pw", Value="s3cret", Type="SecureString")
        raw = ssm.get_parameter(Name="/app/pw")["Parameter"]["Value"]
        # Ours: KMS ciphertext (moto would answer "kms:alias/aws/ssm:s3cret").
        assert not raw.startswith("kms:")
        assert ssm.get_parameter(Name="/app/pw", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
        aws.trail.assert_called("PutParameter", times=1)
        assert not aws.trail.lookup(event_source="s3.amazonaws.com")
        with pytest.raises(UnmockedServiceError):
            boto3.client("sqs", region_name="us-east-1").list_queues()


def test_with_moto_alone_moto_answers_ssm() -> None:
    with moto.mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/app/pw", Value="s3cret", Type="SecureString")
        assert ssm.get_parameter(Name="/app/pw")["Parameter"]["Value"].startswith("kms:")


def test_ours_answer_even_when_moto_was_imported_first() -> None:
    # botocore calls every before-send handler and keeps the first answer: in a script that
    # imports moto before the plugin installs its hook, moto's handler is registered first.
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import boto3
        from moto import mock_aws
        from pytest_ssmkms import mock_ssm_kms

        with mock_aws(), mock_ssm_kms(passthrough=["s3"]):
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="my-bucket")
            ssm = boto3.client("ssm")
            ssm.put_parameter(Name="/a", Value="v", Type="SecureString")
            print(ssm.get_parameter(Name="/a")["Parameter"]["Value"][:4])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() != "kms:", done.stdout
