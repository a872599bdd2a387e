"""SecureString values, through the KMS operation table as real SSM calls KMS.

SSM does no cryptography here: Standard-tier values go to KMS Encrypt/Decrypt; Advanced-tier
values use a KMS data key with SSM's envelope format (``envelope.py``). Every inner call is made with
``ctx.via("ssm.amazonaws.com")``, so it is authorized and recorded like the caller's own.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import AwsError
from pytest_ssmkms.aws.ssm import envelope
from pytest_ssmkms.aws.ssm.errors import AccessDeniedException, InvalidKeyId, ValidationException

SSM_PRINCIPAL = "ssm.amazonaws.com"
KMS_DENIED_ON_DECRYPT = (
    "The ciphertext refers to a customer master key that does not exist, does not exist in "
    "this region, or you are not allowed to access."
)


def _context(arn: str) -> dict[str, str]:
    return {"PARAMETER_ARN": arn}


def _kms(ctx: CallContext, operation: str, params: dict[str, Any], decrypting: bool) -> dict[str, Any]:
    inner = ctx.via(SSM_PRINCIPAL)
    try:
        return ctx.backend.invoke("kms", operation, params, inner)
    except AwsError as error:
        raise _translate(error, inner.request_id, decrypting) from None


def _translate(error: AwsError, request_id: str, decrypting: bool) -> AwsError:
    """KMS's failure as SSM reports it: InvalidKeyId (or AccessDenied) carrying KMS's detail."""
    if error.code == "AccessDeniedException":
        text = KMS_DENIED_ON_DECRYPT if decrypting else (error.message or "")
        return AccessDeniedException(_detail(text, error.code, request_id))
    if error.code == "ValidationException":
        # Not a key problem (e.g. a value over KMS's 4096-byte plaintext limit): say so.
        return ValidationException(_detail(error.message or "", error.code, request_id))
    return InvalidKeyId(_detail(error.message or "", error.code, request_id))


def _detail(text: str, code: str, request_id: str) -> str:
    return (
        f"{text} (Service: AWSKMS; Status Code: 400; Error Code: {code}; "
        f"Request ID: {request_id}; Proxy: null)"
    )


def encrypt(ctx: CallContext, key_id: str, plaintext: str, arn: str, tier: str) -> str:
    """The stored (and non-decrypted) form of a SecureString value: base64 text."""
    context = _context(arn)
    if tier == "Advanced":
        data = _kms(
            ctx,
            "GenerateDataKey",
            {"KeyId": key_id, "KeySpec": "AES_256", "EncryptionContext": context},
            decrypting=False,
        )
        message = envelope.seal(
            data["Plaintext"], data["CiphertextBlob"], plaintext.encode("utf-8"), context
        )
        return base64.b64encode(message).decode("ascii")
    result = _kms(
        ctx,
        "Encrypt",
        {"KeyId": key_id, "Plaintext": plaintext.encode("utf-8"), "EncryptionContext": context},
        decrypting=False,
    )
    return base64.b64encode(result["CiphertextBlob"]).decode("ascii")


def decrypt(ctx: CallContext, stored: str, arn: str, tier: str) -> str:
    """The plaintext of a stored SecureString value, asking KMS for it on the caller's behalf."""
    context = _context(arn)
    try:
        blob = binascii.a2b_base64(stored, strict_mode=True)  # b64decode(validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKeyId("The stored ciphertext is damaged.") from None
    if tier == "Advanced":
        encrypted_key = envelope.encrypted_data_key_of(blob)
        data = _kms(
            ctx,
            "Decrypt",
            {"CiphertextBlob": encrypted_key, "EncryptionContext": context},
            decrypting=True,
        )
        plain: bytes = envelope.open_message(data["Plaintext"], blob, context)
        return plain.decode("utf-8")
    result = _kms(
        ctx, "Decrypt", {"CiphertextBlob": blob, "EncryptionContext": context}, decrypting=True
    )
    out: bytes = result["Plaintext"]
    return out.decode("utf-8")
