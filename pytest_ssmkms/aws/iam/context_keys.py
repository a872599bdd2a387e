"""The request context: condition key values derived from the call, the caller and the key.

Handlers pass the keys specific to a request (``ssm:Overwrite``, ``kms:EncryptionContext:...``,
``kms:RequestAlias``, ...); the global ones are derived here, one at a time and only when a
policy asks (most calls match statements without conditions). Two conveniences for handlers:
``"kms:EncryptionContext": {...}`` expands to one ``kms:EncryptionContext:<k>`` per pair plus
``kms:EncryptionContextKeys``, and ``"aws:ResourceTag": {...}`` (likewise ``aws:RequestTag``)
to one ``aws:ResourceTag/<k>`` per tag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.iam.conditions import normalize_key
from pytest_ssmkms.aws.partitions import dns_suffix

if TYPE_CHECKING:
    from pytest_ssmkms.aws.context import AuthorizationRequest, CallContext, Caller

Keys = dict[str, Any]
_EC = "kms:encryptioncontext:"
_RESOURCE_TAG = "aws:resourcetag/"
_PRINCIPAL_TAG = "aws:principaltag/"


def principal_arn(caller: Caller) -> str:
    """aws:PrincipalArn: a user's ARN; for a role session, the role's ARN."""
    found = getattr(caller.principal, "arn", None)
    if isinstance(found, str):
        return found
    if caller.type == "AssumedRole" and ":assumed-role/" in caller.arn:
        prefix, _, rest = caller.arn.partition(":assumed-role/")
        account = prefix.rsplit(":", 1)[-1]
        partition = prefix.split(":", 2)[1] if prefix.count(":") >= 2 else "aws"
        return f"arn:{partition}:iam::{account}:role/{rest.split('/', 1)[0]}"
    return caller.arn


def _text(value: Any) -> str | tuple[str, ...] | None:
    if value is None:
        return None
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_text(item) for item in value]
        return tuple(item for item in items if isinstance(item, str))
    if hasattr(value, "isoformat"):
        return str(value.isoformat()).replace("+00:00", "Z")
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
        name = alias if isinstance(alias, str) else getattr(alias, "name", None)
        if isinstance(name, str):
            names.append(name)
    return tuple(names)


def add(keys: Keys, name: str, value: Any) -> None:
    """Add one handler-given key, expanding the dict-valued conveniences."""
    lower = name.lower()
    if lower == "kms:encryptioncontext" and isinstance(value, Mapping):
        for context_key, context_value in value.items():
            keys[_EC + str(context_key)] = str(context_value)
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


Derive = Callable[["CallContext", "AuthorizationRequest"], Any]


def _is_kms(auth: AuthorizationRequest) -> bool:
    return auth.action[:4].lower() == "kms:"


def _via_service(ctx: CallContext, auth: AuthorizationRequest) -> str | None:
    if not ctx.invoked_by or not _is_kms(auth):
        return None
    # The service's host name in the Region's partition (ssm.cn-north-1.amazonaws.com.cn).
    return f"{ctx.invoked_by.split('.', 1)[0]}.{ctx.region}.{dns_suffix(ctx.region)}"


def _from_key(attribute: str) -> Derive:
    def derive(ctx: CallContext, auth: AuthorizationRequest) -> Any:
        value = getattr(auth.key, attribute, None) if _is_kms(auth) else None
        return value if isinstance(value, str) else None

    return derive


# Global keys, derived on demand: name (normalized) -> how.
DERIVED: dict[str, Derive] = {
    "aws:principalarn": lambda ctx, auth: principal_arn(ctx.caller),
    "aws:principalaccount": lambda ctx, auth: ctx.caller.account_id,
    "aws:principaltype": lambda ctx, auth: "AssumedRole" if ctx.caller.type == "AssumedRole" else "User",
    "aws:userid": lambda ctx, auth: ctx.caller.principal_id,
    "aws:username": lambda ctx, auth: ctx.caller.user_name if ctx.caller.type == "IAMUser" else None,
    "aws:requestedregion": lambda ctx, auth: ctx.region,
    "aws:currenttime": lambda ctx, auth: _text(ctx.event_time),
    "aws:epochtime": lambda ctx, auth: str(int(ctx.event_time.timestamp())),
    "aws:securetransport": lambda ctx, auth: "true",
    "aws:viaawsservice": lambda ctx, auth: "true" if ctx.invoked_by else "false",
    "aws:calledvia": lambda ctx, auth: tuple(ctx.called_via) if ctx.called_via else None,
    "aws:calledviafirst": lambda ctx, auth: ctx.called_via[0] if ctx.called_via else None,
    "aws:calledvialast": lambda ctx, auth: ctx.called_via[-1] if ctx.called_via else None,
    # A service calling on your behalf does not carry your source IP.
    "aws:sourceip": lambda ctx, auth: None if ctx.invoked_by else ctx.source_ip,
    "kms:calleraccount": lambda ctx, auth: ctx.caller.account_id if _is_kms(auth) else None,
    "kms:viaservice": _via_service,
    "kms:keyspec": _from_key("key_spec"),
    "kms:keyusage": _from_key("key_usage"),
    "kms:keyorigin": _from_key("origin"),
    "kms:resourcealiases": lambda ctx, auth: _alias_names(getattr(auth.key, "aliases", None)) if _is_kms(auth) else None,
}


class RequestKeys(Mapping[str, Any]):
    """The request context of one authorization, keyed by normalized condition key name."""

    __slots__ = ("_ctx", "_auth", "_given", "_derived", "_reads", "_whole")

    def __init__(self, ctx: CallContext, auth: AuthorizationRequest) -> None:
        self._ctx = ctx
        self._auth = auth
        self._given: Keys | None = None
        self._derived: Keys = {}
        # What a decision read, in order, so that the authorizer can reuse the decision for a
        # request that gives the same values; _whole when something read the context whole.
        self._reads: list[tuple[str, Any]] = []
        self._whole = False

    def given(self) -> Keys:
        """The keys the handler passed, normalized (built once)."""
        if self._given is None:
            given: Keys = {}
            for name, value in self._auth.conditions.items():
                add(given, name, value)
            if "kms:encryptioncontextkeys" not in given:
                context_keys = tuple(k[len(_EC) :] for k in given if k.startswith(_EC))
                if context_keys:
                    given["kms:encryptioncontextkeys"] = context_keys
            self._given = given
        return self._given

    def untouched(self) -> bool:
        """Whether no key was read yet (a decision made so did not depend on any)."""
        return self._given is None and not self._derived

    def reads(self) -> tuple[tuple[str, Any], ...] | None:
        """The keys read so far with the values they had (absent: None), or None when the
        context was read whole (its keys enumerated), which no list of reads describes."""
        return None if self._whole else tuple(self._reads)

    def same_reads(self, reads: tuple[tuple[str, Any], ...]) -> bool:
        """Whether each key of ``reads`` has the same value in this request."""
        return all(self._value(name) == value for name, value in reads)

    def given_whole(self) -> Keys:
        """:meth:`given` for a reader that goes through every given key."""
        self._whole = True
        return self.given()

    def get(self, name: str, default: Any = None) -> Any:
        value = self._value(name)
        self._reads.append((name, value))
        return default if value is None else value

    def _value(self, name: str) -> Any:
        if name not in DERIVED:  # global keys are never the handler's to give
            given = self.given()
            if name in given:
                return given[name]
        if name in self._derived:
            return self._derived[name]
        value = self._derive(name)
        self._derived[name] = value
        return value

    def _derive(self, name: str) -> Any:
        how = DERIVED.get(name)
        if how is not None:
            return how(self._ctx, self._auth)
        if name.startswith(_PRINCIPAL_TAG):
            # A role session's tags (AssumeRole's Tags); tag keys compare case-insensitively.
            for tag, value in _tags(getattr(self._ctx.caller.principal, "tags", None)).items():
                if tag.lower() == name[len(_PRINCIPAL_TAG) :]:
                    return value
            return None
        if name.startswith(_RESOURCE_TAG) and self._auth.key is not None and _is_kms(self._auth):
            for tag, value in _tags(getattr(self._auth.key, "tags", None)).items():
                if tag.lower() == name[len(_RESOURCE_TAG) :]:
                    return value
        return None

    def __getitem__(self, name: str) -> Any:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def _all(self) -> Keys:
        self._whole = True
        everything: Keys = {}
        for name in DERIVED:
            value = self.get(name)
            if value is not None:
                everything[name] = value
        if self._auth.key is not None and _is_kms(self._auth):
            for tag, value in _tags(getattr(self._auth.key, "tags", None)).items():
                everything[_RESOURCE_TAG + tag.lower()] = value
        everything.update(self.given())
        return everything

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def build_keys(ctx: CallContext, request: AuthorizationRequest) -> Keys:
    """Every key of the request context, materialized (for inspection and tests)."""
    return dict(RequestKeys(ctx, request))


def encryption_context(keys: Mapping[str, Any]) -> dict[str, str]:
    """The request's encryption context, read back from its condition keys (for grants)."""
    source = keys.given_whole() if isinstance(keys, RequestKeys) else keys
    return {k[len(_EC) :]: v for k, v in source.items() if k.startswith(_EC) and isinstance(v, str)}
