"""What the backend remembers of one call: the raw material of a CloudTrail record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_ssmkms.aws.context import CallContext
    from pytest_ssmkms.aws.errors import AwsError
    from pytest_ssmkms.aws.trail.resources import Resource


class CallRecord:
    """One answered call, kept raw so that recording costs nothing on the hot path.

    The CloudTrail dict is built on first access of :attr:`event` and cached. ``params`` and
    ``result`` may hold secrets (plaintexts, parameter values): they never reach the event,
    the repr or any message."""

    __slots__ = ("service", "operation", "params", "result", "error", "ctx", "decision", "_event", "_resources")

    def __init__(
        self,
        service: str,  # "ssm", "kms", "cloudtrail"
        operation: str,  # "GetParameter"
        params: dict[str, Any],
        result: dict[str, Any] | None,
        error: AwsError | None,
        ctx: CallContext,
        # The policy statement that decided an authorization, when one did.
        decision: Any = None,
    ) -> None:
        self.service = service
        self.operation = operation
        self.params = params
        self.result = result
        self.error = error
        self.ctx = ctx
        self.decision = decision
        self._event: dict[str, Any] | None = None
        self._resources: tuple[list[Resource], frozenset[str]] | None = None

    @property
    def event(self) -> dict[str, Any]:
        """The CloudTrail record of this call (built once, then shared: treat it as read-only)."""
        if self._event is None:
            from pytest_ssmkms.aws.trail.event import build_event

            self._event = build_event(self, self.resources)
        return self._event

    @property
    def resources(self) -> list[Resource]:
        return self._resource_info()[0]

    def matches_resource(self, name: str) -> bool:
        """True if CloudTrail's ResourceName lookup attribute ``name`` selects this call."""
        resources, extra = self._resource_info()
        if name in extra:
            return True
        if self.service == "ssm" and not name.startswith("arn:"):
            from pytest_ssmkms.aws.trail.resources import parameter_name_and_arn

            arn = parameter_name_and_arn(name, self.ctx.region, self.ctx.backend.account_id)[1]
            return any(r.arn == arn for r in resources)
        if any(name in r.matches for r in resources):
            return True
        if self.service == "kms" and (name.startswith("alias/") or ":alias/" in name):
            from pytest_ssmkms.aws.trail.resources import alias_target

            # A call on the key the alias points to now (SSM's Decrypt names no key at all).
            target = alias_target(self.ctx.backend, name)
            return target is not None and any(r.arn.endswith(f":key/{target}") for r in resources)
        return False

    def _resource_info(self) -> tuple[list[Resource], frozenset[str]]:
        if self._resources is None:
            from pytest_ssmkms.aws.trail.resources import resources_of

            self._resources = resources_of(self)
        return self._resources

    @property
    def error_code(self) -> str | None:
        """The code the service answered (STS names some shared errors its own way)."""
        if self.error is None:
            return None
        from pytest_ssmkms.aws.services import error_code

        return error_code(self.service, self.error)[0]

    def __repr__(self) -> str:
        # Never params or result: they hold plaintexts and parameter values.
        outcome = self.error_code or "OK"
        via = f" invokedBy={self.ctx.invoked_by}" if self.ctx.invoked_by else ""
        return f"<CallRecord {self.service} {self.operation} {outcome}{via}>"
