"""ML-KEM (FIPS 203) in pure Python, for the parameter sets the installed ``cryptography`` lacks.

``cryptography`` 47 to 50 serve ML-KEM-768 and ML-KEM-1024 but not ML-KEM-512, which KMS
offers (``ML_KEM_512``). This is FIPS 203's algorithms 13 to 18 as written (key generation from
the 64-byte seed d || z, encapsulation, decapsulation with implicit rejection), with SHA3 and
SHAKE from ``hashlib``. Its keys behave as ``cryptography``'s: the same seed gives the same
encapsulation key, the same ciphertext the same shared secret, and the same DER (SPKI, and
PKCS #8 in the seed format) as ``cryptography`` writes for the sets it has; the tests compare
the two on ML-KEM-768 and ML-KEM-1024. Not constant-time: test keys only.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

_Q = 3329
_N = 256


@dataclass(frozen=True)
class Params:
    k: int
    eta1: int
    eta2: int
    du: int
    dv: int
    oid: bytes  # DER body of id-alg-ml-kem-* (2.16.840.1.101.3.4.4.x)


# FIPS 203 Table 2.
PARAMS = {
    "ML_KEM_512": Params(2, 3, 2, 10, 4, bytes.fromhex("608648016503040401")),
    "ML_KEM_768": Params(3, 2, 2, 10, 4, bytes.fromhex("608648016503040402")),
    "ML_KEM_1024": Params(4, 2, 2, 11, 5, bytes.fromhex("608648016503040403")),
}
SEED_BYTES = 64


def _bitrev7(value: int) -> int:
    return int(f"{value:07b}"[::-1], 2)


_ZETAS = [pow(17, _bitrev7(i), _Q) for i in range(128)]
_GAMMAS = [pow(17, 2 * _bitrev7(i) + 1, _Q) for i in range(128)]

Poly = list[int]


def _ntt(f: Poly) -> Poly:  # Algorithm 9
    f = list(f)
    i = 1
    length = 128
    while length >= 2:
        for start in range(0, _N, 2 * length):
            zeta = _ZETAS[i]
            i += 1
            for j in range(start, start + length):
                t = zeta * f[j + length] % _Q
                f[j + length] = (f[j] - t) % _Q
                f[j] = (f[j] + t) % _Q
        length //= 2
    return f


def _ntt_inverse(f: Poly) -> Poly:  # Algorithm 10
    f = list(f)
    i = 127
    length = 2
    while length <= 128:
        for start in range(0, _N, 2 * length):
            zeta = _ZETAS[i]
            i -= 1
            for j in range(start, start + length):
                t = f[j]
                f[j] = (t + f[j + length]) % _Q
                f[j + length] = zeta * (f[j + length] - t) % _Q
        length *= 2
    return [x * 3303 % _Q for x in f]


def _multiply(f: Poly, g: Poly) -> Poly:  # Algorithms 11 and 12
    h = [0] * _N
    for i in range(128):
        a0, a1, b0, b1 = f[2 * i], f[2 * i + 1], g[2 * i], g[2 * i + 1]
        h[2 * i] = (a0 * b0 + a1 * b1 * _GAMMAS[i]) % _Q
        h[2 * i + 1] = (a0 * b1 + a1 * b0) % _Q
    return h


def _add(f: Poly, g: Poly) -> Poly:
    return [(a + b) % _Q for a, b in zip(f, g)]


def _encode(f: Poly, d: int) -> bytes:  # Algorithm 5
    value = 0
    for i, coefficient in enumerate(f):
        value |= coefficient << (i * d)
    return value.to_bytes(32 * d, "little")


def _decode(data: bytes, d: int) -> Poly:  # Algorithm 6
    value = int.from_bytes(data, "little")
    mask = (1 << d) - 1
    modulus = _Q if d == 12 else 1 << d
    return [((value >> (i * d)) & mask) % modulus for i in range(_N)]


def _compress(f: Poly, d: int) -> Poly:
    return [((x << d) + _Q // 2) // _Q % (1 << d) for x in f]


def _decompress(f: Poly, d: int) -> Poly:
    return [(y * _Q + (1 << (d - 1))) >> d for y in f]


def _sample_ntt(seed: bytes) -> Poly:  # Algorithm 7, SHAKE128 as the XOF
    length = 840
    while True:
        stream = hashlib.shake_128(seed).digest(length)
        coefficients: Poly = []
        for offset in range(0, length - 2, 3):
            c0, c1, c2 = stream[offset], stream[offset + 1], stream[offset + 2]
            for candidate in (c0 + 256 * (c1 % 16), c1 // 16 + 16 * c2):
                if candidate < _Q and len(coefficients) < _N:
                    coefficients.append(candidate)
            if len(coefficients) == _N:
                return coefficients
        length *= 2  # SHAKE's output extends: a longer digest starts with the shorter one


def _sample_cbd(data: bytes, eta: int) -> Poly:  # Algorithm 8
    bits = int.from_bytes(data, "little")
    f = []
    for i in range(_N):
        x = sum((bits >> (2 * i * eta + j)) & 1 for j in range(eta))
        y = sum((bits >> (2 * i * eta + eta + j)) & 1 for j in range(eta))
        f.append((x - y) % _Q)
    return f


def _prf(eta: int, seed: bytes, counter: int) -> bytes:
    return hashlib.shake_256(seed + bytes([counter])).digest(64 * eta)


def _matrix(rho: bytes, k: int) -> list[list[Poly]]:
    return [[_sample_ntt(rho + bytes([j, i])) for j in range(k)] for i in range(k)]


def _pke_keygen(p: Params, d: bytes) -> tuple[bytes, bytes]:  # Algorithm 13
    digest = hashlib.sha3_512(d + bytes([p.k])).digest()
    rho, sigma = digest[:32], digest[32:]
    a = _matrix(rho, p.k)
    s = [_ntt(_sample_cbd(_prf(p.eta1, sigma, i), p.eta1)) for i in range(p.k)]
    e = [_ntt(_sample_cbd(_prf(p.eta1, sigma, p.k + i), p.eta1)) for i in range(p.k)]
    t = []
    for i in range(p.k):
        row = e[i]
        for j in range(p.k):
            row = _add(row, _multiply(a[i][j], s[j]))
        t.append(row)
    return b"".join(_encode(x, 12) for x in t) + rho, b"".join(_encode(x, 12) for x in s)


def _pke_encrypt(p: Params, ek: bytes, message: bytes, r: bytes) -> bytes:  # Algorithm 14
    t = [_decode(ek[384 * i : 384 * (i + 1)], 12) for i in range(p.k)]
    a = _matrix(ek[384 * p.k :], p.k)
    y = [_ntt(_sample_cbd(_prf(p.eta1, r, i), p.eta1)) for i in range(p.k)]
    e1 = [_sample_cbd(_prf(p.eta2, r, p.k + i), p.eta2) for i in range(p.k)]
    e2 = _sample_cbd(_prf(p.eta2, r, 2 * p.k), p.eta2)
    u = []
    for i in range(p.k):
        total = [0] * _N
        for j in range(p.k):
            total = _add(total, _multiply(a[j][i], y[j]))
        u.append(_add(_ntt_inverse(total), e1[i]))
    mu = _decompress(_decode(message, 1), 1)
    total = [0] * _N
    for i in range(p.k):
        total = _add(total, _multiply(t[i], y[i]))
    v = _add(_add(_ntt_inverse(total), e2), mu)
    c1 = b"".join(_encode(_compress(x, p.du), p.du) for x in u)
    return c1 + _encode(_compress(v, p.dv), p.dv)


def _pke_decrypt(p: Params, dk: bytes, ciphertext: bytes) -> bytes:  # Algorithm 15
    size = 32 * p.du
    u = [_decompress(_decode(ciphertext[size * i : size * (i + 1)], p.du), p.du) for i in range(p.k)]
    v = _decompress(_decode(ciphertext[size * p.k :], p.dv), p.dv)
    s = [_decode(dk[384 * i : 384 * (i + 1)], 12) for i in range(p.k)]
    total = [0] * _N
    for i in range(p.k):
        total = _add(total, _multiply(s[i], _ntt(u[i])))
    w = [(a - b) % _Q for a, b in zip(v, _ntt_inverse(total))]
    return _encode(_compress(w, 1), 1)


def ciphertext_bytes(spec: str) -> int:
    p = PARAMS[spec]
    return 32 * (p.du * p.k + p.dv)


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(body)) + body


def _algorithm(p: Params) -> bytes:
    return _der(0x30, _der(0x06, p.oid))


class PublicKey:
    """An encapsulation key, with the methods of ``cryptography``'s ML-KEM public keys that
    the KMS code uses."""

    def __init__(self, spec: str, ek: bytes) -> None:
        self.spec = spec
        self._params = PARAMS[spec]
        self._ek = ek

    def public_bytes_raw(self) -> bytes:
        return self._ek

    def public_bytes(self, encoding: Any, format: Any) -> bytes:
        """DER SubjectPublicKeyInfo (the only form the KMS code asks for)."""
        return _der(0x30, _algorithm(self._params) + _der(0x03, b"\x00" + self._ek))

    def encapsulate(self) -> tuple[bytes, bytes]:
        """(shared secret, ciphertext): Algorithm 17 with a fresh random message."""
        return self.encapsulate_with(os.urandom(32))

    def encapsulate_with(self, message: bytes) -> tuple[bytes, bytes]:
        digest = hashlib.sha3_512(message + hashlib.sha3_256(self._ek).digest()).digest()
        return digest[:32], _pke_encrypt(self._params, self._ek, message, digest[32:])


class PrivateKey:
    """A decapsulation key made from its 64-byte seed d || z, with the methods of
    ``cryptography``'s ML-KEM private keys that the KMS code uses."""

    def __init__(self, spec: str, seed: bytes) -> None:
        if len(seed) != SEED_BYTES:
            raise ValueError(f"an ML-KEM seed is {SEED_BYTES} bytes, not {len(seed)}")
        self.spec = spec
        self._params = PARAMS[spec]
        self._seed = bytes(seed)
        ek, dk_pke = _pke_keygen(self._params, seed[:32])  # Algorithm 16
        self._ek = ek
        self._dk_pke = dk_pke
        self._h = hashlib.sha3_256(ek).digest()

    def public_key(self) -> PublicKey:
        return PublicKey(self.spec, self._ek)

    def private_bytes_raw(self) -> bytes:
        return self._seed

    def private_bytes(self, encoding: Any, format: Any, encryption: Any) -> bytes:
        """PKCS #8 DER in the seed format ([0] IMPLICIT OCTET STRING), as ``cryptography``
        writes it (the only form the KMS code asks for)."""
        return _pkcs8(self._params, self._seed)

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """Algorithm 18: the shared secret, or FIPS 203's implicit-rejection value for a
        ciphertext that was not made for this key."""
        if len(ciphertext) != ciphertext_bytes(self.spec):
            raise ValueError("ciphertext length does not match the parameter set")
        message = _pke_decrypt(self._params, self._dk_pke, ciphertext)
        digest = hashlib.sha3_512(message + self._h).digest()
        rejected = hashlib.shake_256(self._seed[32:] + ciphertext).digest(32)
        again = _pke_encrypt(self._params, self._ek, message, digest[32:])
        return digest[:32] if again == ciphertext else rejected


def _pkcs8(p: Params, seed: bytes) -> bytes:
    return _der(0x30, b"\x02\x01\x00" + _algorithm(p) + _der(0x04, _der(0x80, seed)))


def parse_pkcs8(der: bytes) -> tuple[str, bytes] | None:
    """(key spec, seed) of a seed-format PKCS #8 ML-KEM private key, else None."""
    for spec, p in PARAMS.items():
        prefix = _pkcs8(p, bytes(SEED_BYTES))[:-SEED_BYTES]
        if len(der) == len(prefix) + SEED_BYTES and der.startswith(prefix):
            return spec, der[-SEED_BYTES:]
    return None
