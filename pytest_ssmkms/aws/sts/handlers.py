"""The STS operation table: GetCallerIdentity and AssumeRole.

Texts come from public transcripts of STS answers (see docs/permissions.md for the sources);
the query protocol's wire format lives in ``wire/query.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import AwsError, ValidationException
from pytest_ssmkms.aws.iam.authorizer import authorize_trust
from pytest_ssmkms.aws.iam.policy import Policy, PolicyError, parse_policy
from pytest_ssmkms.aws.services import Handler
from pytest_ssmkms.aws.sts.sessions import start_session

DEFAULT_DURATION = 3600
CHAINED_MAX_DURATION = 3600  # "role chaining limits ... a role session to a maximum of one hour"
SESSION_POLICY_MAX = 2048  # "The plaintext ... for inline and managed session policies can't exceed 2,048 characters"


class MalformedPolicyDocument(AwsError):
    code = "MalformedPolicyDocument"


class NotModelled(AwsError):
    """A request this mock cannot answer as STS would: said plainly, never half-answered."""

    code = "NotImplemented"


def get_caller_identity(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    # "No permissions are required to perform this operation. If an administrator attaches a
    # policy to your identity that explicitly denies access to the sts:GetCallerIdentity
    # action, you can still perform this operation" (STS API reference): nothing to authorize.
    caller = ctx.caller
    return {"UserId": caller.principal_id, "Account": caller.account_id, "Arn": caller.arn}


def assume_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    role_arn: str = params["RoleArn"]
    session_name: str = params["RoleSessionName"]
    for name, what in (("PolicyArns", "managed session policies"), ("SerialNumber", "MFA devices"),
                       ("TokenCode", "MFA devices"), ("ProvidedContexts", "trusted context providers")):
        if params.get(name):
            raise NotModelled(
                f"pytest-ssmkms does not model {what}: AssumeRole's {name} cannot be honoured. "
                "Pass a session policy as Policy instead, or leave the parameter out."
            )
    world = ctx.backend.world
    role = world.roles.get(role_arn)
    caller_session = ctx.caller.principal
    inherited_source = getattr(caller_session, "source_identity", None)
    source_identity = params.get("SourceIdentity")
    tags = params.get("Tags") or []
    conditions = _conditions(params, tags, source_identity)
    trust = getattr(role, "trust", None)
    authorize_trust(ctx, "sts:AssumeRole", role_arn, trust, conditions)
    if tags:
        authorize_trust(ctx, "sts:TagSession", role_arn, trust, conditions)
    if source_identity is not None:
        if inherited_source is not None and source_identity != inherited_source:
            # "you can't change the source identity value after it's set" (IAM guide); the
            # exact text of this refusal is not documented.
            raise ValidationException("The source identity of a role session cannot be changed once it is set.")
        authorize_trust(ctx, "sts:SetSourceIdentity", role_arn, trust, conditions)
    assert role is not None  # authorize_trust refuses a role that does not exist
    chained = ctx.caller.type == "AssumedRole"
    duration = params.get("DurationSeconds", DEFAULT_DURATION)
    if chained and duration > CHAINED_MAX_DURATION:
        raise ValidationException(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        )
    if duration > role.max_session_duration:
        raise ValidationException("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    policy_text = params.get("Policy")
    session_policy = _session_policy(policy_text, session_name) if policy_text is not None else None
    issued = ctx.event_time
    session = start_session(
        role, session_name, issued, issued + timedelta(seconds=duration), session_policy,
        chained, source_identity or inherited_source, _tag_dict(tags),
    )
    result: dict[str, Any] = {
        "Credentials": session.credentials(),
        "AssumedRoleUser": {"AssumedRoleId": session.assumed_role_id, "Arn": session.session_arn},
    }
    if policy_text is not None or tags:
        result["PackedPolicySize"] = _packed_size(policy_text, tags)
    if session.source_identity is not None:
        result["SourceIdentity"] = session.source_identity
    return result


def _conditions(params: Mapping[str, Any], tags: list[Any], source_identity: Any) -> dict[str, Any]:
    conditions: dict[str, Any] = {"sts:RoleSessionName": params["RoleSessionName"]}
    if params.get("ExternalId") is not None:
        conditions["sts:ExternalId"] = params["ExternalId"]
    if source_identity is not None:
        conditions["sts:SourceIdentity"] = source_identity
    if tags:
        conditions["aws:RequestTag"] = tags
    if params.get("TransitiveTagKeys"):
        conditions["sts:TransitiveTagKeys"] = list(params["TransitiveTagKeys"])
    if params.get("DurationSeconds") is not None:
        conditions["sts:DurationSeconds"] = str(params["DurationSeconds"])
    return conditions


def _session_policy(text: str, session_name: str) -> Policy:
    if len(text) > SESSION_POLICY_MAX:
        # The form of AWS's length refusals; STS's own text for this case is not verified.
        raise ValidationException(
            "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
            f"Member must have length less than or equal to {SESSION_POLICY_MAX}"
        )
    try:
        return parse_policy(text, resource_policy=False, name=f"session policy of {session_name}")
    except PolicyError as error:
        # STS answers MalformedPolicyDocument; its texts vary with the fault (not all verified).
        raise MalformedPolicyDocument(f"The session policy is not valid: {error}") from None


def _tag_dict(tags: list[Any]) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in tags if isinstance(t, Mapping)}


def _packed_size(policy_text: str | None, tags: list[Any]) -> int:
    """PackedPolicySize: the percent of the packed limit that the session policy and tags use.
    AWS compresses them in a format of its own; this is the plain-text share of 2048
    characters, an approximation (rounded up, at least 1)."""
    size = len(policy_text or "") + sum(len(k) + len(v) for k, v in _tag_dict(tags).items())
    return max(1, -(-size * 100 // SESSION_POLICY_MAX))


OPERATIONS: Mapping[str, Handler] = {
    "GetCallerIdentity": get_caller_identity,
    "AssumeRole": assume_role,
}
