"""Sharing parameters with other accounts: resource policies (PutResourcePolicy,
GetResourcePolicies, DeleteResourcePolicy) and what a consumer account may do with them.

From the API reference and the User Guide ("Working with shared parameters"): only
Advanced-tier parameters are shared; a SecureString must be under a customer managed key
(shared separately through KMS); consumers get read-only access (DescribeParameters,
GetParameter, GetParameters and, with the "WithHistory" permission, GetParameterHistory) and
must name the parameter by its full ARN; DescribeParameters(Shared=True) lists what standard
RAM resource shares share, not what PutResourcePolicy alone shares (until RAM promotes it).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import AwsError
from pytest_ssmkms.aws.ssm.common import store_of
from pytest_ssmkms.aws.ssm.errors import (
    AccessDeniedException,
    MalformedResourcePolicyDocumentException,
    ParameterNotFound,
    ResourceNotFoundException,
    ResourcePolicyConflictException,
    ResourcePolicyInvalidParameterException,
    ResourcePolicyNotFoundException,
    ValidationException,
)
from pytest_ssmkms.aws.ssm.model import DEFAULT_KEY, Parameter, ResourcePolicy
from pytest_ssmkms.aws.ssm.names import Reference, parse_reference
from pytest_ssmkms.aws.ssm.store import ParameterStore

# The actions AWS's two managed permissions for shared parameters allow (User Guide).
READ_ACTIONS = ("ssm:DescribeParameters", "ssm:GetParameter", "ssm:GetParameters")
HISTORY_ACTION = "ssm:GetParameterHistory"
_SHAREABLE = frozenset(a.lower() for a in (*READ_ACTIONS, HISTORY_ACTION))


class SharedParameter:
    """What the permission engine reads for a cross-account request: the parameter's
    resource policies as one policy, and the owning account (as it reads a KMS key)."""

    grants: tuple[Any, ...] = ()

    def __init__(self, parameter: Parameter, arn: str, account_id: str) -> None:
        self.arn = arn
        self.account_id = account_id
        self.policy = combined_policy(parameter)


def combined_policy(parameter: Parameter) -> str:
    statements: list[Any] = []
    for policy in parameter.resource_policies.values():
        raw = json.loads(policy.text).get("Statement", [])
        for item in raw if isinstance(raw, list) else [raw]:
            # Sids need only be unique within one policy.
            statements.append({k: v for k, v in item.items() if k != "Sid"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def _owned_parameter(ctx: CallContext, resource_arn: str) -> tuple[ParameterStore, Parameter, str]:
    store = store_of(ctx)
    if not resource_arn.startswith("arn:"):
        raise ResourcePolicyInvalidParameterException(f"Invalid ResourceArn: {resource_arn}")
    try:
        reference = parse_reference(resource_arn, store.region, store.account_id)
    except ValidationException:
        raise ResourcePolicyInvalidParameterException(f"Invalid ResourceArn: {resource_arn}") from None
    if reference.selector is not None:
        raise ResourcePolicyInvalidParameterException(f"Invalid ResourceArn: {resource_arn}")
    arn = reference.arn(store.region, store.account_id)
    found = store.find(reference.name) if reference.local else None
    if found is None:
        # Another account's parameter is as absent here as a missing one: only owners share.
        raise ResourceNotFoundException(f"Resource {resource_arn} not found.")
    return store, found, arn


def _check_shareable(parameter: Parameter) -> None:
    latest = parameter.latest
    if latest.tier != "Advanced":
        raise ResourcePolicyInvalidParameterException(
            "To share a parameter, it must be in the advanced parameter tier."
        )
    if latest.secure and (latest.key_id in (None, DEFAULT_KEY) or str(latest.key_id).endswith(":alias/aws/ssm")):
        raise ResourcePolicyInvalidParameterException(
            "To share a SecureString parameter, it must be encrypted with a customer managed key."
        )


def check_policy_document(text: str, arn: str) -> None:
    """A sharing policy: Allow statements naming accounts or their principals, read-only
    actions, this parameter as the resource. Anything else is a malformed document."""
    from pytest_ssmkms.aws.iam.policy import PolicyError, parse_policy

    try:
        policy = parse_policy(text, resource_policy=True, name="resource policy")
    except PolicyError as error:
        raise MalformedResourcePolicyDocumentException(f"Malformed resource policy: {error}") from None
    for statement in policy.statements:
        if not statement.allows or statement.not_action or statement.not_principal:
            raise MalformedResourcePolicyDocumentException(
                "A parameter's resource policy may only Allow named accounts its read actions."
            )
        wrong = [a for a in statement.actions if a.lower() not in _SHAREABLE]
        if wrong:
            raise MalformedResourcePolicyDocumentException(
                f"Actions not supported for a shared parameter: {', '.join(wrong)}. Supported: "
                f"{', '.join((*READ_ACTIONS, HISTORY_ACTION))}."
            )
        if statement.principals is None or statement.principals.everyone or statement.principals.services:
            raise MalformedResourcePolicyDocumentException(
                "A parameter can be shared with AWS accounts and their principals only."
            )
        if not statement.any_resource and any(r != arn for r in statement.resources):
            raise MalformedResourcePolicyDocumentException(
                f"The policy's Resource must be the parameter's ARN: {arn}"
            )


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def attach(store: ParameterStore, parameter: Parameter, text: str, *, standard: bool) -> ResourcePolicy:
    number = len(parameter.resource_policies) + 1
    seed = f"{store.arn(parameter.name)}/{number}/{text}"
    digest = hashlib.sha256(seed.encode()).hexdigest()
    policy_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    while policy_id in parameter.resource_policies:  # the same text twice: a fresh id
        digest = hashlib.sha256(digest.encode()).hexdigest()
        policy_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    policy = ResourcePolicy(policy_id, _hash(text), text, standard)
    parameter.resource_policies[policy_id] = policy
    return policy


def _existing(parameter: Parameter, policy_id: str, policy_hash: str | None) -> ResourcePolicy:
    found = parameter.resource_policies.get(policy_id)
    if found is None:
        raise ResourcePolicyNotFoundException(f"No policy {policy_id} on this resource.")
    if policy_hash != found.policy_hash:
        raise ResourcePolicyConflictException(
            "The PolicyHash does not match the policy's current version: get the policy again "
            "(GetResourcePolicies) and retry with its PolicyHash."
        )
    return found


def put_resource_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store, parameter, arn = _owned_parameter(ctx, params["ResourceArn"])
    ctx.authorize("ssm:PutResourcePolicy", arn)
    _check_shareable(parameter)
    text = params["Policy"]
    check_policy_document(text, arn)
    policy_id = params.get("PolicyId")
    if policy_id:
        found = _existing(parameter, policy_id, params.get("PolicyHash"))
        found.text, found.policy_hash = text, _hash(text)
        return {"PolicyId": found.policy_id, "PolicyHash": found.policy_hash}
    made = attach(store, parameter, text, standard=False)
    return {"PolicyId": made.policy_id, "PolicyHash": made.policy_hash}


def get_resource_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    from pytest_ssmkms.aws.ssm.paging import make_token, read_token

    _, parameter, arn = _owned_parameter(ctx, params["ResourceArn"])
    ctx.authorize("ssm:GetResourcePolicies", arn)
    policies = list(parameter.resource_policies.values())
    start = read_token("GetResourcePolicies", params.get("NextToken")) or 0
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        from pytest_ssmkms.aws.ssm.errors import InvalidNextToken

        raise InvalidNextToken()
    limit = params.get("MaxResults", 50)
    page = policies[start:start + limit]
    out: dict[str, Any] = {
        "Policies": [
            {"PolicyId": p.policy_id, "PolicyHash": p.policy_hash, "Policy": p.text} for p in page
        ]
    }
    if start + limit < len(policies):
        out["NextToken"] = make_token("GetResourcePolicies", start + limit)
    return out


def delete_resource_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    _, parameter, arn = _owned_parameter(ctx, params["ResourceArn"])
    ctx.authorize("ssm:DeleteResourcePolicy", arn)
    found = _existing(parameter, params["PolicyId"], params["PolicyHash"])
    del parameter.resource_policies[found.policy_id]
    return {}


# ---- the consumer's side ---------------------------------------------------------------------


def is_foreign(reference: Reference, store: ParameterStore) -> bool:
    """An ARN of another account in this Region: a parameter someone may share with us."""
    return (
        not reference.local
        and reference.region == store.region
        and bool(reference.account_id)
        and reference.account_id != store.account_id
    )


def foreign_parameter(
    ctx: CallContext, reference: Reference, action: str
) -> tuple[ParameterStore, Parameter]:
    """The other account's parameter a full ARN names, once its resource policies (and the
    caller's own policies) allow ``action``; AccessDenied when nothing shares it."""
    assert reference.account_id is not None
    # Looked up without making anything: an ARN from a request must not create an account.
    backend = ctx.backend.world.existing(reference.account_id, reference.region or ctx.backend.region)
    owner: ParameterStore | None = backend.state("ssm") if backend is not None else None
    arn = reference.arn(ctx.backend.region, ctx.backend.account_id)
    found = owner.find(reference.name) if owner is not None else None
    if owner is None or found is None or not found.resource_policies:
        # Nothing here lets another account in: AWS answers as for a missing resource policy
        # (not verified), without saying whether the parameter exists.
        raise AccessDeniedException(
            f"User: {ctx.caller.arn} is not authorized to perform: {action} on resource: {arn} "
            f"because no resource-based policy allows the {action} action"
        )
    ctx.authorize(action, arn, key=SharedParameter(found, arn, owner.account_id))
    return owner, found


