"""Identity and key policy evaluation.

Until the permission engine lands (issue 7) every request is allowed; handlers already call
:func:`authorize` at the points where AWS evaluates policies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_ssmkms.context import AuthorizationRequest, CallContext


def authorize(ctx: CallContext, request: AuthorizationRequest) -> Any:
    """Allow everything: the permission engine replaces this."""
    return None
