"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases."""

from __future__ import annotations

import re
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import states
from pytest_ssmkms.aws.kms.common import find_key, paginate, refuse_aws_managed, registry
from pytest_ssmkms.aws.kms.errors import (
    AlreadyExistsException,
    InvalidAliasNameException,
    LimitExceededException,
    NotAuthorizedException,
    NotFoundException,
)
from pytest_ssmkms.aws.kms.keys import Alias, Key

# Documented: "The alias name can contain only alphanumeric characters, forward slashes (/),
# underscores (_), and dashes (-)" (so no ':'), 1-256 characters with the alias/ prefix.
_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
MAX_ALIASES_PER_KEY = 50


def check_alias_name(name: str, *, creating: bool) -> None:
    """AWS's alias naming rules."""
    if not name.startswith("alias/"):
        raise ValidationException(
            'Alias must start with the prefix "alias/". Please see '
            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
        )
    if not creating:
        return  # UpdateAlias/DeleteAlias: a malformed name simply names no alias (NotFound)
    if name.startswith("alias/aws/"):
        # What KMS answers for the reserved prefix: NotAuthorizedException (a code outside
        # KMS's model) with no message, as tools recorded against KMS give it (local-kms,
        # moto); the name is reserved for AWS managed keys.
        raise NotAuthorizedException("")
    if not _NAME.match(name) or len(name) > 256:
        # Code documented (InvalidAliasNameException); text most likely, not recorded.
        raise InvalidAliasNameException(
            f"Alias name {name} is not valid: after alias/ use 1 to 250 letters, digits, "
            "and the characters / _ -"
        )


def _existing(ctx: CallContext, name: str) -> Alias:
    alias = registry(ctx).alias(name)
    if alias is None:
        raise NotFoundException(f"Alias {registry(ctx).alias_arn(name)} is not found.")
    return alias


def _check_target(ctx: CallContext, key: Key, action: str) -> None:
    ctx.authorize(action, key.arn, key=key)
    refuse_aws_managed(ctx, key, action)
    states.not_pending_deletion(key)
    if len(key.aliases) >= MAX_ALIASES_PER_KEY:
        raise LimitExceededException(
            f"A KMS key can have at most {MAX_ALIASES_PER_KEY} aliases: {key.arn} has "
            f"{len(key.aliases)}."
        )


def create_alias(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    check_alias_name(name, creating=True)
    key = find_key(ctx, params["TargetKeyId"], aliases=False)
    kms = registry(ctx)
    # CreateAlias needs permission on the alias and on the key.
    ctx.authorize("kms:CreateAlias", kms.alias_arn(name))
    _check_target(ctx, key, "kms:CreateAlias")
    if kms.alias(name) is not None:
        raise AlreadyExistsException(f"An alias with the name {kms.alias_arn(name)} already exists")
    kms.add_alias(name, key)
    return {}


def update_alias(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    check_alias_name(name, creating=False)
    alias = _existing(ctx, name)
    kms = registry(ctx)
    new = find_key(ctx, params["TargetKeyId"], aliases=False)
    ctx.authorize("kms:UpdateAlias", alias.arn)
    old = kms.key(alias.target_key_id or "")
    if old is not None:
        ctx.authorize("kms:UpdateAlias", old.arn, key=old)
        refuse_aws_managed(ctx, old, "kms:UpdateAlias")
    _check_target(ctx, new, "kms:UpdateAlias")
    if old is not None and (old.key_spec, old.key_usage) != (new.key_spec, new.key_usage):
        # Documented rule ("same key type and key usage"). The key-usage text as local-kms
        # (built against recorded KMS answers) gives it; the key-spec one in the same form.
        if old.key_usage != new.key_usage:
            raise ValidationException(
                f"Alias {name} cannot be changed from a CMK with key usage {old.key_usage} to a "
                f"CMK with key usage {new.key_usage}. The key usage of the current CMK and the "
                "new CMK must be the same."
            )
        raise ValidationException(
            f"Alias {name} cannot be changed from a CMK with key spec {old.key_spec} to a "
            f"CMK with key spec {new.key_spec}. The key spec of the current CMK and the "
            "new CMK must be the same."
        )
    kms.retarget_alias(alias, new)
    return {}


def delete_alias(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    check_alias_name(name, creating=False)
    alias = _existing(ctx, name)
    kms = registry(ctx)
    ctx.authorize("kms:DeleteAlias", alias.arn)
    key = kms.key(alias.target_key_id or "")
    if key is not None:
        ctx.authorize("kms:DeleteAlias", key.arn, key=key)
        refuse_aws_managed(ctx, key, "kms:DeleteAlias")
    kms.remove_alias(alias)
    return {}


def list_aliases(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    kms = registry(ctx)
    identifier = params.get("KeyId")
    if identifier is None:
        ctx.authorize("kms:ListAliases", "*")
        aliases = kms.aliases()
    else:
        key = find_key(ctx, identifier, aliases=False)
        ctx.authorize("kms:ListAliases", "*", key=key)
        aliases = [a for a in kms.aliases() if a.target_key_id == key.key_id]
    page, extra = paginate(aliases, params, default=50, maximum=100)
    return {"Aliases": [alias.entry() for alias in page], **extra}


OPERATIONS = {
    "CreateAlias": create_alias,
    "UpdateAlias": update_alias,
    "DeleteAlias": delete_alias,
    "ListAliases": list_aliases,
}