def shared_with(ctx: CallContext) -> list[tuple[ParameterStore, Parameter]]:
    """The parameters other accounts of this Region share with the caller through standard
    RAM resource shares, in ARN order."""
    world = ctx.backend.world
    found: list[tuple[str, ParameterStore, Parameter]] = []
    for backend in world.backends():
        if backend.region != ctx.backend.region or backend.account_id == ctx.caller.account_id:
            continue
        store = backend.state("ssm")
        if store is None:
            continue
        for _, parameter in store.walk((), recursive=True):
            if not any(p.standard for p in parameter.resource_policies.values()):
                continue
            arn = store.arn(parameter.name)
            try:
                ctx.authorize("ssm:DescribeParameters", arn, key=SharedParameter(parameter, arn, store.account_id))
            except AwsError:
                continue
            found.append((arn, store, parameter))
    found.sort(key=lambda item: item[0])
    return [(store, parameter) for _, store, parameter in found]


def ram_policy(arn: str, accounts: list[str], history: bool) -> str:
    """The policy a RAM resource share with AWS's managed permission writes."""
    actions = [*READ_ACTIONS, HISTORY_ACTION] if history else list(READ_ACTIONS)
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": accounts if len(accounts) > 1 else accounts[0]},
            "Action": actions,
            "Resource": arn,
        }],
    })


def share(store: ParameterStore, name: str, accounts: list[str], history: bool) -> None:
    """What a standard RAM resource share does to a parameter (used by the handle)."""
    parameter = store.find(name)
    if parameter is None:
        raise ParameterNotFound(f"Parameter {name} not found.")
    _check_shareable(parameter)
    attach(store, parameter, ram_policy(store.arn(parameter.name), accounts, history), standard=True)
