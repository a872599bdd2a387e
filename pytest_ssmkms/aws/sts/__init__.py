"""AWS STS: who is calling (GetCallerIdentity) and role sessions (AssumeRole), registered on
import. STS speaks the query protocol; the front door picks it from botocore's model."""

from __future__ import annotations

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.sts.handlers import OPERATIONS

# No X-Amz-Target prefix: query requests name their operation in the body (Action=...).
# STS names the errors every service shares as the query family does (public transcripts of
# STS answers: ValidationError, AccessDenied with a 403, ExpiredToken with a 403).
ERROR_CODES = {
    "ValidationException": ("ValidationError", 400),
    "AccessDeniedException": ("AccessDenied", 403),
    "ExpiredTokenException": ("ExpiredToken", 403),
    # Refusals of the signature (checked before any operation, over HTTP): STS's own codes,
    # as quoted from its answers ("SignatureDoesNotMatch ... status code: 403",
    # "InvalidClientTokenId: The security token included in the request is invalid").
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "IncompleteSignatureException": ("IncompleteSignature", 400),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
    "UnrecognizedClientException": ("InvalidClientTokenId", 403),
}

services.register(services.Service("sts", "", OPERATIONS, error_codes=ERROR_CODES))
