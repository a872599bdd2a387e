"""The handle's seeding methods: the markers' seeding, called from code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_ssmkms.seeding import preseed
from pytest_ssmkms.seeding.preseed import SeededKey

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World


class SeedingMethods:
    """Mixed into the ``SsmKms`` handle."""

    _world: World

    # Preseeding from code: like the markers, these go around the API and are not recorded in
    # the trail, so the trail shows only what the code under test did.

    def create_key(
        self,
        *,
        alias: str | list[str] | None = None,
        key_id: str | None = None,
        description: str = "",
        state: str = "Enabled",
        origin: str = "AWS_KMS",
        key_spec: str = "SYMMETRIC_DEFAULT",
        key_usage: str = "ENCRYPT_DECRYPT",
        policy: str | dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
        rotation: bool | int = False,
        region: str | None = None,
    ) -> SeededKey:
        """Create a KMS key before the code under test runs, without a trail record.

        Takes the arguments of ``@pytest.mark.kms_key``: ``alias`` ("alias/app"), ``key_id``
        (a UUID, random by default), ``state`` (Enabled, Disabled, PendingDeletion,
        PendingImport), ``origin`` (AWS_KMS, EXTERNAL), ``key_spec``, ``key_usage``, ``policy``
        (JSON text or a dict; the default key policy otherwise), ``tags`` ({"Key": "Value"}),
        ``rotation`` (True for yearly, or a period in days) and ``region`` (another region of
        the same account). Returns the key's id, ARN and alias;
        ``str()`` of it is the key id. Raises PluginUsageError naming the bad argument."""
        arguments = {
            "alias": alias,
            "key_id": key_id,
            "description": description,
            "state": state,
            "origin": origin,
            "key_spec": key_spec,
            "key_usage": key_usage,
            "policy": policy,
            "tags": tags,
            "rotation": rotation,
        }
        if region is not None:
            arguments["region"] = region
        return preseed.create_key(self._world, "ssm_kms.create_key()", arguments)

    def put_parameter(
        self,
        name: str,
        value: str | list[str],
        *,
        type: str = "String",  # noqa: A002 - the marker's and AWS's own name
        key_id: str | None = None,
        description: str | None = None,
        tier: str | None = None,
        labels: list[str] | None = None,
        tags: dict[str, str] | None = None,
        allowed_pattern: str | None = None,
        data_type: str | None = None,
        history: list[str] | None = None,
        region: str | None = None,
    ) -> None:
        """Put an SSM parameter before the code under test runs, without a trail record.

        Takes the arguments of ``@pytest.mark.ssm_parameter``: ``type`` (String, StringList,
        SecureString), ``key_id`` (id, ARN or alias of the key of a SecureString; aws/ssm by
        default), ``description``, ``tier``, ``labels`` (on the newest version), ``tags``,
        ``allowed_pattern``, ``data_type``, ``history`` (older values, oldest first: the
        parameter then starts at version ``len(history) + 1``) and ``region``. A list value
        is a StringList. Raises PluginUsageError naming the bad argument."""
        arguments: dict[str, Any] = {"name": name, "value": value, "type": type}
        optional = {
            "key_id": key_id,
            "description": description,
            "tier": tier,
            "labels": labels,
            "tags": tags,
            "allowed_pattern": allowed_pattern,
            "data_type": data_type,
            "history": history,
            "region": region,
        }
        arguments.update({key: given for key, given in optional.items() if given is not None})
        if isinstance(value, (list, tuple)) and type == "String":
            arguments["type"] = "StringList"
        preseed.put_parameter(self._world, f"ssm_kms.put_parameter({name!r}, ...)", arguments)

    def set_public_parameter(self, name: str, value: str, *, region: str | None = None) -> None:
        """Give an AWS public parameter (``/aws/service/...``) another value for this mock:
        the AMI id or Region data your code reads, as GetParameter(s) and GetParametersByPath
        answer it in ``region`` (every Region when None). The name may also be new under a
        namespace. Not recorded in the trail; raises PluginUsageError for a name outside
        ``/aws/service/``."""
        from pytest_ssmkms.seeding.ssm import set_public_parameter

        set_public_parameter(
            self._world, name, value, region, f"ssm_kms.set_public_parameter({name!r}, ...)"
        )

    def share_parameter(
        self,
        name: str,
        accounts: str | list[str],
        *,
        history: bool = False,
        region: str | None = None,
    ) -> None:
        """Share an Advanced-tier parameter of this mock's account with other accounts, as a
        standard AWS RAM resource share does (RAM itself is not mocked): with AWS's managed
        permission (DescribeParameters, GetParameter, GetParameters; ``history=True`` adds
        GetParameterHistory). The consumers read it by full ARN, and
        ``DescribeParameters(Shared=True)`` lists it. A SecureString needs a customer managed
        key whose policy lets the consumers decrypt. Not recorded in the trail."""
        from pytest_ssmkms.seeding.ssm import share_parameter

        share_parameter(
            self._world, name, accounts, history, region, f"ssm_kms.share_parameter({name!r}, ...)"
        )

    def set_key_state(
        self,
        key: str,
        state: str,
        *,
        pending_window_days: int = 30,
        region: str | None = None,
    ) -> None:
        """Put a key (id, ARN or alias) into ``state`` without a trail record: Enabled,
        Disabled, PendingDeletion (deletion date ``pending_window_days`` from the clock),
        PendingImport, ... Raises PluginUsageError listing the accepted states."""
        arguments: dict[str, Any] = {"state": state, "pending_window_days": pending_window_days}
        if region is not None:
            arguments["region"] = region
        preseed.set_key_state(self._world, f"ssm_kms.set_key_state({key!r}, ...)", key, arguments)

    def key_state(self, key: str, *, region: str | None = None) -> str:
        """The current state of a key (id, ARN or alias), e.g. "Enabled" or "PendingDeletion".
        Reading it is not recorded in the trail."""
        return preseed.key_state(self._world, f"ssm_kms.key_state({key!r})", key, region)
