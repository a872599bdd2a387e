"""PutParameter's rules: what a put may do, decided before any value is encrypted.

``plan_put`` checks everything and resolves the new version's attributes; the handler then
encrypts (through KMS) if needed and ``commit`` stores the result. Nothing changes in between:
the world lock is held for the whole call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_ssmkms.aws.ssm import allowed_pattern, datatypes
from pytest_ssmkms.aws.ssm.errors import (
    InvalidAllowedPatternException,
    ParameterAlreadyExists,
    ParameterLimitExceeded,
    ParameterPatternMismatchException,
    TooManyTagsError,
    ValidationException,
)
from pytest_ssmkms.aws.ssm.model import DEFAULT_KEY, Parameter, Version
from pytest_ssmkms.aws.ssm.names import check_new_name
from pytest_ssmkms.aws.ssm.policies import Policy, parse_policies
from pytest_ssmkms.aws.ssm.store import STANDARD_LIMIT, ParameterStore

STANDARD_MAX_VALUE = 4096
ADVANCED_MAX_VALUE = 8192
MAX_TAGS = 50

TAGS_WITH_OVERWRITE = (
    "Invalid request: tags and overwrite can't be used together. To create a parameter with "
    "tags, please remove overwrite flag. To update tags for an existing parameter, please use "
    "AddTagsToResource or RemoveTagsFromResource."
)
STANDARD_TOO_LARGE = (
    "Standard tier parameters support a maximum parameter value of 4096 characters. To create "
    "a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For "
    "more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "parameter-store-advanced-parameters.html"
)
NO_DOWNGRADE = (
    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the "
    "advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the "
    "advanced parameter and recreate it as a standard parameter."
)


@dataclass
class Plan:
    """A checked put: the new version's attributes, before the value is stored."""

    name: str
    existing: Parameter | None
    type: str
    tier: str
    data_type: str
    key_id: str | None
    description: str | None
    allowed_pattern: str | None
    policies: tuple[Policy, ...]
    tags: dict[str, str] = field(default_factory=dict)
    # False when AWS's after-the-answer check (aws:ec2:image) drops the put: the caller is
    # answered as for a stored version, and nothing is stored.
    accepted: bool = True

    @property
    def version(self) -> int:
        return self.existing.latest.version + 1 if self.existing else 1


