"""Custom key stores, answered as for an account that has none.

Every account starts without custom key stores, and making one needs an AWS CloudHSM cluster or
an external key store proxy, neither of which exists inside the mock. So DescribeCustomKeyStores
lists nothing, every operation naming a store answers CustomKeyStoreNotFoundException, and
CreateCustomKeyStore answers the error AWS gives when the backing cluster or proxy is not there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms.common import paginate
from pytest_ssmkms.aws.kms.errors import (
    CloudHsmClusterNotFoundException,
    CustomKeyStoreNotFoundException,
    XksProxyUriUnreachableException,
    XksProxyVpcEndpointServiceNotFoundException,
)


def store_not_found(identifier: str) -> CustomKeyStoreNotFoundException:
    # AWS documents the code ("cannot find a custom key store with the specified key store name
    # or ID"); the exact text of a live answer was not found, so it names what was asked for.
    return CustomKeyStoreNotFoundException(f"Custom key store {identifier} does not exist")


def describe_custom_key_stores(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.authorize("kms:DescribeCustomKeyStores", "*")
    store_id, name = params.get("CustomKeyStoreId"), params.get("CustomKeyStoreName")
    if store_id is not None and name is not None:
        # Documented as "either ... or ... (but not both)"; the text is not documented.
        raise ValidationException(
            "Specify either CustomKeyStoreId or CustomKeyStoreName, not both."
        )
    if store_id is not None:
        raise store_not_found(store_id)
    if name is not None:
        raise store_not_found(name)
    stores: list[dict[str, Any]] = []
    page, extra = paginate(stores, params, default=100, maximum=1000)
    return {"CustomKeyStores": page, **extra}


def create_custom_key_store(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.authorize("kms:CreateCustomKeyStore", "*")
    store_type = params.get("CustomKeyStoreType") or "AWS_CLOUDHSM"
    if store_type == "AWS_CLOUDHSM":
        cluster = params.get("CloudHsmClusterId")
        if not cluster:
            raise ValidationException(
                "CloudHsmClusterId is required when CustomKeyStoreType is AWS_CLOUDHSM."
            )
        # The mock hosts no CloudHSM: every cluster id names a cluster that isn't there.
        raise CloudHsmClusterNotFoundException(
            f"AWS KMS cannot find the AWS CloudHSM cluster with the specified cluster ID "
            f"{cluster}."
        )
    if params.get("XksProxyConnectivity") == "VPC_ENDPOINT_SERVICE":
        raise XksProxyVpcEndpointServiceNotFoundException(
            f"AWS KMS cannot find the VPC endpoint service "
            f"{params.get('XksProxyVpcEndpointServiceName')}."
        )
    # KMS checks that it can reach a public proxy when the store is created; nothing outside
    # the test process is reachable from the mock.
    raise XksProxyUriUnreachableException(
        f"AWS KMS was unable to reach the external key store proxy at "
        f"{params.get('XksProxyUriEndpoint')}."
    )


def _named_store(action: str) -> Callable[[CallContext, dict[str, Any]], dict[str, Any]]:
    """An operation on one named store: there is none to find."""

    def handler(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
        ctx.authorize(action, "*")
        raise store_not_found(params["CustomKeyStoreId"])

    return handler


OPERATIONS = {
    "DescribeCustomKeyStores": describe_custom_key_stores,
    "CreateCustomKeyStore": create_custom_key_store,
    "ConnectCustomKeyStore": _named_store("kms:ConnectCustomKeyStore"),
    "DisconnectCustomKeyStore": _named_store("kms:DisconnectCustomKeyStore"),
    "UpdateCustomKeyStore": _named_store("kms:UpdateCustomKeyStore"),
    "DeleteCustomKeyStore": _named_store("kms:DeleteCustomKeyStore"),
}
