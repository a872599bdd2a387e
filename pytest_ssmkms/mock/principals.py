"""The principals ``ssm_kms.principal()`` hands out: IAM's principals, plus boto3 sessions and
clients that sign with the principal's own access key (the policy engine knows no boto3)."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.iam import principals
from pytest_ssmkms.mock.sessions import new_boto3_session


class Principal(principals.Principal):
    def session(self, region_name: str | None = None) -> Any:
        """A ``boto3.Session`` whose calls are signed with this principal's own access key."""
        return new_boto3_session(
            self.access_key_id,
            self.secret_access_key,
            region_name or self.world.settings.region,
            self.session_token,
        )

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client signed as this principal (``region_name`` defaults to the mock's)."""
        region = kwargs.pop("region_name", None)
        return self.session(region).client(service, **kwargs)


def create_principal(
    world: Any, name: str, *policies: Any, kind: str = "user", account_id: str | None = None
) -> Principal:
    return principals.create_principal(
        world, name, *policies, kind=kind, cls=Principal, account_id=account_id
    )
