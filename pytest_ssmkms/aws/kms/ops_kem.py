"""Key encapsulation: Encapsulate and Decapsulate with ML-KEM keys (usage ENCAPSULATE_DECAPSULATE).

botocore models them from 1.44; the operation table offers them only where the installed
model has them (``handlers``).
"""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.kms import mlkem
from pytest_ssmkms.aws.kms.common import dry_run
from pytest_ssmkms.aws.kms.errors import InvalidCiphertextException
from pytest_ssmkms.aws.kms.keys import Key
from pytest_ssmkms.aws.kms.ops_asymmetric import private_key_of, usable

_USAGE = "ENCAPSULATE_DECAPSULATE"


def _kem_key(ctx: CallContext, params: dict[str, Any], operation: str) -> tuple[Key, Any]:
    # The key usage text follows the one recorded from KMS for the other operations
    # ("<arn> key usage is <usage> which is not valid for <Operation>."), assumed here.
    key = usable(ctx, params, f"kms:{operation}", _USAGE, operation, {})
    private = private_key_of(key)  # an ML-KEM spec the installed cryptography lacks: a clear error
    return key, private


def encapsulate(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, private = _kem_key(ctx, params, "Encapsulate")
    dry_run(params)
    secret, ciphertext = mlkem.encapsulate(private)
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "SharedSecretCiphertextBlob": ciphertext,
        "EncapsulationAlgorithm": params["EncapsulationAlgorithm"],
    }


def decapsulate(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, private = _kem_key(ctx, params, "Decapsulate")
    ciphertext: bytes = params["SharedSecretCiphertextBlob"]
    if len(ciphertext) != mlkem.CIPHERTEXT_BYTES[key.key_spec]:
        # Documented: a length inconsistent with the key spec is InvalidCiphertextException
        # (any other ciphertext gives the implicit-rejection secret). Without a message, as
        # KMS's InvalidCiphertextException from Decrypt has none (assumed the same here).
        raise InvalidCiphertextException()
    dry_run(params)
    return {
        "KeyId": key.arn,
        "SharedSecret": mlkem.decapsulate(private, ciphertext),
        "EncapsulationAlgorithm": params["EncapsulationAlgorithm"],
    }


OPERATIONS = {"Encapsulate": encapsulate, "Decapsulate": decapsulate}
