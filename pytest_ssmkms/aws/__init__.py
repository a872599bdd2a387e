"""The in-memory AWS: world, backends, clock, call context, errors, and the services.

Nothing here imports pytest or a client library's transport: it can be driven and tested
without either. Importing this package registers every service's operation table."""

from __future__ import annotations

# The permission engine first (it installs the authorizer every call context asks), then the
# services, each registering itself (aws/services.py).
from pytest_ssmkms.aws import iam  # noqa: E402,F401
from pytest_ssmkms.aws import cloudtrail, kms, ssm, sts  # noqa: E402,F401
