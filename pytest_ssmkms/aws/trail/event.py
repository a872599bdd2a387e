"""One CallRecord as the CloudTrail event real AWS would have written for it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
import os
import uuid
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.trail.elements import request_converter, response_converter

if TYPE_CHECKING:
    from pytest_ssmkms.aws.context import Caller
    from pytest_ssmkms.aws.trail.resources import Resource
    from pytest_ssmkms.aws.trail.record import CallRecord

EVENT_VERSION = "1.08"
# Our own top-level field: the policy statement that decided the call (None: no policy was
# consulted, e.g. the default administrator). Real CloudTrail has no such field.
DECISION_FIELD = "pytestSsmKmsDecision"

_READ_PREFIXES = ("Get", "List", "Describe", "Lookup")
# KMS cryptographic operations change nothing: CloudTrail marks them readOnly and writes
# responseElements null for them (Encrypt, Decrypt, GenerateDataKey* in the KMS guide).
_READ_ONLY_OPERATIONS = frozenset(
    {
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateRandom",
        "GenerateMac",
        "VerifyMac",
        "Sign",
        "Verify",
        # The KMS guide's DeriveSharedSecret record is readOnly with null responseElements;
        # the key encapsulation operations (botocore 1.44) are assumed recorded the same way.
        "DeriveSharedSecret",
        "Encapsulate",
        "Decapsulate",
    }
)
# "The CloudTrail log entry for a Decrypt operation always includes the encryptionAlgorithm in
# the requestParameters even if the encryption algorithm wasn't specified" (KMS guide); the
# Encrypt examples show the same.
_DEFAULT_ALGORITHM_OPERATIONS = frozenset({"Encrypt", "Decrypt"})


# STS's AssumeRole changes nothing either, yet its records carry the credentials it issued
# (without the secret key) and the assumed-role user. readOnly true is our reading of recent
# STS records (not verified against a record of our own).
_READS_WITH_ELEMENTS = frozenset({"AssumeRole"})


def is_read_only(operation: str) -> bool:
    return (
        operation in _READ_ONLY_OPERATIONS
        or operation.startswith(_READ_PREFIXES)
        or operation in _READS_WITH_ELEMENTS
    )


def event_source(service: str) -> str:
    return f"{service}.amazonaws.com"


def new_event_id() -> str:
    return str(uuid.UUID(bytes=os.urandom(16), version=4))


def build_event(record: CallRecord, resources: list[Resource]) -> dict[str, Any]:
    """The CloudTrail record (a JSON-ready dict) of one call; never holds a secret."""
    ctx = record.ctx
    read_only = is_read_only(record.operation)
    event: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": user_identity(ctx.caller, ctx.invoked_by),
        "eventTime": ctx.event_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": event_source(record.service),
        "eventName": record.operation,
        "awsRegion": ctx.region,
        "sourceIPAddress": ctx.source_ip,
        "userAgent": ctx.user_agent,
    }
    if record.error is not None:
        event["errorCode"] = record.error_code
        if record.error.message:
            event["errorMessage"] = record.error.message
    event["requestParameters"] = request_parameters(record)
    recorded = not read_only or record.operation in _READS_WITH_ELEMENTS
    elements = response_elements(record) if recorded and record.error is None else None
    if elements is not None or (not read_only and record.error is None):
        elements = _kms_write_elements(record, elements, resources)
    event["responseElements"] = elements
    event["requestID"] = ctx.request_id
    event["eventID"] = new_event_id()
    event["readOnly"] = read_only
    if resources:
        # Real records list resources only when the call names some (ListKeys has none).
        event["resources"] = [
            {"accountId": r.account_id, "type": r.type, "ARN": r.arn} for r in resources
        ]
    event["eventType"] = "AwsApiCall"
    event["managementEvent"] = True
    event["recipientAccountId"] = ctx.backend.account_id
    event["eventCategory"] = "Management"
    if record.decision is not None:
        event[DECISION_FIELD] = jsonable(record.decision)
    return event


def request_parameters(record: CallRecord) -> dict[str, Any] | None:
    convert = request_converter(record.service, record.operation)
    params = convert(record.params) if convert is not None else None
    if record.service == "kms" and record.operation in _DEFAULT_ALGORITHM_OPERATIONS:
        params = dict(params or {})
        params.setdefault("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
    return params or None  # a call without parameters records null, as CloudTrail does


def response_elements(record: CallRecord) -> dict[str, Any] | None:
    if record.result is None:
        return None
    convert = response_converter(record.service, record.operation)
    elements = convert(record.result) if convert is not None else None
    return elements or None  # EnableKey, DeleteParameter: nothing to record -> null


def _kms_write_elements(
    record: CallRecord, elements: dict[str, Any] | None, resources: list[Resource]
) -> dict[str, Any] | None:
    """KMS's own additions to the response elements of a successful write call.

    "CloudTrail log entries for this operation recorded on or after December 2022 include the
    key ARN of the affected KMS key in the responseElements.keyId value, even though this
    operation does not return the key ARN" (KMS guide: EnableKey, DisableKey, CreateGrant, ...).
    CreateGrant's record shows the grantId, never the grant token (a credential)."""
    if record.service != "kms":
        return elements
    out = dict(elements or {})
    out.pop("grantToken", None)
    keys = [r.arn for r in resources if r.type == "AWS::KMS::Key"]
    if keys and "keyMetadata" not in out:
        out.setdefault("keyId", keys[0])
    return out or None


def user_identity(caller: Caller, invoked_by: str | None) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "type": caller.type,
        "principalId": caller.principal_id,
        "arn": caller.arn,
        "accountId": caller.account_id,
        "accessKeyId": caller.access_key_id,
    }
    if caller.type == "IAMUser":
        identity["userName"] = caller.user_name
    elif caller.type == "AssumedRole":
        identity["sessionContext"] = _session_context(caller)
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return identity


def _session_context(caller: Caller) -> dict[str, Any]:
    context: dict[str, Any] = {"sessionIssuer": _session_issuer(caller)}
    issued = getattr(caller.principal, "issued", None)
    if isinstance(issued, datetime):
        # A session from AssumeRole: CloudTrail adds when it was made (and that no MFA was).
        context["webIdFederationData"] = {}
        context["attributes"] = {
            "creationDate": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "mfaAuthenticated": "false",
        }
    source = getattr(caller.principal, "source_identity", None)
    if isinstance(source, str):
        context["sourceIdentity"] = source
    return context


def _session_issuer(caller: Caller) -> dict[str, Any]:
    # arn:aws:sts::<acct>:assumed-role/<role>/<session> was issued by arn:aws:iam::<acct>:role/<role>
    role = caller.arn.split(":assumed-role/", 1)[-1].split("/", 1)[0]
    return {
        "type": "Role",
        "principalId": caller.principal_id.split(":", 1)[0],
        "arn": f"arn:{caller.arn.split(':', 2)[1]}:iam::{caller.account_id}:role/{role}",
        "accountId": caller.account_id,
        "userName": role,
    }


def username(caller: Caller) -> str:
    """CloudTrail's Username lookup attribute: user name, role session name, or root."""
    if caller.type == "Root":
        return "root"
    if caller.type == "AssumedRole":
        return caller.arn.rsplit("/", 1)[-1]
    return caller.user_name


def jsonable(value: Any) -> Any:
    """A JSON-ready copy of the permission engine's decision, whatever its type."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    for method in ("as_dict", "to_dict"):
        convert = getattr(value, method, None)
        if callable(convert):
            return jsonable(convert())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    return str(value)