def plan_put(store: ParameterStore, params: dict[str, Any]) -> Plan:
    """Check a PutParameter request against every rule that needs no key; raise AWS's errors."""
    overwrite = bool(params.get("Overwrite", False))
    if overwrite and params.get("Tags"):
        raise ValidationException(TAGS_WITH_OVERWRITE)
    name = check_new_name(params["Name"], store.region, store.account_id, creating=True)
    value: str = params["Value"]
    if value == "":
        raise ValidationException(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    existing = store.find(name)
    if existing is not None and not overwrite:
        raise ParameterAlreadyExists()
    previous = existing.latest if existing else None

    type_ = params.get("Type") or (previous.type if previous else None)
    if type_ is None:
        # Not verified: AWS's text when Type is missing on create.
        raise ValidationException("A parameter type is required when you create a parameter.")
    data_type, accepted = _data_type(params, previous, name, type_, value)
    key_id = _key_id(params, previous, type_)
    pattern = params.get("AllowedPattern", previous.allowed_pattern if previous else None)
    _check_pattern(pattern, value)
    policies = previous.policies if previous else ()
    if "Policies" in params:
        policies = parse_policies(params["Policies"], store.now())
    tier = _tier(store, params, previous, value, policies)
    tags = {tag["Key"]: tag["Value"] for tag in params.get("Tags") or ()}
    if len(tags) > MAX_TAGS:
        raise TooManyTagsError(f"A resource can have at most {MAX_TAGS} tags.")
    if existing is not None:
        store.check_room_for_version(existing)
    description = params.get("Description", previous.description if previous else None)
    return Plan(
        name, existing, type_, tier, data_type, key_id, description, pattern, policies, tags,
        accepted,
    )


def commit(store: ParameterStore, plan: Plan, stored_value: str, user: str) -> Version:
    version = Version(
        version=plan.version,
        type=plan.type,
        value=stored_value,
        tier=plan.tier,
        data_type=plan.data_type,
        modified=store.now(),
        modified_user=user,
        key_id=plan.key_id,
        description=plan.description,
        allowed_pattern=plan.allowed_pattern,
        policies=plan.policies,
    )
    if plan.existing is None:
        store.create(plan.name, version, plan.tags)
    else:
        store.add_version(plan.existing, version)
    return version


def _data_type(
    params: dict[str, Any], previous: Version | None, name: str, type_: str, value: str
) -> tuple[str, bool]:
    """The version's data type, and whether the value passes it. Every check is synchronous
    except ``aws:ec2:image``'s value check, which AWS runs after answering (the put succeeds,
    then is dropped): the caller sees ``False`` and does not store the version."""
    data_type: str = params.get("DataType") or (previous.data_type if previous else "text")
    rules = datatypes.TYPES.get(data_type)
    if rules is None:
        raise ValidationException(datatypes.unsupported(data_type))
    if previous is not None and previous.data_type != data_type and (
        data_type in datatypes.FIXED or previous.data_type in datatypes.FIXED
    ):
        raise ValidationException(datatypes.cannot_change(previous.data_type, data_type))
    if type_ not in rules.types or (
        data_type == datatypes.INTEGRATION and not name.startswith(datatypes.INTEGRATION_PREFIX)
    ):
        raise ValidationException(datatypes.wrong_type(rules))
    valid = datatypes.value_is_valid(rules, type_, value)
    if not valid and data_type != datatypes.EC2_IMAGE:
        raise ValidationException(datatypes.invalid_value(rules, type_))
    return data_type, valid


def _key_id(params: dict[str, Any], previous: Version | None, type_: str) -> str | None:
    given = params.get("KeyId")
    if type_ != "SecureString":
        if given is not None:
            # Not verified: AWS's text; it refuses a key for a value it will not encrypt.
            raise ValidationException("KeyId is only valid for SecureString parameters.")
        return None
    if given is not None:
        return str(given)
    # An overwrite without KeyId keeps the key the parameter already uses (most likely).
    if previous is not None and previous.secure and previous.key_id:
        return previous.key_id
    return DEFAULT_KEY


def _check_pattern(pattern: str | None, value: str) -> None:
    if not pattern:
        return
    # Java's matches(): the whole value must match; decided in bounded time (see
    # allowed_pattern for what AWS does and what the bound answers).
    try:
        matched = allowed_pattern.matches(pattern, value)
    except allowed_pattern.PatternError:
        raise InvalidAllowedPatternException() from None
    except allowed_pattern.MatchTooCostly:
        # Not verified: AWS's answer (Java's backtracking engine may run for minutes here).
        raise ValidationException(
            "The value could not be checked against the AllowedPattern within "
            f"{allowed_pattern.MAX_STEPS:,} matching steps (pytest-ssmkms's bound for patterns "
            "that backtrack without end). Simplify the AllowedPattern."
        ) from None
    if not matched:
        raise ParameterPatternMismatchException(pattern)


def _tier(
    store: ParameterStore,
    params: dict[str, Any],
    previous: Version | None,
    value: str,
    policies: tuple[Policy, ...],
) -> str:
    requested = params.get("Tier")
    was_advanced = previous is not None and previous.tier == "Advanced"
    if requested is None:
        requested = previous.tier if previous else "Standard"
    if requested == "Intelligent-Tiering":
        needs_advanced = (
            was_advanced
            or len(value) > STANDARD_MAX_VALUE
            or bool(policies)
            or (previous is None and store.standard_count >= STANDARD_LIMIT)
        )
        requested = "Advanced" if needs_advanced else "Standard"
    if requested == "Standard":
        if was_advanced:
            raise ValidationException(NO_DOWNGRADE)
        if len(value) > STANDARD_MAX_VALUE:
            raise ValidationException(STANDARD_TOO_LARGE)
        if policies:
            # Not verified: AWS's text; policies are documented as Advanced-only.
            raise ValidationException(
                "Parameter policies are supported only for parameters in the advanced-parameter "
                "tier. Use the advanced tier or Intelligent-Tiering to attach policies."
            )
        if previous is None and store.standard_count >= STANDARD_LIMIT:
            raise ParameterLimitExceeded()
    elif len(value) > ADVANCED_MAX_VALUE:
        # Not verified: the front end's generic length text is the most likely answer.
        raise ValidationException(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: "
            f"Member must have length less than or equal to {ADVANCED_MAX_VALUE}"
        )
    return str(requested)
