"""No secret in any record, repr, listing or assertion message, whatever the outcome."""

from __future__ import annotations

import base64
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms
from pytest_ssmkms.aws.trail import TrailAssertionError
from tests.trail.support import SECRET, dump


def attempt(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except ClientError:
        return None


def test_secrets_stay_out_of_every_record_and_message(ssm_kms: SsmKms) -> None:
    ssm, kms = boto3.client("ssm"), boto3.client("kms")
    attempt(ssm.put_parameter, Name="/big", Value=SECRET * 200, Type="SecureString")  # too long
    attempt(ssm.put_parameter, Name="/p", Value=SECRET, Type="String", AllowedPattern="^[0-9]+$")
    attempt(ssm.put_parameter, Name="/k", Value=SECRET, Type="SecureString", KeyId="alias/nope")
    attempt(ssm.put_parameter, Name="/bad name", Value=SECRET, Type="SecureString")
    ssm.put_parameter(Name="/ok", Value=SECRET, Type="SecureString")
    ssm.get_parameters_by_path(Path="/", WithDecryption=True)
    ssm.get_parameter_history(Name="/ok", WithDecryption=True)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    attempt(kms.encrypt, KeyId=key, Plaintext=SECRET.encode() * 200)  # too long
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET.encode(), EncryptionContext={"app": "x"})["CiphertextBlob"]
    attempt(kms.decrypt, CiphertextBlob=blob)  # wrong context
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"})["Plaintext"] == SECRET.encode()
    data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256")
    kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"app": "x"}, DestinationKeyId=key)
    random = kms.generate_random(NumberOfBytes=32)["Plaintext"]

    with pytest.raises(TrailAssertionError) as failed:
        ssm_kms.trail.assert_called("DeleteParameter")
    with pytest.raises(TrailAssertionError) as failed_not:
        ssm_kms.trail.assert_not_called("Decrypt")
    visible = dump(ssm_kms.trail) + str(failed.value) + str(failed_not.value)
    for secret in (
        SECRET,
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(blob).decode()[:24],
        base64.b64encode(data_key["Plaintext"]).decode(),
        base64.b64encode(data_key["CiphertextBlob"]).decode()[:24],
        base64.b64encode(random).decode(),
    ):
        assert secret not in visible
    assert len(ssm_kms.trail) >= 15
    assert {"ValidationException", "ParameterPatternMismatchException", "InvalidKeyId",
            "InvalidCiphertextException"} <= {e.get("errorCode") for e in ssm_kms.trail}
