"""Key policies (Get/Put/ListKeyPolicies) and tags (Tag/UntagResource, ListResourceTags)."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.kms import states
from pytest_ssmkms.aws.kms.common import find_key, paginate, refuse_aws_managed
from pytest_ssmkms.aws.kms.errors import MalformedPolicyDocumentException, NotFoundException
from pytest_ssmkms.aws.kms.keys import Key
from pytest_ssmkms.aws.kms.policies import POLICY_NAME, validate_policy
from pytest_ssmkms.aws.kms.tagging import merged, parse_tags, tag_list
from pytest_ssmkms.aws.partitions import partition_of_arn

_LOCKOUT = (
    "The new key policy will not allow you to update the key policy in the future."
)


def _key(ctx: CallContext, params: dict[str, Any], action: str, **conditions: Any) -> Key:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize(action, key.arn, key=key, conditions=dict(conditions))
    return key


def _policy_name(params: dict[str, Any]) -> str:
    name = params.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        # A key has exactly one policy, named "default".
        raise NotFoundException(f"No such policy exists: {name}. The only policy name is default.")
    return str(name)


def check_lockout(ctx: CallContext, policy: dict[str, Any], params: dict[str, Any]) -> None:
    """KMS's policy lockout safety check, approximated: unless bypassed, the new policy must
    let the caller (directly, or through the account's root, which delegates to IAM) call
    PutKeyPolicy later."""
    if params.get("BypassPolicyLockoutSafetyCheck") or ctx.trusted:
        return
    statements = policy.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements or []
    caller = ctx.caller
    root = f"arn:{partition_of_arn(caller.arn)}:iam::{caller.account_id}:root"
    wanted = {"*", caller.arn, caller.account_id, root}
    for statement in statements:
        if statement.get("Effect") != "Allow" or "Condition" in statement:
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("*", "kms:*", "kms:PutKeyPolicy", "kms:Put*") for a in actions):
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return
        names = principal.get("AWS", []) if isinstance(principal, dict) else []
        names = [names] if isinstance(names, str) else names
        if wanted.intersection(names):
            return
    raise MalformedPolicyDocumentException(_LOCKOUT)


def get_key_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:GetKeyPolicy")
    name = _policy_name(params)
    return {"Policy": key.policy, "PolicyName": name}


def put_key_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:PutKeyPolicy")
    refuse_aws_managed(ctx, key, "kms:PutKeyPolicy")
    _policy_name(params)
    text = params["Policy"]
    check_lockout(ctx, validate_policy(text), params)
    key.policy = text
    return {}


def list_key_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    _key(ctx, params, "kms:ListKeyPolicies")
    page, extra = paginate([POLICY_NAME], params, default=100, maximum=1000)
    return {"PolicyNames": page, **extra}


def tag_resource(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    tags = parse_tags(params.get("Tags") or [])
    key = _key(
        ctx,
        params,
        "kms:TagResource",
        **{"aws:TagKeys": list(tags)},
        **{f"aws:RequestTag/{k}": v for k, v in tags.items()},
    )
    refuse_aws_managed(ctx, key, "kms:TagResource")
    states.not_pending_deletion(key)
    key.tags = merged(key.tags, tags)
    return {}


def untag_resource(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    names = list(params.get("TagKeys") or [])
    key = _key(ctx, params, "kms:UntagResource", **{"aws:TagKeys": names})
    refuse_aws_managed(ctx, key, "kms:UntagResource")
    states.not_pending_deletion(key)
    for name in names:
        key.tags.pop(name, None)  # removing a tag the key doesn't have is not an error
    return {}


def list_resource_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:ListResourceTags")
    page, extra = paginate(tag_list(key.tags), params, default=50, maximum=50)
    return {"Tags": page, **extra}


OPERATIONS = {
    "GetKeyPolicy": get_key_policy,
    "PutKeyPolicy": put_key_policy,
    "ListKeyPolicies": list_key_policies,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListResourceTags": list_resource_tags,
}
