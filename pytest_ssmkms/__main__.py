"""``python -m pytest_ssmkms serve ...`` (see :mod:`pytest_ssmkms.cli`)."""

from __future__ import annotations

import sys

from pytest_ssmkms.cli import main

if __name__ == "__main__":
    sys.exit(main())
