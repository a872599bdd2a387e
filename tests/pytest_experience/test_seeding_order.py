"""Keys declared in a state that refuses encryption still protect declared SecureStrings."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.mark.kms_key(alias="alias/off", state="Disabled")
@pytest.mark.ssm_parameter("/app/secret", "s3cret", type="SecureString", key_id="alias/off")
def test_disabled_key_with_a_secure_string_under_it(ssm_kms):
    assert ssm_kms.key_state("alias/off") == "Disabled"
    ssm = boto3.client("ssm")
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name="/app/secret", WithDecryption=True)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidKeyId"
    assert "is disabled." in error["Message"]
    ssm_kms.set_key_state("alias/off", "Enabled")
    assert ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    # Seeding is not recorded: only the two reads and their KMS calls are.
    assert [record["eventName"] for record in ssm_kms.trail] == [
        "GetParameter", "Decrypt", "GetParameter", "Decrypt",
    ]


@pytest.mark.kms_key(alias="alias/going", state="PendingDeletion")
@pytest.mark.ssm_parameter("/app/old", "v", type="SecureString", key_id="alias/going")
def test_key_pending_deletion_with_a_secure_string_under_it(ssm_kms):
    assert ssm_kms.key_state("alias/going") == "PendingDeletion"
    with pytest.raises(ClientError) as caught:
        boto3.client("ssm").get_parameter(Name="/app/old", WithDecryption=True)
    assert "is pending deletion." in caught.value.response["Error"]["Message"]
    # Without decryption the value is still readable as its ciphertext.
    assert boto3.client("ssm").get_parameter(Name="/app/old")["Parameter"]["Value"].startswith("AQICAH")
