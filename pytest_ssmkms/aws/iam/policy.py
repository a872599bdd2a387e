"""Policy documents: parsed and checked once, into statements ready to evaluate.

Identity policies (given to principals) and key policies (resource-based) share the grammar;
only key policies name a Principal. A malformed document raises :class:`PolicyError` saying
what is wrong; KMS turns it into MalformedPolicyDocumentException, principals into a
PluginUsageError.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pytest_ssmkms.aws.iam.conditions import OPERATORS, Condition, parse_operator
from pytest_ssmkms.aws.iam.patterns import AnyOf
from pytest_ssmkms.aws.jsondoc import load_bounded

VERSIONS = ("2012-10-17", "2008-10-17")
_DOCUMENT_ELEMENTS = {"Version", "Id", "Statement"}
_STATEMENT_ELEMENTS = {
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
    "Resource", "NotResource", "Condition",
}
_ACTION = re.compile(r"^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]*)$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_AWS_PRINCIPAL = re.compile(
    r"^arn:aws[a-z-]*:(iam::\d{12}:(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)"
    r"|sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+)$"
)
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")
_NEVER = AnyOf(())


class PolicyError(ValueError):
    """A policy document that AWS would refuse; the text says what is wrong."""


@dataclass(frozen=True)
class Principals:
    """A Principal or NotPrincipal element: ``everyone`` for "*", else named principals."""

    everyone: bool = False
    aws: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # Federated / CanonicalUser: never a caller of this mock


@dataclass(frozen=True)
class Statement:
    effect: str  # "Allow" or "Deny"
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[Condition, ...]
    principals: Principals | None = None
    not_principal: bool = False
    sid: str | None = None
    # Policy variables are read only in Version 2012-10-17 documents, as in IAM.
    variables: bool = True
    # The statement as written, for the trail's "which statement decided" field.
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Compiled once: the Action patterns, matched case-insensitively; Resource "*" alone.
    action_pattern: AnyOf = field(default=_NEVER, compare=False, repr=False)
    any_resource: bool = field(default=False, compare=False, repr=False)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


@dataclass(frozen=True)
class Policy:
    name: str
    statements: tuple[Statement, ...]
    version: str
    text: str = field(compare=False, repr=False, default="")


def load_document(document: Any) -> dict[str, Any]:
    """A dict, or a JSON string of one."""
    if isinstance(document, (bytes, bytearray)):
        document = document.decode("utf-8")
    if isinstance(document, str):
        try:
            document = load_bounded(document)
        except ValueError as error:
            raise PolicyError(f"the policy is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise PolicyError(
            f"a policy must be a JSON object with a Statement element, got {type(document).__name__}"
        )
    # A copy: the caller's dict may change later; the statements shown in the trail must not.
    return copy.deepcopy(document)


def parse_policy(
    document: Any, *, resource_policy: bool, name: str = "policy", trust: bool = False
) -> Policy:
    """Check ``document`` against the IAM policy grammar and compile it. ``trust``: a role's
    trust policy (resource-based, and without a Resource element: the role is the resource)."""
    resource_policy = resource_policy or trust
    data = load_document(document)
    unknown = sorted(set(data) - _DOCUMENT_ELEMENTS)
    if unknown:
        raise PolicyError(f"unknown policy element(s) {', '.join(unknown)}; allowed: Version, Id, Statement")
    version = data.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise PolicyError(f"Version must be one of {', '.join(VERSIONS)}, got {version!r}")
    raw = data.get("Statement")
    if raw is None:
        raise PolicyError("the policy has no Statement element")
    raws = raw if isinstance(raw, list) else [raw]
    if not raws:
        raise PolicyError("the policy's Statement list is empty")
    statements = []
    sids: set[str] = set()
    for index, item in enumerate(raws):
        statement = _statement(item, index, version == "2012-10-17", resource_policy, trust)
        if statement.sid:
            if statement.sid in sids:
                raise PolicyError(f"Statement IDs (SID) in a single policy must be unique: {statement.sid!r}")
            sids.add(statement.sid)
        statements.append(statement)
    text = document if isinstance(document, str) else json.dumps(data)
    return Policy(name, tuple(statements), version, text)


@lru_cache(maxsize=512)
def parse_key_policy(text: str) -> Policy:
    """A key policy, parsed once per distinct text (keys share default policies)."""
    return parse_policy(text, resource_policy=True, name="key policy")


def validate_policy_document(text: str) -> None:
    """Raise :class:`PolicyError` if ``text`` is not a valid key policy (KMS: wrap it in
    MalformedPolicyDocumentException)."""
    parse_key_policy(text)


def _where(index: int, item: dict[str, Any]) -> str:
    sid = item.get("Sid")
    return f"statement {index + 1}" + (f" ({sid})" if isinstance(sid, str) and sid else "")


def _statement(
    item: Any, index: int, variables: bool, resource_policy: bool, trust: bool = False
) -> Statement:
    if not isinstance(item, dict):
        raise PolicyError(f"statement {index + 1} must be a JSON object, got {type(item).__name__}")
    where = _where(index, item)
    unknown = sorted(set(item) - _STATEMENT_ELEMENTS)
    if unknown:
        raise PolicyError(f"{where} has unknown element(s) {', '.join(unknown)}")
    sid = item.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"{where}: Sid must be a string")
    effect = item.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"{where}: Effect must be \"Allow\" or \"Deny\", got {effect!r}")
    actions, not_action = _one_of(item, "Action", "NotAction", where)
    for action in actions:
        if not _ACTION.match(action):
            raise PolicyError(
                f"{where}: invalid action {action!r} (expected \"service:Operation\", wildcards allowed, "
                "or \"*\"; Actions/Condition can contain only one colon)"
            )
    if trust:
        # IAM refuses a trust policy naming resources with "Has prohibited field Resource".
        for element in ("Resource", "NotResource"):
            if element in item:
                raise PolicyError(f"{where}: Has prohibited field {element} (a trust policy's resource is its role)")
        resources: tuple[str, ...] = ("*",)
        not_resource = False
    elif "Resource" not in item and "NotResource" not in item:
        # Unverified for key policies: IAM's grammar requires it, and real key policies carry it.
        raise PolicyError(f"{where}: Policy statement must contain resources (Resource or NotResource)")
    else:
        resources, not_resource = _one_of(item, "Resource", "NotResource", where)
    principals: Principals | None = None
    not_principal = False
    has_principal = "Principal" in item or "NotPrincipal" in item
    if resource_policy:
        if not has_principal:
            kind = "trust" if trust else "key"
            raise PolicyError(f"{where}: a {kind} policy statement must name a Principal or NotPrincipal")
        if "Principal" in item and "NotPrincipal" in item:
            raise PolicyError(f"{where}: use either Principal or NotPrincipal, not both")
        not_principal = "NotPrincipal" in item
        principals = _principals(item["NotPrincipal" if not_principal else "Principal"], where)
    elif has_principal:
        raise PolicyError(f"{where}: Policy document should not specify a principal (identity policies have none)")
    conditions = _conditions(item.get("Condition"), where)
    return Statement(
        effect=effect,
        actions=actions,
        not_action=not_action,
        resources=resources,
        not_resource=not_resource,
        conditions=conditions,
        principals=principals,
        not_principal=not_principal,
        sid=sid,
        variables=variables,
        source=item,
        action_pattern=AnyOf(actions, ignore_case=True),
        any_resource=resources == ("*",) and not not_resource,
    )


def _strings(value: Any, element: str, where: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise PolicyError(f"{where}: {element} must not be empty")
    for entry in values:
        if not isinstance(entry, str) or not entry:
            raise PolicyError(f"{where}: {element} must be a string or a list of strings, got {entry!r}")
    return tuple(values)


def _one_of(item: dict[str, Any], name: str, negated: str, where: str) -> tuple[tuple[str, ...], bool]:
    if name in item and negated in item:
        raise PolicyError(f"{where}: use either {name} or {negated}, not both")
    if name in item:
        return _strings(item[name], name, where), False
    if negated in item:
        return _strings(item[negated], negated, where), True
    raise PolicyError(f"{where}: the statement needs an {name} or {negated} element")


def _principals(value: Any, where: str) -> Principals:
    invalid = f"{where}: Policy contains a statement with one or more invalid principals"
    if value == "*":
        return Principals(everyone=True)
    if not isinstance(value, dict) or not value:
        raise PolicyError(f"{invalid} (expected \"*\" or an object like {{\"AWS\": \"<ARN>\"}}, got {value!r})")
    aws: list[str] = []
    services: list[str] = []
    other: list[str] = []
    for kind, names in value.items():
        entries = _strings(names, f"Principal {kind}", where)
        if kind == "AWS":
            for entry in entries:
                if entry != "*" and not _ACCOUNT.match(entry) and not _AWS_PRINCIPAL.match(entry):
                    raise PolicyError(f"{invalid}: {entry!r} is not an account id or an IAM ARN")
            aws.extend(entries)
        elif kind == "Service":
            for entry in entries:
                if not _SERVICE_PRINCIPAL.match(entry):
                    raise PolicyError(f"{invalid}: {entry!r} is not a service principal like ssm.amazonaws.com")
            services.extend(entries)
        elif kind in ("Federated", "CanonicalUser"):
            other.extend(entries)
        else:
            raise PolicyError(f"{invalid}: unknown principal type {kind!r} (AWS, Service, Federated, CanonicalUser)")
    return Principals(everyone="*" in aws, aws=tuple(aws), services=tuple(services), other=tuple(other))


def _conditions(value: Any, where: str) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise PolicyError(f"{where}: Condition must be an object of operator -> {{key: values}}")
    conditions: list[Condition] = []
    for operator, block in value.items():
        try:
            base, qualifier, if_exists = parse_operator(operator)
        except ValueError as error:
            raise PolicyError(f"{where}: {error}; known operators: {', '.join(sorted(OPERATORS))}") from None
        if not isinstance(block, dict) or not block:
            raise PolicyError(f"{where}: Condition {operator} must map condition keys to values")
        for key, raw_values in block.items():
            if not isinstance(key, str) or ":" not in key:
                raise PolicyError(f"{where}: condition key {key!r} must look like \"aws:username\"")
            values = raw_values if isinstance(raw_values, list) else [raw_values]
            if not values:
                raise PolicyError(f"{where}: condition {operator} {key} has no values")
            texts: list[str] = []
            for entry in values:
                if isinstance(entry, bool):
                    texts.append("true" if entry else "false")
                elif isinstance(entry, (int, float, str)):
                    texts.append(str(entry))
                else:
                    raise PolicyError(f"{where}: condition {operator} {key} has a value of type {type(entry).__name__}")
            try:
                conditions.append(Condition.build(operator, base, qualifier, if_exists, key, tuple(texts)))
            except ValueError as error:
                raise PolicyError(f"{where}: {error}") from None
    return tuple(conditions)
