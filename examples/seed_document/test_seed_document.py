"""A walk through "How AWS Systems Manager Parameter Store Uses AWS KMS", section by section.

Every command of the document runs here through boto3, and again through aiobotocore's async
clients (the ``clients`` fixture), against the in-memory SSM and KMS, in the document's own
account and Region. The CLI commands are quoted above the code that does
the same thing.
"""

from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

from tests.clients import clients  # noqa: F401 - the fixture: boto3 and aiobotocore clients

pytestmark = pytest.mark.ssm_kms(region="us-west-2", account_id="111122223333")

CMK_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
CMK_ARN = f"arn:aws:kms:us-west-2:111122223333:key/{CMK_ID}"


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


# -- Encrypting and Decrypting Secure String Parameters --------------------------------------


def test_the_default_aws_ssm_key(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")

    # aws ssm put-parameter --name MyParameter --value "secret_value" --type SecureString
    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString")

    # aws kms describe-key --key-id alias/aws/ssm
    key = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    assert key["KeyManager"] == "AWS"
    assert key["Description"] == "Default key that protects my SSM parameters when no other key is defined"

    # Parameter Store called KMS Encrypt with that key, on the caller's behalf.
    (encrypt,) = ssm_kms.trail.lookup(event_name="Encrypt")
    assert encrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert encrypt["resources"][0]["ARN"] == key["Arn"]
    described = ssm.describe_parameters()["Parameters"][0]
    assert (described["Name"], described["KeyId"]) == ("MyParameter", "alias/aws/ssm")


@pytest.mark.kms_key(key_id=CMK_ID, description="customer managed CMK")
def test_a_customer_managed_key_by_id(ssm_kms, clients):
    ssm = clients("ssm")

    # aws ssm put-parameter --name param1 --value "secret" --type SecureString
    #     --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
    ssm.put_parameter(Name="param1", Value="secret", Type="SecureString", KeyId=CMK_ID)

    (encrypt,) = ssm_kms.trail.lookup(event_name="Encrypt")
    assert encrypt["resources"][0]["ARN"] == CMK_ARN
    assert ssm.get_parameter(Name="param1", WithDecryption=True)["Parameter"]["Value"] == "secret"


def test_get_parameter_with_and_without_decryption(ssm_kms, clients):
    ssm = clients("ssm")
    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString")

    # aws ssm get-parameter --name MyParameter: the value stays encrypted (a KMS ciphertext).
    hidden = ssm.get_parameter(Name="MyParameter")["Parameter"]
    assert (hidden["Type"], hidden["Name"]) == ("SecureString", "MyParameter")
    assert hidden["Value"] != "secret_value" and base64.b64decode(hidden["Value"]).startswith(b"\x01")
    assert not ssm_kms.trail.lookup(event_name="Decrypt")  # no key needed to read it encrypted

    # aws ssm get-parameter --name MyParameter --with-decryption
    shown = ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]
    assert shown["Value"] == "secret_value"

    # "Decrypt in Get Parameter": SSM sent KMS a Decrypt request with the encrypted value.
    (decrypt,) = ssm_kms.trail.lookup(event_name="Decrypt")
    assert decrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"


# -- Parameter Store Encryption Context ------------------------------------------------------


@pytest.mark.kms_key(key_id=CMK_ID)
def test_the_encryption_context_and_decrypting_with_kms_directly(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString", KeyId=CMK_ID)

    # "PARAMETER_ARN":"arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter"
    context = {"PARAMETER_ARN": "arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter"}
    (encrypt,) = ssm_kms.trail.lookup(event_name="Encrypt")
    assert encrypt["requestParameters"]["encryptionContext"] == context

    # Decrypt the value GetParameter returns with KMS Decrypt and the same context...
    value = ssm.get_parameter(Name="MyParameter")["Parameter"]["Value"]
    plaintext = kms.decrypt(CiphertextBlob=base64.b64decode(value), EncryptionContext=context)["Plaintext"]
    assert plaintext == b"secret_value"

    # ...but not without it: the context is bound to the ciphertext.
    code, _ = error_of(kms.decrypt, CiphertextBlob=base64.b64decode(value))
    assert code == "InvalidCiphertextException"


@pytest.mark.kms_key(key_id=CMK_ID)
def test_the_hierarchical_encryption_context(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    name = "/ReadableParameters/MyParameter"
    ssm.put_parameter(Name=name, Value="secret_value", Type="SecureString", KeyId=CMK_ID)

    # "PARAMETER_ARN":"arn:aws:ssm:us-west-2:111122223333:parameter/ReadableParameters/MyParameter"
    context = {"PARAMETER_ARN": "arn:aws:ssm:us-west-2:111122223333:parameter/ReadableParameters/MyParameter"}
    ssm.get_parameter(Name=name, WithDecryption=True)
    for record in ssm_kms.trail.lookup(event_source="kms.amazonaws.com"):
        assert record["requestParameters"]["encryptionContext"] == context
    blob = base64.b64decode(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"secret_value"


# -- Troubleshooting CMK Issues in Parameter Store -------------------------------------------

READ_ONLY_SSM = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"}],
}
READ_AND_DECRYPT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": CMK_ARN},
    ],
}


