"""Preseeding parameters (markers, handle methods): trusted, unrecorded, same rules as a put.

Seeding goes through the SSM operation table with a trusted system context, so SecureString
values are encrypted by KMS exactly as a user's PutParameter would have them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.errors import AwsError, PluginUsageError
from pytest_ssmkms.aws.models import operation_model
from pytest_ssmkms.wire.validation import input_check

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import Backend


def _check(operation: str) -> Callable[[dict[str, Any]], None]:
    # Seeds are refused where the same request would be: the wire's model validation.
    model = operation_model("ssm", operation)
    assert model is not None, operation
    return input_check(model)


def seed_parameter(
    backend: Backend,
    name: str,
    value: str,
    *,
    type: str = "String",  # noqa: A002 - named as the marker argument users write
    key_id: str | None = None,
    description: str | None = None,
    tier: str | None = None,
    labels: list[str] | None = None,
    tags: dict[str, str] | None = None,
    allowed_pattern: str | None = None,
    data_type: str | None = None,
    history: list[str] | None = None,
) -> None:
    """Create parameter ``name`` with ``value``; ``history`` values become earlier versions
    (oldest first) and ``labels`` go on the latest version.

    Raises PluginUsageError naming the parameter and the problem when AWS would refuse it."""
    where = f"cannot seed SSM parameter {name!r}"
    _check_types(where, name, value, labels, tags, history)
    ctx = backend.world.system_context(backend.region)
    common: dict[str, Any] = {"Name": name, "Type": type}
    for member, given in (
        ("KeyId", key_id),
        ("Description", description),
        ("Tier", tier),
        ("AllowedPattern", allowed_pattern),
        ("DataType", data_type),
    ):
        if given is not None:
            common[member] = given
    values = [*(history or ()), value]
    try:
        for index, item in enumerate(values):
            request = {**common, "Value": item}
            if index == 0 and tags:
                request["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
            if index > 0:
                request["Overwrite"] = True
            answer = backend.invoke("ssm", "PutParameter", request, ctx, check=_check("PutParameter"))
            stored = backend.ssm.find(name)
            if stored is None or stored.latest.version != answer["Version"]:
                # AWS's after-the-answer aws:ec2:image check dropped it: say so now.
                raise PluginUsageError(
                    f"{where}: {item!r} is not an AMI ID (ami- and 8 or 17 hexadecimal digits); "
                    "AWS answers such a put with success, then drops it"
                )
        if labels:
            result = backend.invoke(
                "ssm",
                "LabelParameterVersion",
                {"Name": name, "Labels": list(labels)},
                ctx,
                check=_check("LabelParameterVersion"),
            )
            if result["InvalidLabels"]:
                raise PluginUsageError(
                    f"{where}: invalid label(s) {', '.join(result['InvalidLabels'])} (labels are "
                    "1-100 letters, digits, '.', '-' or '_', and can't start with a digit, "
                    "'aws' or 'ssm')"
                )
    except AwsError as error:
        raise PluginUsageError(f"{where}: {error.code}: {error.message}") from None


def _check_types(
    where: str,
    name: object,
    value: object,
    labels: object,
    tags: object,
    history: object,
) -> None:
    if not isinstance(name, str) or not isinstance(value, str):
        raise PluginUsageError(f"{where}: the name and the value must be strings")
    if labels is not None and not (
        isinstance(labels, (list, tuple)) and all(isinstance(x, str) for x in labels)
    ):
        raise PluginUsageError(f"{where}: labels must be a list of strings")
    if tags is not None and not (
        isinstance(tags, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items())
    ):
        raise PluginUsageError(f"{where}: tags must be a dict of strings to strings")
    if history is not None and not (
        isinstance(history, (list, tuple)) and all(isinstance(x, str) for x in history)
    ):
        raise PluginUsageError(f"{where}: history must be a list of earlier values (strings)")


def set_public_parameter(world: Any, name: object, value: object, region: object, where: str) -> None:
    """Give a public parameter (``/aws/service/...``) another value for this mock, in one
    Region or (``region=None``) every Region; new names under a namespace are allowed."""
    from pytest_ssmkms.aws.partitions import known_regions
    from pytest_ssmkms.aws.ssm.names import check_name, is_public, key_of
    from pytest_ssmkms.aws.ssm.public import set_override

    if not isinstance(name, str) or not is_public(name.strip()) or not key_of(name.strip()).startswith("aws/service/"):
        raise PluginUsageError(f"{where}: name must be a public parameter name under /aws/service/, got {name!r}")
    try:
        name = check_name(name)
    except AwsError as error:
        raise PluginUsageError(f"{where}: {name!r} is not a valid parameter name: {error.message}") from None
    if len(key_of(name).split("/")) < 4:
        raise PluginUsageError(f"{where}: {name!r} names a namespace, not a parameter (/aws/service/<namespace>/...)")
    if not isinstance(value, str) or not 1 <= len(value) <= 4096:
        raise PluginUsageError(f"{where}: value must be a string of 1 to 4096 characters, got {value!r}")
    if region is not None and (not isinstance(region, str) or region not in known_regions()):
        raise PluginUsageError(f"{where}: region must be a Region code botocore knows, got {region!r}")
    with world.lock:
        set_override(world, name, value, region, world.clock.now())


def share_parameter(
    world: Any, name: object, accounts: object, history: object, region: object, where: str
) -> None:
    """A standard RAM resource share of one parameter with ``accounts`` (12-digit ids)."""
    from pytest_ssmkms.aws.ssm.sharing import share

    wanted = [accounts] if isinstance(accounts, str) else accounts
    if (
        not isinstance(wanted, (list, tuple))
        or not wanted
        or not all(isinstance(a, str) and len(a) == 12 and a.isdigit() for a in wanted)
    ):
        raise PluginUsageError(f"{where}: accounts must be 12-digit account ids, got {accounts!r}")
    if not isinstance(name, str):
        raise PluginUsageError(f"{where}: name must be a parameter name, got {name!r}")
    if region is not None and not isinstance(region, str):
        raise PluginUsageError(f"{where}: region must be a Region code, got {region!r}")
    with world.lock:
        store = world.backend(None, region).ssm
        try:
            share(store, name, list(wanted), bool(history))
        except AwsError as error:
            raise PluginUsageError(f"{where}: {error.message}") from None
