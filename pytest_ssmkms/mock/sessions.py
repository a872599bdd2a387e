"""boto3 sessions for the handle and its principals, signed with the credentials given."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.errors import PluginUsageError

_shared_loader: Any = None


def new_boto3_session(
    access_key_id: str, secret_access_key: str, region: str, session_token: str | None = None
) -> Any:
    """A boto3 Session that reuses one loader, so that its first client is cheap."""
    global _shared_loader
    try:
        import boto3
    except ImportError:  # boto3 is not a runtime dependency of the plugin
        raise PluginUsageError(
            "ssm_kms.session() and ssm_kms.client() need boto3; install it (pip install boto3)."
        ) from None
    import botocore.loaders
    import botocore.session

    core = botocore.session.Session()
    if _shared_loader is None:
        _shared_loader = botocore.loaders.create_loader()
    core.register_component("data_loader", _shared_loader)
    return boto3.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=session_token,
        region_name=region,
        botocore_session=core,
    )


def new_aio_session(
    access_key_id: str, secret_access_key: str, region: str, session_token: str | None = None
) -> Any:
    """An aiobotocore ``AioSession`` signed with these credentials, in ``region``, sharing the
    boto3 sessions' loader. aioboto3 takes it as ``aioboto3.Session(botocore_session=...)``."""
    global _shared_loader
    try:
        from aiobotocore.session import AioSession
    except ImportError:  # aiobotocore is the optional async extra
        raise PluginUsageError(
            "aio_session() and aio_client() need aiobotocore; install it "
            "(pip install 'pytest-ssmkms[async]')."
        ) from None
    import botocore.loaders

    session = AioSession()
    if _shared_loader is None:
        _shared_loader = botocore.loaders.create_loader()
    session.register_component("data_loader", _shared_loader)
    session.set_credentials(access_key_id, secret_access_key, session_token)
    session.set_config_variable("region", region)
    return session
