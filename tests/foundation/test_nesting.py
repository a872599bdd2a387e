"""Nested mocks join the active one (one AWS, as moto's nested mocks share a backend), unless
``fresh=True`` asks for a separate one; the outer mock owns the AWS and the environment."""

from __future__ import annotations

import os

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import PluginUsageError, mock_ssm_kms
from pytest_ssmkms.adapters.activation import active_world, active_worlds
from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID


@pytest.fixture
def clean_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_PROFILE", "outside-profile")


def test_an_inner_mock_shares_the_outer_state_trail_and_clock(clean_region: None) -> None:
    with mock_ssm_kms() as outer:
        key_id = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
        with mock_ssm_kms() as inner:
            assert inner.world is outer.world
            assert inner.trail is outer.trail and inner.clock is outer.clock
            assert active_worlds() == (outer.world,)
            ssm = boto3.client("ssm")
            ssm.put_parameter(Name="/joined", Value="v", Type="SecureString", KeyId=key_id)
            inner.clock.advance(days=1)
        # The inner one stopped; the outer still answers, with what the inner did.
        assert active_world() is outer.world
        got = boto3.client("ssm").get_parameter(Name="/joined", WithDecryption=True)
        assert got["Parameter"]["Value"] == "v"
        assert [r["eventName"] for r in outer.trail.lookup(event_source="ssm.amazonaws.com")] == [
            "PutParameter",
            "GetParameter",
        ]
        # The environment is still the mock's: the inner stop restored nothing.
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_ACCESS_KEY_ID"] == DEFAULT_ACCESS_KEY_ID
    assert active_world() is None
    assert os.environ["AWS_PROFILE"] == "outside-profile"


def test_the_outer_stop_ends_the_aws_even_with_an_inner_one_open(clean_region: None) -> None:
    outer, inner = mock_ssm_kms(), mock_ssm_kms()
    outer.start()
    handle = inner.start()
    assert inner.joined
    outer.stop()
    assert active_world() is None
    assert os.environ["AWS_PROFILE"] == "outside-profile"
    # The inner handle still reads the ended AWS's state; its stop changes nothing.
    assert handle.trail.lookup() == []
    inner.stop()
    assert not inner.joined
    assert active_world() is None and os.environ["AWS_PROFILE"] == "outside-profile"


def test_a_joined_mock_takes_the_outer_region_and_account() -> None:
    with mock_ssm_kms(region="eu-west-1", account_id="111122223333") as outer:
        with mock_ssm_kms() as inner:
            assert (inner.region, inner.account_id) == ("eu-west-1", "111122223333")
            # Asking for what the active AWS already has joins it too.
            with mock_ssm_kms(region="eu-west-1", account_id="111122223333") as same:
                assert same.world is outer.world


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        ({"region": "us-west-2"}, "region='us-west-2': this mock_ssm_kms starts while another is"
         " active (its region is 'us-east-1') and joins it, as nested mocks share one AWS. Leave"
         " region out to join it, or pass fresh=True for a separate, empty AWS."),
        ({"account_id": "111122223333"}, "account_id='111122223333': "),
        ({"passthrough": ["s3"]}, "passthrough=['s3']: "),
        ({"enforce_permissions": False}, "enforce_permissions=False: "),
        ({"deterministic": 7}, "deterministic=7: "),
    ],
)
def test_an_inner_mock_asking_for_other_settings_is_refused(
    clean_region: None, asked: dict[str, object], words: str
) -> None:
    with mock_ssm_kms() as outer:
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name="/kept", Value="1", Type="String")
        with pytest.raises(PluginUsageError) as caught:
            mock_ssm_kms(**asked).start()  # type: ignore[arg-type]
        assert str(caught.value).startswith(words)
        # Refused: the outer AWS is untouched and still the only one.
        assert active_worlds() == (outer.world,)
        assert ssm.get_parameter(Name="/kept")["Parameter"]["Value"] == "1"


def test_fresh_nested_inside_a_joined_mock_and_back() -> None:
    with mock_ssm_kms() as outer:
        boto3.client("ssm").put_parameter(Name="/a", Value="1", Type="String")
        with mock_ssm_kms():
            with mock_ssm_kms(fresh=True, account_id="111122223333") as separate:
                assert separate.world is not outer.world
                with pytest.raises(ClientError):
                    boto3.client("ssm").get_parameter(Name="/a")
                # A mock started now joins the innermost: the separate one.
                with mock_ssm_kms() as joined:
                    assert joined.world is separate.world
            assert boto3.client("ssm").get_parameter(Name="/a")["Parameter"]["Value"] == "1"


def test_fresh_must_be_a_bool() -> None:
    with pytest.raises(PluginUsageError, match="fresh must be True or False, got 'yes'"):
        mock_ssm_kms(fresh="yes")  # type: ignore[arg-type]


def test_decorated_functions_join_the_active_mock() -> None:
    @mock_ssm_kms()
    def read() -> str:
        return str(boto3.client("ssm").get_parameter(Name="/d")["Parameter"]["Value"])

    with mock_ssm_kms():
        boto3.client("ssm").put_parameter(Name="/d", Value="seen", Type="String")
        assert read() == "seen"
        assert read() == "seen"  # a decorator is used again: each call joins anew


def test_a_passthrough_typo_fails_at_once_with_a_guess() -> None:
    with pytest.raises(PluginUsageError) as caught:
        mock_ssm_kms(passthrough=["s3", "sqss"])
    assert str(caught.value) == (
        "passthrough names 'sqss', not a botocore service name (as in boto3.client('s3'));"
        " did you mean sqs?"
    )
    mock_ssm_kms(passthrough=["s3", "sqs", "secretsmanager"])  # real names are fine
