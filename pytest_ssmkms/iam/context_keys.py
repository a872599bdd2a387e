"""The request context: condition key values derived from the call, the caller and the key.

Handlers pass the keys specific to a request (``ssm:Overwrite``, ``kms:EncryptionContext:...``,
``kms:RequestAlias``, ...); the global ones are derived here. Two conveniences for handlers:
``"kms:EncryptionContext": {...}`` expands to one ``kms:EncryptionContext:<k>`` per pair plus
``kms:EncryptionContextKeys``, and ``"aws:ResourceTag": {...}`` (likewise ``aws:RequestTag``)
to one ``aws:ResourceTag/<k>`` per tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.iam.conditions import normalize_key

if TYPE_CHECKING:
    from pytest_ssmkms.context import AuthorizationRequest, CallContext, Caller

Keys = dict[str, "str | tuple[str, ...]"]


def principal_arn(caller: Caller) -> str:
    """aws:PrincipalArn: a user's ARN; for a role session, the role's ARN."""
    found = getattr(caller.principal, "arn", None)
    if isinstance(found, str):
        return found
    if caller.type == "AssumedRole" and ":assumed-role/" in caller.arn:
        prefix, _, rest = caller.arn.partition(":assumed-role/")
        account = prefix.rsplit(":", 1)[-1]
        return f"arn:aws:iam::{account}:role/{rest.split('/', 1)[0]}"
    return caller.arn


def _text(value: Any) -> str | tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_text(item) for item in value]
        return tuple(item for item in items if isinstance(item, str))
    return str(value)


def _tags(value: Any) -> dict[str, str]:
    """Tags as a dict, from a dict or a list of {"Key"/"TagKey", "Value"/"TagValue"}."""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    tags: dict[str, str] = {}
    for item in value or ():
        if isinstance(item, Mapping):
            name = item.get("TagKey", item.get("Key"))
            if name is not None:
                tags[str(name)] = str(item.get("TagValue", item.get("Value", "")))
    return tags


def _alias_names(value: Any) -> tuple[str, ...]:
    names = []
    for alias in value or ():
        name = alias if isinstance(alias, str) else getattr(alias, "name", None) or getattr(alias, "alias_name", None)
        if isinstance(name, str):
            names.append(name)
    return tuple(names)


def add(keys: Keys, name: str, value: Any) -> None:
    """Add one handler-given key, expanding the dict-valued conveniences."""
    lower = name.lower()
    if lower == "kms:encryptioncontext" and isinstance(value, Mapping):
        for context_key, context_value in value.items():
            keys[normalize_key(f"kms:EncryptionContext:{context_key}")] = str(context_value)
        keys.setdefault("kms:encryptioncontextkeys", tuple(str(k) for k in value))
        return
    if lower in ("aws:resourcetag", "aws:requesttag") and not isinstance(value, str):
        tags = _tags(value)
        for tag, tag_value in tags.items():
            keys[f"{lower}/{tag.lower()}"] = tag_value
        if lower == "aws:requesttag":
            keys.setdefault("aws:tagkeys", tuple(tags))
        return
    text = _text(value)
    if text is not None:
        keys[normalize_key(name)] = text


def build_keys(ctx: CallContext, request: AuthorizationRequest) -> Keys:
    caller = ctx.caller
    keys: Keys = {
        "aws:principalarn": principal_arn(caller),
        "aws:principalaccount": caller.account_id,
        "aws:principaltype": "AssumedRole" if caller.type == "AssumedRole" else "User",
        "aws:userid": caller.principal_id,
        "aws:requestedregion": ctx.region,
        "aws:currenttime": _text(ctx.event_time) or "",
        "aws:epochtime": str(int(ctx.event_time.timestamp())),
        "aws:securetransport": "true",
        "aws:viaawsservice": "true" if ctx.invoked_by else "false",
    }
    if caller.type == "IAMUser":
        keys["aws:username"] = caller.user_name
    if ctx.called_via:
        keys["aws:calledvia"] = tuple(ctx.called_via)
        keys["aws:calledviafirst"] = ctx.called_via[0]
        keys["aws:calledvialast"] = ctx.called_via[-1]
    if not ctx.invoked_by:
        keys["aws:sourceip"] = ctx.source_ip  # a service calling for you has no source IP of yours
    if request.action[:4].lower() == "kms:":
        keys["kms:calleraccount"] = caller.account_id
        if ctx.invoked_by:
            service = ctx.invoked_by.split(".", 1)[0]
            keys["kms:viaservice"] = f"{service}.{ctx.region}.amazonaws.com"
        key = request.key
        if key is not None:
            for name, attribute in (
                ("kms:keyspec", "key_spec"),
                ("kms:keyusage", "key_usage"),
                ("kms:keyorigin", "origin"),
            ):
                value = getattr(key, attribute, None)
                if isinstance(value, str):
                    keys[name] = value
            keys["kms:resourcealiases"] = _alias_names(getattr(key, "aliases", None))
            for tag, tag_value in _tags(getattr(key, "tags", None)).items():
                keys[f"aws:resourcetag/{tag.lower()}"] = tag_value
    for name, value in request.conditions.items():
        add(keys, name, value)
    if "kms:encryptioncontextkeys" not in keys:
        context_keys = tuple(k[len("kms:encryptioncontext:") :] for k in keys if k.startswith("kms:encryptioncontext:"))
        if context_keys:
            keys["kms:encryptioncontextkeys"] = context_keys
    return keys


def encryption_context(keys: Mapping[str, Any]) -> dict[str, str]:
    """The request's encryption context, read back from its condition keys (for grants)."""
    prefix = "kms:encryptioncontext:"
    return {k[len(prefix) :]: v for k, v in keys.items() if k.startswith(prefix) and isinstance(v, str)}
