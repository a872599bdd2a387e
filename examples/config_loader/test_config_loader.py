"""The config loader against an in-memory Parameter Store: preseeded with markers."""

import boto3
import pytest

from .app import ConfigError, load_settings

# The production tree, shared by the tests below. Markers seed before the test runs and are
# not recorded in the trail: the trail shows only what the app did.
KEY = pytest.mark.kms_key(alias="alias/myapp", description="myapp settings")
URL = pytest.mark.ssm_parameter("/myapp/prod/database/url", "postgres://db.internal:5432/myapp")
PASSWORD = pytest.mark.ssm_parameter(
    "/myapp/prod/database/password", "s3cret-pw", type="SecureString", key_id="alias/myapp"
)
HOSTS = pytest.mark.ssm_parameter(
    "/myapp/prod/allowed_hosts", "example.com,www.example.com", type="StringList"
)
STAGING = pytest.mark.ssm_parameter("/myapp/staging/database/url", "postgres://staging/myapp")


@KEY
@URL
@PASSWORD
@HOSTS
@STAGING
def test_loads_the_environment_tree_with_decryption(ssm_kms):
    settings = load_settings("prod")

    assert settings.database_url == "postgres://db.internal:5432/myapp"
    assert settings.database_password == "s3cret-pw"
    assert settings.allowed_hosts == ("example.com", "www.example.com")
    assert settings.debug is False
    assert "s3cret-pw" not in repr(settings)
    # The password was decrypted by KMS on the app's behalf, under its encryption context.
    ssm_kms.trail.assert_called("Decrypt", times=1, event_source="kms")


@KEY
@URL
@PASSWORD
@HOSTS
@pytest.mark.ssm_parameter("/myapp/prod/debug", "true")
def test_optional_setting_overrides_the_default(ssm_kms):
    assert load_settings("prod").debug is True


@pytest.mark.ssm_parameter("/myapp/prod/allowed_hosts", "only.example.com", type="StringList")
@KEY
@URL
@PASSWORD
def test_string_list_with_one_element(ssm_kms):
    assert load_settings("prod").allowed_hosts == ("only.example.com",)


@KEY
@URL
@HOSTS
def test_missing_parameter_is_named(ssm_kms):
    with pytest.raises(ConfigError, match=r"missing parameter\(s\) under /myapp/prod/: database/password"):
        load_settings("prod")


def test_unknown_environment_has_everything_missing(ssm_kms):
    with pytest.raises(ConfigError, match="database/url, database/password, allowed_hosts"):
        load_settings("qa")


@KEY
@URL
@PASSWORD
@HOSTS
def test_disabled_key_is_reported_as_aws_does(ssm_kms):
    # The seed's troubleshooting case: "The CMK is not enabled. When this occurs, Parameter
    # Store returns an InvalidKeyId exception with a detailed error message from AWS KMS."
    # The key is disabled after seeding (a disabled key cannot encrypt the seeded value).
    ssm_kms.set_key_state("alias/myapp", "Disabled")
    with pytest.raises(ConfigError, match="is disabled") as raised:
        load_settings("prod")
    assert raised.value.__cause__.response["Error"]["Code"] == "InvalidKeyId"


@KEY
@URL
@PASSWORD
@HOSTS
def test_key_pending_deletion_is_reported(ssm_kms):
    ssm_kms.set_key_state("alias/myapp", "PendingDeletion", pending_window_days=7)
    with pytest.raises(ConfigError, match="is pending deletion"):
        load_settings("prod")


@KEY
@URL
@PASSWORD
@HOSTS
def test_re_enabling_the_key_fixes_it(ssm_kms):
    kms = boto3.client("kms")
    key_id = kms.describe_key(KeyId="alias/myapp")["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ConfigError):
        load_settings("prod")

    kms.enable_key(KeyId=key_id)
    assert load_settings("prod").database_password == "s3cret-pw"
