"""Access key ids the mock issues, recognisable as the mock's among real ones.

Real ids are ``AKIA``/``ASIA`` and 16 base32 letters (A-Z, 2-7). The mock's look the same,
but their last six letters are a checksum of the ten before: a key id the mock issued in
another world (a principal of another test's mock, a role session of a mock that has ended)
is told apart from your own credentials, which the mock never issued. A real key id passes the
check with a chance of one in 2**30.
"""

from __future__ import annotations

import base64
import hashlib

_PREFIXES = ("AKIA", "ASIA")
_BODY = 10
_CHECK = 6
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def issue(prefix: str, random_bytes: bytes) -> str:
    """A key id of the mock's: ``prefix`` (AKIA for users, ASIA for temporary credentials),
    ten letters from ``random_bytes`` (at least 7 bytes), six of checksum."""
    assert prefix in _PREFIXES
    body = base64.b32encode(random_bytes).decode()[:_BODY]
    assert len(body) == _BODY
    return prefix + body + _checksum(body)


def is_issued(access_key_id: str) -> bool:
    """Whether ``access_key_id`` has the form of a key id the mock issues (in any world)."""
    if len(access_key_id) != len(_PREFIXES[0]) + _BODY + _CHECK:
        return False
    if access_key_id[:4] not in _PREFIXES or not _LETTERS.issuperset(access_key_id[4:]):
        return False
    body = access_key_id[4 : 4 + _BODY]
    return access_key_id[4 + _BODY :] == _checksum(body)


def _checksum(body: str) -> str:
    digest = hashlib.sha256(b"pytest-ssmkms access key:" + body.encode()).digest()
    return base64.b32encode(digest).decode()[:_CHECK]
