"""Ed25519ph (RFC 8032 section 5.1, pre-hashed Ed25519 with an empty context): KMS's
ED25519_PH_SHA_512 signing algorithm. ``cryptography`` signs pure Ed25519 only, so the
pre-hashed variant is written out here over the same private key (its 32-byte seed).
Pure Python: a signature takes a few milliseconds.
"""

from __future__ import annotations

import hashlib

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
# dom2(1, "") of RFC 8032: the prefix that makes Ed25519ph signatures differ from Ed25519's.
_DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _add(p: Point, q: Point) -> Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, p: Point) -> Point:
    q: Point = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
assert _GX is not None
_G: Point = (_GX, _GY, 1, _GX * _GY % _P)


def _encode(p: Point) -> bytes:
    zinv = pow(p[2], _P - 2, _P)
    x, y = p[0] * zinv % _P, p[1] * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(data: bytes) -> Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _equal(p: Point, q: Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(_DOM2 + b"".join(parts)).digest(), "little")


def public_key(seed: bytes) -> bytes:
    """The 32-byte public key of a 32-byte private key (seed), as Ed25519 derives it."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    return _encode(_mul(scalar, _G))


def sign(seed: bytes, prehash: bytes) -> bytes:
    """An Ed25519ph signature over ``prehash`` = SHA-512(message)."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    public = _encode(_mul(scalar, _G))
    r = _h(digest[32:], prehash) % _L
    big_r = _encode(_mul(r, _G))
    k = _h(big_r, public, prehash) % _L
    return big_r + ((r + k * scalar) % _L).to_bytes(32, "little")


def verify(public: bytes, prehash: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    a = _decode(public)
    big_r = _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or big_r is None or s >= _L:
        return False
    k = _h(signature[:32], public, prehash) % _L
    return _equal(_mul(s, _G), _add(big_r, _mul(k, a)))
