"""Which statements apply to a request: pure policy evaluation, no AWS state.

The authorizer combines the outcomes the way AWS does (explicit deny, then allow, else
implicit deny; for KMS the key policy, the account's IAM policies and grants).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_ssmkms.aws.iam.conditions import normalize_key
from pytest_ssmkms.aws.iam.patterns import arn_match
from pytest_ssmkms.aws.iam.policy import Policy, Principals, Statement

ContextKeys = Mapping[str, "str | tuple[str, ...]"]

DIRECT = "direct"  # the statement names this principal (or everyone)
ACCOUNT = "account"  # the statement names the principal's account: IAM policies decide


class Request:
    """One authorization question. Condition keys are built only if a statement that matches
    on action, resource and principal has conditions or variables (most don't)."""

    __slots__ = ("action", "resource", "_factory", "_keys")

    def __init__(
        self, action: str, resource: str, keys: ContextKeys | Callable[[], ContextKeys]
    ) -> None:
        self.action = action
        self.resource = resource
        if callable(keys):
            self._factory: Callable[[], ContextKeys] | None = keys
            self._keys: ContextKeys | None = None
        else:
            self._factory = None
            self._keys = keys

    @property
    def keys(self) -> ContextKeys:
        if self._keys is None:
            assert self._factory is not None
            self._keys = self._factory()
        return self._keys

    def lookup(self, name: str) -> str | None:
        value = self.keys.get(normalize_key(name))
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class PrincipalRef:
    """The caller as key policies name it: its account and the ARNs that name it exactly
    (a user's ARN; a role session's role ARN and session ARN)."""

    account_id: str
    arns: frozenset[str]
    service: str | None = None


@dataclass
class Outcome:
    deny: tuple[Policy, Statement] | None = None
    allow: tuple[Policy, Statement] | None = None
    # Key policies only: an Allow naming the caller's account, which delegates to IAM policies.
    account_allow: tuple[Policy, Statement] | None = None


def action_matches(statement: Statement, action: str) -> bool:
    hit = statement.action_pattern.fullmatch(action)
    return hit != statement.not_action


def resource_matches(statement: Statement, request: Request) -> bool:
    if statement.any_resource:
        return True
    lookup = request.lookup if statement.variables else None
    hit = any(arn_match(pattern, request.resource, lookup=lookup) for pattern in statement.resources)
    return hit != statement.not_resource


def conditions_match(statement: Statement, request: Request) -> bool:
    if not statement.conditions:
        return True
    keys = request.keys
    lookup = request.lookup if statement.variables else None
    return all(condition.matches(keys, lookup) for condition in statement.conditions)


def principal_match(principals: Principals, who: PrincipalRef) -> str | None:
    """DIRECT, ACCOUNT or None: how a Principal element names ``who``."""
    if principals.everyone:
        return DIRECT
    for entry in principals.aws:
        if entry in who.arns:
            return DIRECT
    if who.service is not None and who.service in principals.services:
        return DIRECT
    for entry in principals.aws:
        if entry == who.account_id or (entry.startswith("arn:aws") and entry.endswith(f"::{who.account_id}:root")):
            return ACCOUNT
    return None


def statement_principal(statement: Statement, who: PrincipalRef) -> str | None:
    assert statement.principals is not None
    found = principal_match(statement.principals, who)
    if statement.not_principal:
        # Everyone but the listed principals; an unlisted caller counts as named directly.
        return None if found is not None else DIRECT
    return found


def applies(statement: Statement, request: Request) -> bool:
    return (
        action_matches(statement, request.action)
        and resource_matches(statement, request)
        and conditions_match(statement, request)
    )


def evaluate_identity(policies: Iterable[Policy], request: Request) -> Outcome:
    """Identity policies: the first explicit deny, else the first allow."""
    outcome = Outcome()
    for policy in policies:
        for statement in policy.statements:
            if outcome.allow is not None and statement.allows:
                continue
            if applies(statement, request):
                if not statement.allows:
                    outcome.deny = (policy, statement)
                    return outcome
                outcome.allow = (policy, statement)
    return outcome


def evaluate_resource(policy: Policy, request: Request, who: PrincipalRef) -> Outcome:
    """A resource-based (key) policy for the principal ``who``."""
    outcome = Outcome()
    for statement in policy.statements:
        if statement.allows and outcome.allow is not None:
            continue
        if not action_matches(statement, request.action):
            continue
        how = statement_principal(statement, who)
        if how is None:
            continue
        if statement.allows and how == ACCOUNT and outcome.account_allow is not None:
            continue
        if not (resource_matches(statement, request) and conditions_match(statement, request)):
            continue
        if not statement.allows:
            outcome.deny = (policy, statement)
            return outcome
        if how == DIRECT:
            outcome.allow = (policy, statement)
        else:
            outcome.account_allow = (policy, statement)
    return outcome


# Operations whose grant constraints apply: the ones that take an encryption context.
CONSTRAINED_OPERATIONS = frozenset(
    {
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    }
)


def grant_allows(
    grant: Any,
    operation: str,
    who: PrincipalRef,
    encryption_context: Mapping[str, str],
    source_arn: Any = None,
) -> bool:
    """Whether ``grant`` lets ``who`` perform ``operation`` (e.g. "Decrypt") with this context.

    Grant constraints compare context keys case-insensitively and values case-sensitively,
    as KMS documents for GrantConstraints. A SourceArn constraint (botocore 1.44) allows the
    grant only for a request made on behalf of that resource (``aws:SourceArn``), for every
    operation but RetireGrant, as documented."""
    grantee = getattr(grant, "grantee_principal", None)
    if grantee is None or grantee not in who.arns:
        return False
    if operation not in (getattr(grant, "operations", None) or ()):
        return False
    constraints = getattr(grant, "constraints", None) or {}
    if isinstance(constraints, Mapping) and constraints.get("SourceArn") is not None:
        if operation != "RetireGrant" and source_arn != constraints["SourceArn"]:
            return False
    if not constraints or operation not in CONSTRAINED_OPERATIONS:
        return True
    requested = {key.lower(): value for key, value in encryption_context.items()}
    equals = _constraint(constraints, "EncryptionContextEquals")
    if equals is not None:
        wanted = {key.lower(): value for key, value in equals.items()}
        if requested != wanted:
            return False
    subset = _constraint(constraints, "EncryptionContextSubset")
    if subset is not None:
        for key, value in subset.items():
            if requested.get(key.lower()) != value:
                return False
    return True


def _constraint(constraints: Any, name: str) -> Mapping[str, str] | None:
    if isinstance(constraints, Mapping):
        found = constraints.get(name)
    else:
        snake = "encryption_context_equals" if name.endswith("Equals") else "encryption_context_subset"
        found = getattr(constraints, snake, None)
    return found if isinstance(found, Mapping) else None
