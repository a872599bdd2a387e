"""Multi-Region keys: ReplicateKey, UpdatePrimaryRegion (the set itself: ``multi_region``)."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.strict import shift
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import states
from pytest_ssmkms.aws.kms.common import find_key, registry
from pytest_ssmkms.aws.kms.errors import (
    AlreadyExistsException,
    DisabledException,
    NotFoundException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import CREATING, DELETING, DISABLED, ENABLED, Key, Material
from pytest_ssmkms.aws.kms.multi_region import REPLICA_CREATION_TIME, partition_of
from pytest_ssmkms.aws.kms.policies import validate_policy
from pytest_ssmkms.aws.kms.tagging import merged, parse_tags, tag_list


def _primary(ctx: CallContext, params: dict[str, Any], action: str) -> Key:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize(action, key.arn, key=key)
    if not key.is_primary:
        # The text recorded from KMS for a replica (LocalStack's snapshot of ReplicateKey);
        # the same text assumed for a single-Region key, which is no primary either.
        raise UnsupportedOperationException(f"{key.arn} is not a multi-region primary key.")
    return key


def _check_region(key: Key, region: str) -> None:
    if partition_of(region) != partition_of(key.region):
        # Documented: replicas stay in their primary's partition. Exact text not documented.
        raise ValidationException(
            f"ReplicaRegion {region} is not in the partition of {key.arn} "
            f"({partition_of(key.region)})."
        )


def replicate_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    primary = _primary(ctx, params, "kms:ReplicateKey")
    if primary.state in DELETING:
        # Documented: a primary scheduled for deletion can't be replicated.
        raise states.invalid(primary)
    region = params["ReplicaRegion"]
    _check_region(primary, region)
    mrs = primary.multi_region_set
    assert mrs is not None
    target = registry(ctx).registry_in(region)
    existing = target.key(primary.key_id)
    if region == primary.region or existing is not None:
        # Documented: one replica per region (even one pending deletion). Text not documented.
        raise AlreadyExistsException(f"{target.key_arn(primary.key_id)} already exists.")
    tags = parse_tags(params.get("Tags") or [])
    merged({}, tags, creating=True)
    # kms:CreateKey (and kms:TagResource for Tags) in the replica's region, from IAM policies.
    conditions: dict[str, Any] = {
        "kms:KeySpec": primary.key_spec,
        "kms:KeyUsage": primary.key_usage,
        "kms:KeyOrigin": primary.origin,
        "kms:MultiRegion": True,
        "kms:MultiRegionKeyType": "REPLICA",
        "kms:ReplicaRegion": region,
    }
    ctx.authorize("kms:CreateKey", "*", conditions=conditions)
    if tags:
        ctx.authorize(
            "kms:TagResource",
            "*",
            conditions={
                "aws:TagKeys": list(tags),
                **{f"aws:RequestTag/{k}": v for k, v in tags.items()},
            },
        )
    policy = params.get("Policy")
    if policy is not None:
        from pytest_ssmkms.aws.kms.ops_policy_tags import check_lockout

        check_lockout(ctx, validate_policy(policy), params)
    replica = target.create_key(
        description=params.get("Description", ""),
        key_usage=primary.key_usage,
        key_spec=primary.key_spec,
        # Imported key material is not replicated: the replica waits for the same import.
        origin="EXTERNAL" if primary.origin == "EXTERNAL" else "AWS_KMS",
        policy=policy,
        tags=tags,
        key_id=primary.key_id,
    )
    _share(primary, replica)
    replica.multi_region_set = mrs
    mrs.arns[region] = replica.arn
    replica.state = CREATING
    replica.ready_at = shift(target.now(), REPLICA_CREATION_TIME)
    target.reschedule()
    out: dict[str, Any] = {
        "ReplicaKeyMetadata": replica.metadata(),
        "ReplicaPolicy": replica.policy,
    }
    if tags:
        out["ReplicaTags"] = tag_list(tags)
    return out


def _share(primary: Key, replica: Key) -> None:
    """The properties KMS synchronizes: key material (not imported material), the private key
    of an asymmetric key, and the automatic rotation status."""
    replica.multi_region = True
    replica.origin = primary.origin
    replica.materials = {}
    replica.current = None
    if primary.origin != "EXTERNAL":
        for ref, material in primary.materials.items():
            copy = Material(
                material.material_id, ref, material.created, material.secret,
                material.rotation_type,
            )
            replica.materials[ref] = copy
            if material is primary.current:
                replica.current = copy
        if primary.private_key is None and not primary.is_symmetric \
                and not primary.key_spec.startswith("HMAC_"):
            from pytest_ssmkms.aws.kms.ops_asymmetric import private_key_of

            private_key_of(primary)  # RSA keys are generated, not derived: made once, shared
        replica.private_key = primary.private_key
    replica.rotation_enabled = primary.rotation_enabled
    replica.rotation_period_days = primary.rotation_period_days
    replica.next_rotation = primary.next_rotation


def update_primary_region(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    primary = _primary(ctx, params, "kms:UpdatePrimaryRegion")
    mrs = primary.multi_region_set
    assert mrs is not None
    region = params["PrimaryRegion"]
    if region == primary.region:
        # Exact answer not documented: the Region must hold a replica, and this one does not.
        raise ValidationException(f"{region} is already the primary Region of {primary.key_id}.")
    _check_region(primary, region)
    target = registry(ctx).registry_in(region)
    replica = target.key(primary.key_id)
    if replica is None or replica.multi_region_set is not mrs:
        # Exact text not documented; KMS looks the replica up as any key in its region.
        raise NotFoundException(f"Key '{target.key_arn(primary.key_id)}' does not exist")
    # kms:UpdatePrimaryRegion on both keys, each in its own region and under its own policy.
    ctx.authorize("kms:UpdatePrimaryRegion", replica.arn, key=replica)
    for key in (primary, replica):
        # Documented: both keys must be Enabled when the operation starts.
        if key.state == DISABLED:
            raise DisabledException(f"{key.arn} is disabled.")
        if key.state != ENABLED:
            raise states.invalid(key)
    # The transient Updating state (a few seconds in KMS) is not modelled: the change is
    # complete when the call returns.
    mrs.primary_region = region
    mrs.arns = {region: mrs.arns[region], **{r: a for r, a in mrs.arns.items() if r != region}}
    return {}


OPERATIONS = {
    "ReplicateKey": replicate_key,
    "UpdatePrimaryRegion": update_primary_region,
}
