"""The resources a call names: CloudTrail's ``resources`` and the ResourceName lookup attribute.

KMS records list the KMS key (``AWS::KMS::Key``, its ARN) that the call used, resolved from the
response when the call succeeded (Encrypt answers the key ARN even when called with an alias).
SSM records list the parameters (``AWS::SSM::Parameter``). A lookup by resource name matches a
key by its ARN, its id, or the alias / alias ARN the request named; a parameter by its name
(with or without the leading slash of a top-level name) or its ARN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.partitions import partition_id

if TYPE_CHECKING:
    from pytest_ssmkms.aws.trail.record import CallRecord

KEY_TYPE = "AWS::KMS::Key"
ALIAS_TYPE = "AWS::KMS::Alias"
PARAMETER_TYPE = "AWS::SSM::Parameter"
ROLE_TYPE = "AWS::IAM::Role"

_KMS_KEY_PARAMS = ("KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId")
_KMS_KEY_RESULTS = ("SourceKeyId", "KeyId")
_ALIAS_OPERATIONS = frozenset({"CreateAlias", "UpdateAlias", "DeleteAlias"})


@dataclass(frozen=True)
class Resource:
    arn: str
    type: str
    account_id: str
    name: str  # LookupEvents' ResourceName
    # Every string a ResourceName lookup may give for this resource.
    matches: frozenset[str]


def resources_of(record: CallRecord) -> tuple[list[Resource], frozenset[str]]:
    """(resources listed in the record, extra names a ResourceName lookup matches)."""
    if record.service == "kms":
        return _kms_resources(record)
    if record.service == "ssm":
        return _ssm_resources(record), frozenset()
    if record.service == "sts" and record.operation == "AssumeRole":
        # AssumeRole records list the role (AWS::IAM::Role), as real records show.
        arn = record.params.get("RoleArn")
        if isinstance(arn, str) and arn.count(":") >= 5:
            account = arn.split(":")[4]
            return [Resource(arn, ROLE_TYPE, account, arn, frozenset({arn}))], frozenset()
    return [], frozenset()


def _kms_resources(record: CallRecord) -> tuple[list[Resource], frozenset[str]]:
    ctx = record.ctx
    region, account = ctx.region, ctx.backend.account_id
    keys: dict[str, Resource] = {}
    aliases: dict[str, Resource] = {}
    result = record.result if isinstance(record.result, dict) else {}
    metadata = result.get("KeyMetadata")
    found: list[str] = []
    if isinstance(metadata, dict) and isinstance(metadata.get("Arn"), str):
        found.append(metadata["Arn"])
    found.extend(v for name in _KMS_KEY_RESULTS if isinstance(v := result.get(name), str))
    found.extend(v for name in _KMS_KEY_PARAMS if isinstance(v := record.params.get(name), str))
    alias_name = record.params.get("AliasName")
    if isinstance(alias_name, str):
        found.append(alias_name)
    for identifier in found:
        resource = _kms_identifier(identifier, region, account)
        if resource is None:
            continue
        target = aliases if resource.type == ALIAS_TYPE else keys
        target.setdefault(resource.arn, resource)
    listed = list(keys.values())
    # An alias is listed for alias operations, or when nothing resolved it to a key (a failed
    # Encrypt with an alias that does not exist); otherwise it only serves lookups.
    if record.operation in _ALIAS_OPERATIONS or not listed:
        listed.extend(aliases.values())
        extra: frozenset[str] = frozenset()
    else:
        extra = frozenset(name for alias in aliases.values() for name in alias.matches)
    return listed, extra


def _kms_identifier(identifier: str, region: str, account: str) -> Resource | None:
    if identifier.startswith("arn:"):
        parts = identifier.split(":", 5)
        if len(parts) < 6:
            return None
        account_id, tail = parts[4], parts[5]
        if tail.startswith("alias/"):
            return Resource(identifier, ALIAS_TYPE, account_id, identifier, frozenset({identifier, tail}))
        if tail.startswith("key/"):
            key_id = tail[4:]
            return Resource(identifier, KEY_TYPE, account_id, identifier, frozenset({identifier, key_id}))
        return None
    if identifier.startswith("alias/"):
        arn = f"arn:{partition_id(region)}:kms:{region}:{account}:{identifier}"
        return Resource(arn, ALIAS_TYPE, account, arn, frozenset({arn, identifier}))
    if not identifier:
        return None
    arn = f"arn:{partition_id(region)}:kms:{region}:{account}:key/{identifier}"
    return Resource(arn, KEY_TYPE, account, arn, frozenset({arn, identifier}))


def _ssm_resources(record: CallRecord) -> list[Resource]:
    ctx = record.ctx
    region, account = ctx.region, ctx.backend.account_id
    names: list[str] = []
    params = record.params
    if isinstance(params.get("Name"), str):
        names.append(params["Name"])
    if isinstance(params.get("Names"), list):
        names.extend(n for n in params["Names"] if isinstance(n, str))
    if params.get("ResourceType") == "Parameter" and isinstance(params.get("ResourceId"), str):
        names.append(params["ResourceId"])
    result: Any = record.result if isinstance(record.result, dict) else {}
    if record.operation == "GetParametersByPath":
        # Not verified: which parameters a ByPath record lists. We list the ones whose values
        # were returned, so that "which parameters did my code read" has an answer.
        names.extend(
            p["Name"] for p in result.get("Parameters", ()) if isinstance(p, dict) and "Name" in p
        )
    out: dict[str, Resource] = {}
    for text in names:
        name, arn = parameter_name_and_arn(text, region, account)
        if arn not in out:
            out[arn] = Resource(arn, PARAMETER_TYPE, account, name, _parameter_matches(name, arn))
    return list(out.values())


def parameter_name_and_arn(text: str, region: str, account: str) -> tuple[str, str]:
    """A parameter's name (selector stripped) and ARN from a name, ``name:label`` or ARN."""
    if text.startswith("arn:"):
        head, sep, tail = text.partition(":parameter/")
        if not sep:
            return text, text
        bare = tail.split(":", 1)[0]
        return ("/" + bare if "/" in bare else bare), head + sep + bare
    name = text.split(":", 1)[0]
    if name.lstrip("/").startswith("aws/"):
        account = ""  # AWS's public parameters belong to no account
    return name, f"arn:{partition_id(region)}:ssm:{region}:{account}:parameter/{name.lstrip('/')}"


def _parameter_matches(name: str, arn: str) -> frozenset[str]:
    bare = name.lstrip("/")
    return frozenset({name, arn, bare, "/" + bare})


def alias_target(backend: Any, alias: str) -> str | None:
    """The key id an alias (name or ARN) of ``backend``'s account and region points to now."""
    name = alias
    if alias.startswith("arn:"):
        parts = alias.split(":", 5)
        if len(parts) < 6 or (parts[3], parts[4]) != (backend.region, backend.account_id):
            return None
        name = parts[5]
    try:
        found = backend.kms.alias(name)
    except Exception:  # noqa: BLE001 - a lookup never fails because of the key registry
        return None
    target = getattr(found, "target_key_id", None)
    return target if isinstance(target, str) else None