@pytest.mark.kms_key(key_id=CMK_ID)
@pytest.mark.ssm_parameter("MyParameter", "secret_value", type="SecureString", key_id=CMK_ID)
def test_no_permission_on_the_key_then_a_revised_policy(ssm_kms, clients):
    # The credentials may read the parameter but not use the CMK...
    app = clients("ssm", ssm_kms.principal("app", READ_ONLY_SSM))
    code, message = error_of(app.get_parameter, Name="MyParameter", WithDecryption=True)
    assert code == "AccessDeniedException"
    assert "Error Code: AccessDeniedException" in message

    # ...remedy: run with credentials whose IAM policy allows kms:Decrypt on the CMK.
    fixed = clients("ssm", ssm_kms.principal("app-fixed", READ_AND_DECRYPT))
    assert fixed.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"


@pytest.mark.kms_key(key_id=CMK_ID, alias="alias/parameter_store_key")
def test_the_key_is_not_found_then_the_correct_identifier(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    # An incorrect identifier (a typo in the alias)...
    code, message = error_of(
        ssm.put_parameter, Name="param1", Value="secret", Type="SecureString", KeyId="alias/parameter-store-key"
    )
    assert code == "InvalidKeyId"
    assert message.startswith("Alias arn:aws:kms:us-west-2:111122223333:alias/parameter-store-key is not found.")
    assert "Error Code: NotFoundException" in message

    # ...remedy: find the correct identifier and try again.
    aliases = [a["AliasName"] for a in kms.list_aliases()["Aliases"] if a.get("TargetKeyId") == CMK_ID]
    assert aliases == ["alias/parameter_store_key"]
    ssm.put_parameter(Name="param1", Value="secret", Type="SecureString", KeyId=aliases[0])
    assert ssm.get_parameter(Name="param1", WithDecryption=True)["Parameter"]["Value"] == "secret"


@pytest.mark.kms_key(key_id=CMK_ID)
@pytest.mark.ssm_parameter("MyParameter", "secret_value", type="SecureString", key_id=CMK_ID)
def test_the_key_is_disabled_then_enabled(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    ssm_kms.set_key_state(CMK_ID, "Disabled")  # someone disabled the key
    code, message = error_of(ssm.get_parameter, Name="MyParameter", WithDecryption=True)
    assert code == "InvalidKeyId"
    assert message.startswith(f"{CMK_ARN} is disabled. (Service: AWSKMS;")

    # Find the key's status with DescribeKey; if it is disabled, enable it.
    assert kms.describe_key(KeyId=CMK_ID)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=CMK_ID)
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"


@pytest.mark.kms_key(key_id=CMK_ID)
@pytest.mark.ssm_parameter("MyParameter", "secret_value", type="SecureString", key_id=CMK_ID)
def test_the_key_is_pending_deletion_then_the_deletion_is_cancelled(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    kms.schedule_key_deletion(KeyId=CMK_ID, PendingWindowInDays=7)
    code, message = error_of(ssm.get_parameter, Name="MyParameter", WithDecryption=True)
    assert code == "InvalidKeyId"
    assert message.startswith(f"{CMK_ARN} is pending deletion. (Service: AWSKMS;")
    assert "Error Code: KMSInvalidStateException" in message

    # Remedy: cancel the key deletion. The key comes back disabled, so enable it too.
    kms.cancel_key_deletion(KeyId=CMK_ID)
    assert kms.describe_key(KeyId=CMK_ID)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=CMK_ID)
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"


@pytest.mark.kms_key(key_id=CMK_ID)
@pytest.mark.ssm_parameter("MyParameter", "secret_value", type="SecureString", key_id=CMK_ID)
def test_the_key_is_pending_deletion_then_a_different_key(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    kms.schedule_key_deletion(KeyId=CMK_ID, PendingWindowInDays=7)
    # The other remedy: store the value under a different CMK.
    other = kms.create_key(Description="replacement")["KeyMetadata"]["KeyId"]
    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString", KeyId=other, Overwrite=True)
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"
    # Once the waiting period is over the old key is gone, and the new version does not need it;
    # the old version, encrypted under the deleted key, can never be decrypted again.
    ssm_kms.clock.advance(days=8)
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"
    code, message = error_of(ssm.get_parameter, Name="MyParameter:1", WithDecryption=True)
    assert code == "AccessDeniedException"
    assert message.startswith("The ciphertext refers to a customer master key that does not exist")


def test_the_key_is_pending_import_then_the_import_is_completed(ssm_kms, clients):
    ssm, kms = clients("ssm"), clients("kms")
    # A key for your own key material starts without any: it is pending import.
    key = kms.create_key(Origin="EXTERNAL", Description="bring your own key")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport"
    code, message = error_of(
        ssm.put_parameter, Name="MyParameter", Value="secret_value", Type="SecureString", KeyId=key["KeyId"]
    )
    assert code == "InvalidKeyId"
    assert message.startswith(f"{key['Arn']} is pending import. (Service: AWSKMS;")

    # Remedy: complete the import procedure. Get the wrapping public key and import token,
    # wrap 256 bits of key material with RSAES_OAEP_SHA_256, import it.
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    params = kms.get_parameters_for_import(
        KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    public_key = serialization.load_der_public_key(params["PublicKey"])
    material = bytes(range(32))
    wrapped = public_key.encrypt(
        material, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    )
    kms.import_key_material(
        KeyId=key["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrapped,
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"

    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString", KeyId=key["KeyId"])
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"
