"""The KMS operation table: every implemented operation, merged from its module's table.

Handlers read parameters, call the registry, and shape the output; the rules live in the
registry, the key-state table (``states``) and the pure crypto modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.models import operation_names
from pytest_ssmkms.aws.services import Handler
from pytest_ssmkms.aws.kms import (
    ops_aliases,
    ops_asymmetric,
    ops_crypto,
    ops_custom_key_stores,
    ops_grants,
    ops_import,
    ops_kem,
    ops_key_agreement,
    ops_keys,
    ops_last_usage,
    ops_multi_region,
    ops_policy_tags,
    ops_rotation,
)


_ALL: Mapping[str, Handler] = {
    **ops_keys.OPERATIONS,
    **ops_aliases.OPERATIONS,
    **ops_crypto.OPERATIONS,
    **ops_policy_tags.OPERATIONS,
    **ops_grants.OPERATIONS,
    **ops_rotation.OPERATIONS,
    **ops_import.OPERATIONS,
    **ops_asymmetric.OPERATIONS,
    **ops_custom_key_stores.OPERATIONS,
    **ops_multi_region.OPERATIONS,
    **ops_last_usage.OPERATIONS,
    **ops_key_agreement.OPERATIONS,
    **ops_kem.OPERATIONS,
}

# Only the operations the installed botocore model has: a newer operation (Encapsulate and
# Decapsulate arrived in botocore 1.44) can't be decoded without its model, so an older model
# answers it UnknownOperationException, as for any operation the model lacks.
OPERATIONS: Mapping[str, Handler] = {
    name: handler for name, handler in _ALL.items() if name in operation_names("kms")
}
