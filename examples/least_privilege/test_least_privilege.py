"""Least privilege, proven: each seed-document policy allows what it should, denies the rest.

The whole module runs in the seed document's account and region, with its customer managed
key and a few parameters preseeded by markers (seeding is trusted and not recorded).
"""

import base64

import boto3
import pytest
from botocore.exceptions import ClientError

from .policies import KEY_ARN, KEY_ID, MY_PARAMETER_ONLY, READABLE_PARAMETERS

pytestmark = [
    pytest.mark.ssm_kms(region="us-west-2", account_id="111122223333"),
    pytest.mark.kms_key(key_id=KEY_ID, alias="alias/app-params"),
    pytest.mark.kms_key(alias="alias/other-team"),
    pytest.mark.ssm_parameter(
        "/ReadableParameters/db-password", "s3cret", type="SecureString", key_id=KEY_ID
    ),
    pytest.mark.ssm_parameter("/ReadableParameters/db-host", "db.internal"),
    pytest.mark.ssm_parameter(
        "/ReadableParameters/other-team-token", "t0ken", type="SecureString",
        key_id="alias/other-team",
    ),
    pytest.mark.ssm_parameter("/Private/admin-password", "adm1n", type="SecureString", key_id=KEY_ID),
    pytest.mark.ssm_parameter("MyParameter", "secret_value", type="SecureString", key_id=KEY_ID),
    pytest.mark.ssm_parameter("OtherParameter", "other_value", type="SecureString", key_id=KEY_ID),
]


def error_code(raised):
    return raised.value.response["Error"]["Code"]


class TestReadableParametersPolicy:
    @pytest.fixture
    def ssm(self, ssm_kms):
        return ssm_kms.principal("reader", READABLE_PARAMETERS).session().client("ssm")

    def test_reads_and_decrypts_under_the_path(self, ssm):
        got = ssm.get_parameter(Name="/ReadableParameters/db-password", WithDecryption=True)
        assert got["Parameter"]["Value"] == "s3cret"
        assert ssm.get_parameter(Name="/ReadableParameters/db-host")["Parameter"]["Value"] == "db.internal"

    def test_get_parameter_star_covers_get_parameters_and_by_path(self, ssm):
        names = ["/ReadableParameters/db-password", "/ReadableParameters/db-host"]
        got = ssm.get_parameters(Names=names, WithDecryption=True)
        assert sorted(p["Value"] for p in got["Parameters"]) == ["db.internal", "s3cret"]
        history = ssm.get_parameter_history(Name="/ReadableParameters/db-host")
        assert history["Parameters"][0]["Value"] == "db.internal"

    def test_denies_parameters_outside_the_path(self, ssm):
        with pytest.raises(ClientError) as raised:
            ssm.get_parameter(Name="/Private/admin-password", WithDecryption=True)
        assert error_code(raised) == "AccessDeniedException"
        assert "is not authorized to perform: ssm:GetParameter" in str(raised.value)

    def test_denies_writes(self, ssm):
        with pytest.raises(ClientError) as raised:
            ssm.put_parameter(
                Name="/ReadableParameters/db-host", Value="evil", Type="String", Overwrite=True
            )
        assert error_code(raised) == "AccessDeniedException"

    def test_denies_decryption_with_another_key(self, ssm):
        # ssm:GetParameter is allowed on the path, but kms:Decrypt only on the one key.
        with pytest.raises(ClientError) as raised:
            ssm.get_parameter(Name="/ReadableParameters/other-team-token", WithDecryption=True)
        assert error_code(raised) == "AccessDeniedException"
        # Without decryption the (encrypted) value is readable: only KMS said no.
        raw = ssm.get_parameter(Name="/ReadableParameters/other-team-token")["Parameter"]["Value"]
        assert raw != "t0ken"

    def test_allows_only_decrypt_on_the_key(self, ssm_kms):
        kms = ssm_kms.principal("reader", READABLE_PARAMETERS).session().client("kms")
        with pytest.raises(ClientError) as raised:
            kms.encrypt(KeyId=KEY_ARN, Plaintext=b"forged")
        assert error_code(raised) == "AccessDeniedException"

    def test_the_denied_call_is_in_the_trail(self, ssm, ssm_kms):
        with pytest.raises(ClientError):
            ssm.get_parameter(Name="/Private/admin-password")
        (denied,) = ssm_kms.trail.lookup(event_name="GetParameter", username="reader")
        assert denied["errorCode"] == "AccessDeniedException"
        # The record also says which policy decided, so a failing test shows why.
        assert denied["pytestSsmKmsDecision"]["effect"] == "ImplicitDeny"


class TestMyParameterPolicy:
    @pytest.fixture
    def session(self, ssm_kms):
        return ssm_kms.principal("narrow", MY_PARAMETER_ONLY).session()

    def test_reads_and_decrypts_my_parameter(self, session):
        got = session.client("ssm").get_parameter(Name="MyParameter", WithDecryption=True)
        assert got["Parameter"]["Value"] == "secret_value"

    def test_denies_any_other_parameter(self, session):
        with pytest.raises(ClientError) as raised:
            session.client("ssm").get_parameter(Name="OtherParameter")
        assert error_code(raised) == "AccessDeniedException"

    def test_encryption_context_condition_narrows_decrypt(self, session, ssm_kms):
        # The administrator reads both ciphertexts; the narrow user then calls KMS directly,
        # as the seed document describes ("with the correct encryption context").
        admin = boto3.client("ssm")
        mine = admin.get_parameter(Name="MyParameter")["Parameter"]
        other = admin.get_parameter(Name="OtherParameter")["Parameter"]
        kms = session.client("kms")
        plain = kms.decrypt(
            CiphertextBlob=base64.b64decode(mine["Value"]),
            EncryptionContext={"PARAMETER_ARN": mine["ARN"]},
        )["Plaintext"]
        assert plain == b"secret_value"

        # Same key, same user, another parameter's context: the condition does not match.
        with pytest.raises(ClientError) as raised:
            kms.decrypt(
                CiphertextBlob=base64.b64decode(other["Value"]),
                EncryptionContext={"PARAMETER_ARN": other["ARN"]},
            )
        assert error_code(raised) == "AccessDeniedException"

    def test_ssm_decrypts_under_the_parameter_arn_context(self, session, ssm_kms):
        session.client("ssm").get_parameter(Name="MyParameter", WithDecryption=True)
        (decrypt,) = ssm_kms.trail.lookup(event_name="Decrypt", username="narrow")
        assert decrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
        assert decrypt["requestParameters"]["encryptionContext"] == {
            "PARAMETER_ARN": "arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter"
        }
