"""Seeding markers as a user writes them: keys and parameters in place before the test body."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.pytest_experience.runner import run

pytest_plugins = ["pytester"]

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.kms_key(
    alias="alias/app",
    key_id=KEY_ID,
    description="app key",
    tags={"team": "payments"},
)
@pytest.mark.kms_key(alias="alias/off", state="Disabled")
def test_kms_key_marker_creates_the_key_with_its_attributes(ssm_kms):
    kms = boto3.client("kms")
    metadata = kms.describe_key(KeyId="alias/app")["KeyMetadata"]
    assert metadata["KeyId"] == KEY_ID
    assert metadata["Arn"] == f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"
    assert (metadata["Description"], metadata["KeyState"]) == ("app key", "Enabled")
    assert kms.list_resource_tags(KeyId=KEY_ID)["Tags"] == [{"TagKey": "team", "TagValue": "payments"}]
    assert kms.describe_key(KeyId="alias/off")["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(kms.exceptions.DisabledException):
        kms.encrypt(KeyId="alias/off", Plaintext=b"x")


@pytest.mark.kms_key(alias="alias/going", state="PendingDeletion")
@pytest.mark.kms_key(alias="alias/rotating", rotation=True)
@pytest.mark.kms_key(
    alias="alias/signing", key_spec="RSA_2048", key_usage="SIGN_VERIFY", description="signer"
)
def test_kms_key_marker_states_rotation_and_specs(ssm_kms):
    kms = boto3.client("kms")
    going = kms.describe_key(KeyId="alias/going")["KeyMetadata"]
    assert going["KeyState"] == "PendingDeletion"
    assert "DeletionDate" in going
    # GetKeyRotationStatus takes a key id or ARN, not an alias, as in AWS
    rotating = kms.describe_key(KeyId="alias/rotating")["KeyMetadata"]["KeyId"]
    assert kms.get_key_rotation_status(KeyId=rotating)["KeyRotationEnabled"] is True
    signing = kms.describe_key(KeyId="alias/signing")["KeyMetadata"]
    assert (signing["KeySpec"], signing["KeyUsage"]) == ("RSA_2048", "SIGN_VERIFY")


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}


@pytest.mark.kms_key(alias="alias/dict-policy", policy=POLICY)
@pytest.mark.kms_key(alias="alias/text-policy", policy=json.dumps(POLICY))
def test_kms_key_marker_takes_a_policy_as_dict_or_json(ssm_kms):
    kms = boto3.client("kms")
    for alias in ("alias/dict-policy", "alias/text-policy"):
        key_id = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
        policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
        assert json.loads(policy) == POLICY


@pytest.mark.kms_key(alias="alias/app")
@pytest.mark.ssm_parameter("/app/db/host", "db.internal")
@pytest.mark.ssm_parameter("/app/db/pw", "s3cret", type="SecureString", key_id="alias/app")
@pytest.mark.ssm_parameter("/app/hosts", ["a", "b"])
def test_ssm_parameter_marker_puts_values_secure_strings_go_through_kms(ssm_kms):
    ssm = boto3.client("ssm")
    assert ssm.get_parameter(Name="/app/db/host")["Parameter"]["Value"] == "db.internal"
    secret = ssm.get_parameter(Name="/app/db/pw", WithDecryption=True)["Parameter"]
    assert (secret["Type"], secret["Value"]) == ("SecureString", "s3cret")
    assert ssm.get_parameter(Name="/app/db/pw")["Parameter"]["Value"] != "s3cret"
    described = ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": ["/app/db/pw"]}]
    )["Parameters"][0]
    key_id = boto3.client("kms").describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"]
    assert described["KeyId"] in ("alias/app", key_id)
    hosts = ssm.get_parameter(Name="/app/hosts")["Parameter"]
    assert (hosts["Type"], hosts["Value"]) == ("StringList", "a,b")


@pytest.mark.ssm_parameter("/app/secret", "s3cret", type="SecureString")
def test_secure_string_without_key_uses_aws_ssm(ssm_kms):
    parameter = boto3.client("ssm").get_parameter(Name="/app/secret", WithDecryption=True)
    assert parameter["Parameter"]["Value"] == "s3cret"
    assert boto3.client("kms").describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyManager"] == "AWS"


@pytest.mark.ssm_parameter(
    "/app/flag",
    "v3",
    history=["v1", "v2"],
    labels=["prod"],
    description="a flag",
    tier="Advanced",
    tags={"team": "payments"},
    allowed_pattern="^v[0-9]+$",
    data_type="text",
)
def test_ssm_parameter_marker_history_labels_and_attributes(ssm_kms):
    ssm = boto3.client("ssm")
    parameter = ssm.get_parameter(Name="/app/flag")["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == ("v3", 3)
    history = ssm.get_parameter_history(Name="/app/flag")["Parameters"]
    assert [entry["Value"] for entry in history] == ["v1", "v2", "v3"]
    assert ssm.get_parameter(Name="/app/flag:prod")["Parameter"]["Value"] == "v3"
    described = ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": ["/app/flag"]}]
    )["Parameters"][0]
    assert (described["Description"], described["Tier"]) == ("a flag", "Advanced")
    assert described["AllowedPattern"] == "^v[0-9]+$"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/flag")["TagList"]
    assert tags == [{"Key": "team", "Value": "payments"}]


@pytest.mark.kms_key(alias="alias/eu", region="eu-west-1")
@pytest.mark.ssm_parameter("/eu/only", "x", region="eu-west-1")
def test_markers_seed_another_region(ssm_kms):
    eu_ssm = boto3.client("ssm", region_name="eu-west-1")
    assert eu_ssm.get_parameter(Name="/eu/only")["Parameter"]["Value"] == "x"
    with pytest.raises(boto3.client("ssm").exceptions.ParameterNotFound):
        boto3.client("ssm").get_parameter(Name="/eu/only")
    arn = boto3.client("kms", region_name="eu-west-1").describe_key(KeyId="alias/eu")
    assert ":eu-west-1:" in arn["KeyMetadata"]["Arn"]


@pytest.mark.kms_key(alias="alias/app")
@pytest.mark.ssm_parameter("/app/pw", "s3cret", type="SecureString", key_id="alias/app")
def test_seeding_is_not_in_the_trail(ssm_kms):
    assert len(ssm_kms.trail) == 0
    boto3.client("ssm").get_parameter(Name="/app/pw", WithDecryption=True)
    # Only what the test did: its GetParameter, and the Decrypt SSM made for it.
    assert sorted(record["eventName"] for record in ssm_kms.trail) == ["Decrypt", "GetParameter"]


def test_a_marker_alone_activates_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        @pytest.mark.ssm_parameter("/app/x", "1")
        def test_no_fixture_named(request):
            assert boto3.client("ssm").get_parameter(Name="/app/x")["Parameter"]["Value"] == "1"
            # the fixture is there for whoever wants the handle
            assert len(request.getfixturevalue("ssm_kms").trail) == 1

        @pytest.fixture
        def settings():
            # a fixture of the test that reads the seeded state while it is set up
            return boto3.client("ssm").get_parameter(Name="/app/x")["Parameter"]["Value"]

        @pytest.mark.ssm_parameter("/app/x", "2")
        def test_other_fixtures_see_the_seeded_state(settings):
            assert settings == "2"

        @pytest.mark.ssm_kms(region="eu-west-1")
        def test_configuration_marker_alone():
            assert boto3.client("ssm").meta.region_name == "eu-west-1"
            boto3.client("ssm").put_parameter(Name="/p", Value="v", Type="String")

        def test_no_marker_no_mock():
            from pytest_ssmkms.adapters.activation import active_world
            assert active_world() is None
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_markers_on_module_class_and_test_combine_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        pytestmark = [
            pytest.mark.ssm_kms(region="eu-west-1"),
            pytest.mark.kms_key(alias="alias/module"),
            pytest.mark.ssm_parameter("/level", "module"),
            pytest.mark.ssm_parameter("/module/only", "m"),
        ]

        def value(name):
            return boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]

        @pytest.mark.ssm_kms(region="ap-south-1")
        @pytest.mark.ssm_parameter("/level", "class")
        @pytest.mark.ssm_parameter("/class/only", "c")
        class TestLevels:
            def test_class_overrides_module(self, ssm_kms):
                assert ssm_kms.region == "ap-south-1"
                assert (value("/level"), value("/module/only"), value("/class/only")) == ("class", "m", "c")

            @pytest.mark.ssm_kms(region="us-west-2")
            @pytest.mark.ssm_parameter("/level", "test", type="SecureString", key_id="alias/module")
            def test_test_overrides_class(self, ssm_kms):
                assert ssm_kms.region == "us-west-2"
                got = boto3.client("ssm").get_parameter(Name="/level", WithDecryption=True)
                assert (got["Parameter"]["Value"], got["Parameter"]["Version"]) == ("test", 1)
                assert value("/class/only") == "c"

        def test_module_level_only(ssm_kms):
            assert ssm_kms.region == "eu-west-1"
            assert value("/level") == "module"
            with pytest.raises(boto3.client("ssm").exceptions.ParameterNotFound):
                value("/class/only")
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_closest_kms_key_declaration_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        pytestmark = pytest.mark.kms_key(alias="alias/app", description="module")

        @pytest.mark.kms_key(alias="alias/app", description="test", state="Disabled")
        def test_override(ssm_kms):
            metadata = boto3.client("kms").describe_key(KeyId="alias/app")["KeyMetadata"]
            assert (metadata["Description"], metadata["KeyState"]) == ("test", "Disabled")
            assert ssm_kms.key_state("alias/app") == "Disabled"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_markers_are_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.kms_key(alias="alias/a")
        @pytest.mark.ssm_parameter("/a", "b")
        @pytest.mark.ssm_parameters({})
        @pytest.mark.ssm_kms()
        def test_it():
            pass
        """
    )
    result = run(pytester, "--strict-markers", "--collect-only", "-q")
    assert result.ret == 0
    help_result = run(pytester, "--markers")
    help_result.stdout.fnmatch_lines(
        [
            "@pytest.mark.kms_key(alias=None, key_id=None, *",
            "@pytest.mark.ssm_parameter(name, value, type='String', *",
            "@pytest.mark.ssm_parameters(*paths, region=None)*",
        ]
    )


@pytest.mark.ssm_parameter("/same/slot", "class")
@pytest.mark.kms_key(alias="alias/same")
class TestExplicitDefaultRegion:
    @pytest.mark.ssm_parameter("/same/slot", "test", region="us-east-1")
    @pytest.mark.kms_key(alias="alias/same", description="test", region="us-east-1")
    def test_is_the_same_declaration_as_no_region(self, ssm_kms):
        parameter = boto3.client("ssm").get_parameter(Name="/same/slot")["Parameter"]
        assert (parameter["Value"], parameter["Version"]) == ("test", 1)
        assert boto3.client("kms").describe_key(KeyId="alias/same")["KeyMetadata"]["Description"] == "test"
