"""The principals ``ssm_kms.principal()`` hands out: IAM's principals, plus boto3 sessions and
clients that sign with the principal's own access key (the policy engine knows no boto3)."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.iam import principals
from pytest_ssmkms.mock.sessions import new_aio_session, new_boto3_session


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

    def aio_session(self, region_name: str | None = None) -> Any:
        """An aiobotocore ``AioSession`` signed with this principal's own access key (for
        aioboto3: ``aioboto3.Session(botocore_session=principal.aio_session())``)."""
        return new_aio_session(
            self.access_key_id,
            self.secret_access_key,
            region_name or self.world.settings.region,
            self.session_token,
        )

    def aio_client(self, service: str, **kwargs: Any) -> Any:
        """An aiobotocore client signed as this principal: ``async with
        principal.aio_client("ssm") as ssm:`` (``region_name`` defaults to the mock's)."""
        region = kwargs.pop("region_name", None)
        return self.aio_session(region).create_client(service, **kwargs)


def create_principal(
    world: Any, name: str, *policies: Any, kind: str = "user", account_id: str | None = None
) -> Principal:
    return principals.create_principal(
        world, name, *policies, kind=kind, cls=Principal, account_id=account_id
    )
