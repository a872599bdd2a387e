"""The in-memory AWS: world, backends, clock, call context, errors, and the services.

Nothing here imports pytest or a client library's transport: it can be driven and tested
without either. Importing this package registers every service's operation table."""

from __future__ import annotations
