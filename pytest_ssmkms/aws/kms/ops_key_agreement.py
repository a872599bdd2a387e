"""Key agreement: DeriveSharedSecret with ECC keys whose usage is KEY_AGREEMENT."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import asymmetric, states
from pytest_ssmkms.aws.kms.common import check_grant_tokens, conditions, dry_run, find_key
from pytest_ssmkms.aws.kms.errors import InvalidKeyUsageException, UnsupportedOperationException
from pytest_ssmkms.aws.kms.ops_asymmetric import private_key_of


def derive_shared_secret(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    identifier = params["KeyId"]
    algorithm = params["KeyAgreementAlgorithm"]
    key = find_key(ctx, identifier)
    ctx.authorize(
        "kms:DeriveSharedSecret",
        key.arn,
        key=key,
        conditions={
            **conditions(params, identifier=identifier),
            "kms:KeyAgreementAlgorithm": algorithm,
        },
    )
    states.for_cryptography(key)
    if key.key_usage != "KEY_AGREEMENT":
        # The text recorded from KMS (LocalStack's snapshot of DeriveSharedSecret).
        raise InvalidKeyUsageException(
            f"{key.arn} key usage is {key.key_usage} which is not valid for DeriveSharedSecret."
        )
    check_grant_tokens(ctx, params)
    if params.get("Recipient"):
        raise UnsupportedOperationException(
            "pytest-ssmkms does not model Nitro Enclaves (Recipient)."
        )
    secret = asymmetric.ecdh(private_key_of(key), params["PublicKey"])
    if secret is None:
        # Recorded from KMS for bytes that are no public key: ValidationException without a
        # message. Assumed the same for a public key on another curve.
        raise ValidationException("")
    dry_run(params)
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "KeyAgreementAlgorithm": algorithm,
        "KeyOrigin": key.origin,
    }


OPERATIONS = {"DeriveSharedSecret": derive_shared_secret}
