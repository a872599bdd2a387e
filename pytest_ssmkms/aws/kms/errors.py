"""KMS error codes, one class each, with AWS's texts where they are known.

KMS has no ValidationException or AccessDeniedException shape, yet real KMS answers both; use
:class:`pytest_ssmkms.aws.errors.ValidationException` / ``AccessDeniedException`` for them.
"""

from __future__ import annotations

from pytest_ssmkms.aws.errors import AccessDeniedException, AwsError


class NotFoundException(AwsError):
    code = "NotFoundException"


class InvalidArnException(AwsError):
    code = "InvalidArnException"


class AlreadyExistsException(AwsError):
    code = "AlreadyExistsException"


class DisabledException(AwsError):
    code = "DisabledException"


class KMSInvalidStateException(AwsError):
    code = "KMSInvalidStateException"


class InvalidCiphertextException(AwsError):
    code = "InvalidCiphertextException"

    def __init__(self, message: str | None = None) -> None:
        # Real KMS answers a tampered blob or a wrong encryption context without a message;
        # botocore then reports an empty one ("... the Decrypt operation: ").
        super().__init__(message or "")


class IncorrectKeyException(AwsError):
    code = "IncorrectKeyException"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The key ID in the request does not identify a CMK that can perform this operation."
        )


class InvalidKeyUsageException(AwsError):
    code = "InvalidKeyUsageException"


class InvalidAliasNameException(AwsError):
    code = "InvalidAliasNameException"


class InvalidMarkerException(AwsError):
    code = "InvalidMarkerException"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "Invalid marker")


class InvalidGrantTokenException(AwsError):
    code = "InvalidGrantTokenException"


class InvalidGrantIdException(AwsError):
    code = "InvalidGrantIdException"


class LimitExceededException(AwsError):
    code = "LimitExceededException"


class MalformedPolicyDocumentException(AwsError):
    code = "MalformedPolicyDocumentException"


class UnsupportedOperationException(AwsError):
    code = "UnsupportedOperationException"


class TagException(AwsError):
    code = "TagException"


class DryRunOperationException(AwsError):
    code = "DryRunOperationException"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "The request would have succeeded, but the DryRun option is set.")


class ExpiredImportTokenException(AwsError):
    code = "ExpiredImportTokenException"


class InvalidImportTokenException(AwsError):
    code = "InvalidImportTokenException"


class IncorrectKeyMaterialException(AwsError):
    code = "IncorrectKeyMaterialException"


class ConflictException(AwsError):
    code = "ConflictException"


class KMSInternalException(AwsError):
    code = "KMSInternalException"


def ciphertext_key_inaccessible() -> AccessDeniedException:
    """What Decrypt answers when the blob's key is gone, elsewhere, or not the caller's."""
    return AccessDeniedException(
        "The ciphertext refers to a customer master key that does not exist, does not exist in "
        "this region, or you are not allowed to access."
    )


__all__ = [
    "AccessDeniedException",
    "AlreadyExistsException",
    "ConflictException",
    "DisabledException",
    "DryRunOperationException",
    "ExpiredImportTokenException",
    "IncorrectKeyException",
    "IncorrectKeyMaterialException",
    "InvalidAliasNameException",
    "InvalidArnException",
    "InvalidCiphertextException",
    "InvalidGrantIdException",
    "InvalidGrantTokenException",
    "InvalidImportTokenException",
    "InvalidKeyUsageException",
    "InvalidMarkerException",
    "KMSInternalException",
    "KMSInvalidMacException",
    "KMSInvalidSignatureException",
    "KMSInvalidStateException",
    "LimitExceededException",
    "MalformedPolicyDocumentException",
    "NotFoundException",
    "TagException",
    "UnsupportedOperationException",
    "ciphertext_key_inaccessible",
]


class KMSInvalidSignatureException(AwsError):
    code = "KMSInvalidSignatureException"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")


class KMSInvalidMacException(AwsError):
    code = "KMSInvalidMacException"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")


class CustomKeyStoreNotFoundException(AwsError):
    code = "CustomKeyStoreNotFoundException"


class CloudHsmClusterNotFoundException(AwsError):
    code = "CloudHsmClusterNotFoundException"


class XksProxyUriUnreachableException(AwsError):
    code = "XksProxyUriUnreachableException"


class XksProxyVpcEndpointServiceNotFoundException(AwsError):
    code = "XksProxyVpcEndpointServiceNotFoundException"


class NotAuthorizedException(AwsError):
    """Not in KMS's model, yet what KMS answers for a reserved alias/aws/ name (see
    ops_aliases.check_alias_name); botocore shows it as a plain ClientError."""

    code = "NotAuthorizedException"
