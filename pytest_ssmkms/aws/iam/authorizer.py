"""The authorizer handlers reach through ``ctx.authorize``: AWS's evaluation logic over the
caller's identity policies, the key policy and the key's grants.

- SSM (and KMS calls on no particular key): identity policies alone decide.
- KMS on a key: an explicit deny anywhere wins; else the key policy allows the caller directly
  (or everyone), or a grant does, or the key policy delegates to the account
  (``arn:aws:iam::<acct>:root``) and an identity policy allows; else implicit deny.
  Across accounts, both the key policy (or a grant) and an identity policy must allow.

The deciding statement goes in ``ctx.notes["decision"]`` (the trail shows it) and is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.errors import AccessDeniedException, AwsError
from pytest_ssmkms.aws.iam.context_keys import RequestKeys, encryption_context, principal_arn
from pytest_ssmkms.aws.iam.evaluation import (
    Outcome,
    PrincipalRef,
    Request,
    evaluate_identity,
    evaluate_resource,
    grant_allows,
)
from pytest_ssmkms.aws.iam.managed import aws_managed_key_policy, default_key_policy
from pytest_ssmkms.aws.partitions import partition_of_arn
from pytest_ssmkms.aws.iam.policy import Policy, PolicyError, Statement, parse_key_policy, parse_policy

if TYPE_CHECKING:
    from pytest_ssmkms.aws.context import AuthorizationRequest, CallContext, Caller

IDENTITY = "identity-based policy"
RESOURCE = "resource-based policy"

ADMIN_POLICY = parse_policy(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    resource_policy=False,
    name="default credentials (account administrator)",
)
_ADMIN_ALLOW = (ADMIN_POLICY, ADMIN_POLICY.statements[0])


def authorize(ctx: CallContext, request: AuthorizationRequest) -> dict[str, Any] | None:
    """Raise AccessDeniedException unless the caller may perform the request; return the
    decision (also left in ``ctx.notes["decision"]`` for the trail)."""
    return decide(ctx, request.action, request.resource, request.conditions, request.key, request)


# Allow decisions per World. A decision depends only on what its cache key holds and on the
# condition keys it read (conditions, policy variables): an entry keeps those reads with their
# values, and serves a request only where each has the same value (the evaluation is a pure
# function of them, so it would take the same path). A decision that read the request context
# whole is not kept. Each entry keeps the objects whose ids are in the key, so no id is reused
# while it lives.
_CACHE_LIMIT = 4096


def decide(
    ctx: CallContext,
    action: str,
    resource: str,
    conditions: dict[str, Any] | Callable[[], dict[str, Any]],
    key: Any,
    request: AuthorizationRequest | None = None,
) -> dict[str, Any] | None:
    """:func:`authorize` for ``ctx.authorize``: the AuthorizationRequest is built only when
    the decision is not known yet."""
    world = ctx.backend.world
    if not world.settings.enforce_permissions:
        return None
    caller = ctx.caller
    principal = caller.principal
    if principal is None and key is None:
        decision = dict(_ADMIN_DECISION)  # a copy per call: records must not share a mutable dict
        ctx.notes["decision"] = decision
        return decision
    policies = getattr(principal, "policies", None)
    key_policy: Policy | None = None
    cache_key: tuple[Any, ...] | None = None
    if key is None:
        cache_key = (action, resource, caller.arn, caller.account_id, id(principal), id(policies))
    elif not getattr(key, "grants", None):  # grants are never cached: they come and go
        text = getattr(key, "policy", None)
        try:
            # key_policy_of(key, ctx) for a key with a policy text, without the call.
            key_policy = parse_key_policy(text) if type(text) is str and text else None
        except PolicyError:
            key_policy = None
        if key_policy is None:
            key_policy = key_policy_of(key, ctx)  # raises UnusableKeyPolicy for a bad text
        key_account = getattr(key, "account_id", None) or ctx.backend.account_id
        cache_key = (
            id(key_policy), action, resource, caller.arn, caller.account_id, caller.type,
            id(principal), id(policies), key_account,
        )
    cache: dict[tuple[Any, ...], Any] = world.decisions
    hit = cache.get(cache_key) if cache_key is not None else None
    if hit is not None and not (hit[0] is key_policy and hit[1] is principal and hit[2] is policies):
        hit = None
    if hit is not None and not hit[4]:
        decision = dict(hit[3])
        ctx.notes["decision"] = decision
        return decision
    if request is None:
        from pytest_ssmkms.aws.context import AuthorizationRequest

        given = conditions() if callable(conditions) else conditions
        request = AuthorizationRequest(action, resource, given, key)
    keys = RequestKeys(ctx, request)
    if hit is not None and keys.same_reads(hit[4]):
        decision = dict(hit[3])
        ctx.notes["decision"] = decision
        return decision
    if key is not None:
        decision = _authorize_key(ctx, request, keys, key_policy)
    else:
        decision = _authorize_identity(ctx, request, keys)
    if decision["effect"] == "Allow":
        decision = _session_gate(ctx, request, keys, decision)
    ctx.notes["decision"] = decision
    if decision["effect"] != "Allow":
        raise AccessDeniedException(decision["reason"])
    reads = keys.reads() if cache_key is not None else None
    if cache_key is not None and reads is not None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[cache_key] = (key_policy, principal, policies, dict(decision), reads)
    return decision


SESSION = "session policy"


def _session_gate(
    ctx: CallContext, auth: AuthorizationRequest, keys: RequestKeys, decision: dict[str, Any]
) -> dict[str, Any]:
    """A role session made with a session policy (AssumeRole's ``Policy``) may do only what
    both its role's policies and the session policy allow; a deny in the session policy wins.

    AWS lets a resource-based policy that names the session's own ARN bypass the session
    policy; here the session policy limits every allow (a simplification: such policies are
    rare, and the limit errs on the side of refusing)."""
    session_policy = getattr(ctx.caller.principal, "session_policy", None)
    if not isinstance(session_policy, Policy):
        return decision
    outcome = evaluate_identity((session_policy,), Request(auth.action, auth.resource, keys))
    if outcome.deny is not None:
        return _decision("Deny", SESSION, outcome.deny, _denied(ctx, auth, explicit=SESSION))
    if outcome.allow is None:
        return _decision("ImplicitDeny", SESSION, None, _denied(ctx, auth, missing=SESSION))
    return decision


def authorize_trust(
    ctx: CallContext, action: str, role_arn: str, trust: Policy | None, conditions: dict[str, Any]
) -> dict[str, Any] | None:
    """Raise AccessDeniedException unless the caller may ``action`` (``sts:AssumeRole``,
    ``sts:TagSession``, ...) the role ``role_arn`` whose trust policy is ``trust`` (None: no
    such role, which AWS answers exactly as a refusal).

    Trust policies are evaluated like key policies (the IAM guide: "Role trust policies and
    KMS key policies are exceptions ... they must explicitly allow access for principals"): a
    statement naming the caller is enough in its own account; one naming the account needs
    an identity policy that allows too; across accounts both must allow. The text is STS's,
    without a reason (public transcripts of AssumeRole refusals, 2017-2025)."""
    from pytest_ssmkms.aws.context import AuthorizationRequest

    if ctx.trusted:
        return None
    refused = f"User: {ctx.caller.arn} is not authorized to perform: {action} on resource: {role_arn}"
    if trust is None:
        ctx.notes["decision"] = _decision("ImplicitDeny", RESOURCE, None, "no such role")
        raise AccessDeniedException(refused)
    if not ctx.backend.world.settings.enforce_permissions:
        return None
    auth = AuthorizationRequest(action, role_arn, conditions)
    keys = RequestKeys(ctx, auth)
    request = Request(action, role_arn, keys)
    on_role = evaluate_resource(trust, request, principal_ref(ctx.caller))
    identity = _identity(ctx, request)
    role_account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ctx.backend.account_id
    if on_role.deny is not None:
        decision = _decision("Deny", "trust policy", on_role.deny, refused)
    elif identity.deny is not None:
        decision = _decision("Deny", IDENTITY, identity.deny, refused)
    elif on_role.allow is not None and ctx.caller.account_id == role_account:
        decision = _decision("Allow", "trust policy", on_role.allow, "allowed by the role's trust policy")
    elif (on_role.allow or on_role.account_allow) is not None and identity.allow is not None:
        decision = _decision(
            "Allow", IDENTITY, identity.allow,
            "the role's trust policy trusts the account, and an identity-based policy allows",
            on_role.allow or on_role.account_allow,
        )
    elif on_role.allow is None and on_role.account_allow is None:
        decision = _decision("ImplicitDeny", "trust policy", None, refused)
    else:
        decision = _decision("ImplicitDeny", IDENTITY, None, refused)
    if decision["effect"] == "Allow":
        decision = _session_gate(ctx, auth, keys, decision)
        if decision["effect"] != "Allow":
            decision["reason"] = refused
    ctx.notes["decision"] = decision
    if decision["effect"] != "Allow":
        raise AccessDeniedException(refused)
    return decision


def _identity_policies(caller: Caller) -> tuple[Policy, ...]:
    return tuple(getattr(caller.principal, "policies", ()))


def _identity(ctx: CallContext, request: Request) -> Outcome:
    if ctx.caller.principal is None:
        return Outcome(allow=_ADMIN_ALLOW)  # the default credentials: "*" on "*"
    return evaluate_identity(_identity_policies(ctx.caller), request)


def _authorize_identity(ctx: CallContext, auth: AuthorizationRequest, keys: RequestKeys) -> dict[str, Any]:
    if ctx.caller.principal is None:
        return dict(_ADMIN_DECISION)  # a copy per call: records must not share a mutable dict
    request = Request(auth.action, auth.resource, keys)
    outcome = _identity(ctx, request)
    if outcome.deny is not None:
        return _decision("Deny", IDENTITY, outcome.deny, _denied(ctx, auth, explicit=IDENTITY))
    if outcome.allow is not None:
        return _decision("Allow", IDENTITY, outcome.allow, "allowed by an identity-based policy")
    return _decision("ImplicitDeny", IDENTITY, None, _denied(ctx, auth, missing=IDENTITY))


def _authorize_key(
    ctx: CallContext, auth: AuthorizationRequest, keys: RequestKeys, key_policy: Policy | None
) -> dict[str, Any]:
    key = auth.key
    request = Request(auth.action, auth.resource, keys)
    who = principal_ref(ctx.caller)
    if key_policy is None:
        key_policy = key_policy_of(key, ctx)
    on_key = evaluate_resource(key_policy, request, who)
    if on_key.deny is not None:
        return _decision("Deny", RESOURCE, on_key.deny, _denied(ctx, auth, explicit=RESOURCE))
    identity = _identity(ctx, request)
    if identity.deny is not None:
        return _decision("Deny", IDENTITY, identity.deny, _denied(ctx, auth, explicit=IDENTITY))
    grant = _matching_grant(key, auth.action, who, request)
    key_account = getattr(key, "account_id", None) or ctx.backend.account_id
    if ctx.caller.account_id != key_account:
        # Cross-account: the key policy must let the account in, and the caller's own account
        # must allow it too. A grant is enough by itself (KMS documents grants as usable by
        # external grantees without policies; unverified beyond that).
        if grant is not None:
            return _grant_decision(grant)
        if on_key.allow is None and on_key.account_allow is None:
            return _decision("ImplicitDeny", RESOURCE, None, _denied(ctx, auth, missing=RESOURCE))
        if identity.allow is None:
            return _decision("ImplicitDeny", IDENTITY, None, _denied(ctx, auth, missing=IDENTITY))
        return _decision("Allow", IDENTITY, identity.allow, "allowed by the key policy and an identity-based policy",
                         on_key.allow or on_key.account_allow)
    if on_key.allow is not None:
        return _decision("Allow", RESOURCE, on_key.allow, "allowed by the key policy")
    if grant is not None:
        return _grant_decision(grant)
    if on_key.account_allow is not None:
        if identity.allow is not None:
            return _decision(
                "Allow", IDENTITY, identity.allow,
                "the key policy delegates to the account's IAM policies, and an identity-based policy allows",
                on_key.account_allow,
            )
        return _decision("ImplicitDeny", IDENTITY, None, _denied(ctx, auth, missing=IDENTITY), on_key.account_allow)
    return _decision("ImplicitDeny", RESOURCE, None, _denied(ctx, auth, missing=RESOURCE))


def principal_ref(caller: Caller) -> PrincipalRef:
    # Not cached globally: a cache would keep callers, their principals and worlds alive.
    cached = getattr(caller.principal, "ref", None)
    if isinstance(cached, PrincipalRef):
        return cached
    if caller.principal is None:
        return _plain_ref(caller.account_id, caller.arn, caller.type)
    return PrincipalRef(caller.account_id, frozenset({caller.arn, principal_arn(caller)}))


@lru_cache(maxsize=256)
def _plain_ref(account_id: str, arn: str, kind: str) -> PrincipalRef:
    """The reference of a caller without a principal (strings in, strings out: safe to keep)."""
    from pytest_ssmkms.aws.context import Caller

    caller = Caller(type=kind, arn=arn, principal_id="", account_id=account_id,
                    access_key_id="", user_name="")
    return PrincipalRef(account_id, frozenset({arn, principal_arn(caller)}))


def key_policy_of(key: Any, ctx: CallContext) -> Policy:
    """The key's policy, parsed (cached by text); a key without one gets what AWS would give it."""
    text = getattr(key, "policy", None)
    if not isinstance(text, str) or not text:
        account = getattr(key, "account_id", None) or ctx.backend.account_id
        service = _aws_managed_service(key)
        if service is not None:
            region = _key_region(key) or ctx.region
            text = aws_managed_key_policy(service, account, region)
        else:
            text = default_key_policy(account, partition_of_arn(getattr(key, "arn", "") or ""))
    try:
        return parse_key_policy(text)
    except PolicyError as error:
        # KMS validates policies before storing them; this is a key seeded around that check.
        raise UnusableKeyPolicy(
            f"The key policy of {getattr(key, 'arn', 'this key')} cannot be evaluated: {error}"
        ) from None


class UnusableKeyPolicy(AwsError):
    code = "MalformedPolicyDocumentException"


def _aws_managed_service(key: Any) -> str | None:
    if getattr(key, "key_manager", "CUSTOMER") != "AWS":
        return None
    for alias in getattr(key, "aliases", None) or ():
        name = alias if isinstance(alias, str) else getattr(alias, "name", "")
        if isinstance(name, str) and name.startswith("alias/aws/"):
            return name[len("alias/aws/") :]
    return None


def _key_region(key: Any) -> str | None:
    arn = getattr(key, "arn", None)
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[3] if len(parts) > 3 and parts[3] else None


def _matching_grant(key: Any, action: str, who: PrincipalRef, request: Request) -> Any:
    grants = getattr(key, "grants", None)
    if not grants:
        return None
    if isinstance(grants, Mapping):
        grants = grants.values()
    operation = action.split(":", 1)[-1]
    context: dict[str, str] | None = None
    for grant in grants:
        if getattr(grant, "grantee_principal", None) not in who.arns:
            continue
        if context is None:
            context = encryption_context(request.keys)
        constraints = getattr(grant, "constraints", None)
        source_arn = (
            request.lookup("aws:SourceArn")
            if isinstance(constraints, Mapping) and "SourceArn" in constraints
            else None
        )
        if grant_allows(grant, operation, who, context, source_arn):
            return grant
    return None


def _denied(ctx: CallContext, auth: AuthorizationRequest, *, explicit: str = "", missing: str = "") -> str:
    """AWS's AccessDenied text, e.g. "... because no identity-based policy allows the
    ssm:GetParameter action" or "... with an explicit deny in a resource-based policy"."""
    head = f"User: {ctx.caller.arn} is not authorized to perform: {auth.action} on resource: {auth.resource}"
    if explicit:
        article = "an" if explicit == IDENTITY else "a"
        return f"{head} with an explicit deny in {article} {explicit}"
    return f"{head} because no {missing} allows the {auth.action} action"


def _decision(
    effect: str,
    policy_type: str,
    match: tuple[Policy, Statement] | None,
    reason: str,
    key_statement: tuple[Policy, Statement] | None = None,
) -> dict[str, Any]:
    decision: dict[str, Any] = {"effect": effect, "policyType": policy_type, "reason": reason}
    if match is not None:
        decision["policy"] = match[0].name
        decision["statement"] = match[1].source
    if key_statement is not None:
        decision["keyPolicyStatement"] = key_statement[1].source
    return decision


def _grant_decision(grant: Any) -> dict[str, Any]:
    return {
        "effect": "Allow",
        "policyType": "grant",
        "reason": "allowed by a grant",
        "grantId": getattr(grant, "grant_id", None),
        "grantName": getattr(grant, "name", None),
        "operations": list(getattr(grant, "operations", ()) or ()),
    }


_ADMIN_DECISION = _decision("Allow", IDENTITY, _ADMIN_ALLOW, "the default credentials act as the account administrator")
