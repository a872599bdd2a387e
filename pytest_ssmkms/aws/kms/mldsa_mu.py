"""ML-DSA with an externally computed mu (FIPS 204, section 6.2; KMS's EXTERNAL_MU message type).

``cryptography`` signs and verifies whole messages only, so the internal algorithms that take
mu (ML-DSA.Sign_internal and ML-DSA.Verify_internal, FIPS 204 Algorithms 7 and 8) are written
out here from the standard, in pure Python: the key is expanded from the same 32-byte seed
``cryptography`` keeps, so a signature made here verifies with ``cryptography`` over the message
the mu was computed from, and the other way round (the tests check both). Bytes in, bytes out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

Q = 8380417
D = 13
N = 256
_ZETA = 1753
_INV_N = 8347681  # 256^-1 mod q


@dataclass(frozen=True)
class Params:
    k: int
    l: int
    eta: int
    tau: int
    lam: int
    gamma1: int
    gamma2: int
    beta: int
    omega: int


# FIPS 204 Table 1.
PARAMS = {
    "ML_DSA_44": Params(4, 4, 2, 39, 128, 1 << 17, (Q - 1) // 88, 78, 80),
    "ML_DSA_65": Params(6, 5, 4, 49, 192, 1 << 19, (Q - 1) // 32, 196, 55),
    "ML_DSA_87": Params(8, 7, 2, 60, 256, 1 << 19, (Q - 1) // 32, 120, 75),
}


def _bitrev8(value: int) -> int:
    return int(f"{value:08b}"[::-1], 2)


_ZETAS = [pow(_ZETA, _bitrev8(i), Q) for i in range(N)]

Poly = list[int]


def _h(data: bytes, length: int) -> bytes:
    return hashlib.shake_256(data).digest(length)


def _ntt(poly: Poly) -> Poly:
    w = list(poly)
    m, length = 0, 128
    while length >= 1:
        for start in range(0, N, 2 * length):
            m += 1
            zeta = _ZETAS[m]
            for j in range(start, start + length):
                t = zeta * w[j + length] % Q
                w[j + length] = (w[j] - t) % Q
                w[j] = (w[j] + t) % Q
        length //= 2
    return w


def _intt(poly: Poly) -> Poly:
    w = list(poly)
    m, length = N, 1
    while length < N:
        for start in range(0, N, 2 * length):
            m -= 1
            zeta = Q - _ZETAS[m]
            for j in range(start, start + length):
                t = w[j]
                w[j] = (t + w[j + length]) % Q
                w[j + length] = zeta * (t - w[j + length]) % Q
        length *= 2
    return [_INV_N * x % Q for x in w]


def _mul(a: Poly, b: Poly) -> Poly:
    return [x * y % Q for x, y in zip(a, b)]


def _add(a: Poly, b: Poly) -> Poly:
    return [(x + y) % Q for x, y in zip(a, b)]


def _sub(a: Poly, b: Poly) -> Poly:
    return [(x - y) % Q for x, y in zip(a, b)]


def _centered(r: int, alpha: int) -> int:
    """r mod± alpha: the representative in (-alpha/2, alpha/2]."""
    r0 = r % alpha
    return r0 - alpha if r0 > alpha // 2 else r0


def _inf_norm(poly: Poly) -> int:
    return max(abs(_centered(x, Q)) for x in poly)


# ---- sampling (FIPS 204 section 7.3) ---------------------------------------------------------

def _rej_ntt_poly(seed: bytes) -> Poly:
    stream = hashlib.shake_128(seed).digest(894)  # enough for 256 coefficients in practice
    out: Poly = []
    pos = 0
    while len(out) < N:
        if pos + 3 > len(stream):
            stream = hashlib.shake_128(seed).digest(len(stream) * 2)
        value = stream[pos] | stream[pos + 1] << 8 | (stream[pos + 2] & 0x7F) << 16
        pos += 3
        if value < Q:
            out.append(value)
    return out


def _rej_bounded_poly(seed: bytes, eta: int) -> Poly:
    stream = _h(seed, 512)
    out: Poly = []
    pos = 0
    while len(out) < N:
        if pos >= len(stream):
            stream = _h(seed, len(stream) * 2)
        byte = stream[pos]
        pos += 1
        for half in (byte & 0x0F, byte >> 4):
            if len(out) == N:
                break
            if eta == 2 and half < 15:
                out.append((2 - half % 5) % Q)
            elif eta == 4 and half < 9:
                out.append((4 - half) % Q)
    return out


def _sample_in_ball(seed: bytes, tau: int) -> Poly:
    stream = _h(seed, 8 + 4 * N)
    signs = int.from_bytes(stream[:8], "little")
    c = [0] * N
    pos = 8
    for i in range(N - tau, N):
        while True:
            if pos >= len(stream):
                stream = _h(seed, len(stream) * 2)
            j = stream[pos]
            pos += 1
            if j <= i:
                break
        c[i] = c[j]
        c[j] = Q - 1 if signs >> (i + tau - N) & 1 else 1
    return c


def _expand_a(rho: bytes, p: Params) -> list[list[Poly]]:
    return [[_rej_ntt_poly(rho + bytes([s, r])) for s in range(p.l)] for r in range(p.k)]


def _expand_mask(rho2: bytes, kappa: int, p: Params) -> list[Poly]:
    bits = (p.gamma1 - 1).bit_length() + 1
    return [
        _bit_unpack(_h(rho2 + (kappa + r).to_bytes(2, "little"), 32 * bits), p.gamma1 - 1, p.gamma1)
        for r in range(p.l)
    ]


# ---- rounding (FIPS 204 section 7.4) ---------------------------------------------------------

def _decompose(r: int, gamma2: int) -> tuple[int, int]:
    r = r % Q
    r0 = _centered(r, 2 * gamma2)
    if r - r0 == Q - 1:
        return 0, r0 - 1
    return (r - r0) // (2 * gamma2), r0


def _use_hint(hint: int, r: int, gamma2: int) -> int:
    m = (Q - 1) // (2 * gamma2)
    r1, r0 = _decompose(r, gamma2)
    if hint and r0 > 0:
        return (r1 + 1) % m
    if hint:
        return (r1 - 1) % m
    return r1


# ---- encodings (FIPS 204 section 7.1, 7.2) ---------------------------------------------------

def _pack(values: list[int], bits: int) -> bytes:
    acc = 0
    for i, value in enumerate(values):
        acc |= value << (i * bits)
    return acc.to_bytes(len(values) * bits // 8, "little")


def _unpack(data: bytes, bits: int) -> list[int]:
    acc = int.from_bytes(data, "little")
    mask = (1 << bits) - 1
    return [acc >> (i * bits) & mask for i in range(len(data) * 8 // bits)]


def _bit_unpack(data: bytes, a: int, b: int) -> Poly:
    return [(b - x) % Q for x in _unpack(data, (a + b).bit_length())]


def _bit_pack(poly: Poly, a: int, b: int) -> bytes:
    return _pack([(b - _centered(x, Q)) for x in poly], (a + b).bit_length())


def _w1_encode(w1: list[Poly], p: Params) -> bytes:
    bits = ((Q - 1) // (2 * p.gamma2) - 1).bit_length()
    return b"".join(_pack(poly, bits) for poly in w1)


def _public_encode(rho: bytes, t1: list[Poly]) -> bytes:
    return rho + b"".join(_pack(poly, 10) for poly in t1)


def _hint_pack(hints: list[list[int]], p: Params) -> bytes:
    out = bytearray(p.omega + p.k)
    index = 0
    for i, row in enumerate(hints):
        for j, bit in enumerate(row):
            if bit:
                out[index] = j
                index += 1
        out[p.omega + i] = index
    return bytes(out)


def _hint_unpack(data: bytes, p: Params) -> list[list[int]] | None:
    hints = [[0] * N for _ in range(p.k)]
    index = 0
    for i in range(p.k):
        end = data[p.omega + i]
        if end < index or end > p.omega:
            return None
        first = index
        while index < end:
            if index > first and data[index - 1] >= data[index]:
                return None
            hints[i][data[index]] = 1
            index += 1
    if any(data[index:p.omega]):
        return None
    return hints


# ---- keys, signing, verification ----------------------------------------------------------

@dataclass(frozen=True)
class ExpandedKey:
    spec: str
    public: bytes  # pkEncode(rho, t1): the raw public key cryptography reports
    rho: bytes
    key: bytes
    tr: bytes
    s1_hat: list[Poly]
    s2_hat: list[Poly]
    t0_hat: list[Poly]
    a_hat: list[list[Poly]]


@lru_cache(maxsize=32)
def expand(spec: str, seed: bytes) -> ExpandedKey:
    """ML-DSA.KeyGen_internal (FIPS 204 Algorithm 6) from the 32-byte seed xi."""
    p = PARAMS[spec]
    expanded = _h(seed + bytes([p.k, p.l]), 128)
    rho, rho1, key = expanded[:32], expanded[32:96], expanded[96:]
    a_hat = _expand_a(rho, p)
    s1 = [_rej_bounded_poly(rho1 + r.to_bytes(2, "little"), p.eta) for r in range(p.l)]
    s2 = [_rej_bounded_poly(rho1 + (r + p.l).to_bytes(2, "little"), p.eta) for r in range(p.k)]
    s1_hat = [_ntt(poly) for poly in s1]
    t1: list[Poly] = []
    t0: list[Poly] = []
    for r in range(p.k):
        acc = [0] * N
        for s in range(p.l):
            acc = _add(acc, _mul(a_hat[r][s], s1_hat[s]))
        t = _add(_intt(acc), s2[r])
        high, low = [], []
        for x in t:
            r0 = _centered(x, 1 << D)
            high.append((x - r0) >> D)
            low.append(r0 % Q)
        t1.append(high)
        t0.append(low)
    public = _public_encode(rho, t1)
    return ExpandedKey(
        spec, public, rho, key, _h(public, 64), s1_hat, [_ntt(poly) for poly in s2],
        [_ntt(poly) for poly in t0], a_hat,
    )


def message_mu(public: bytes, message: bytes, context: bytes = b"") -> bytes:
    """The 64-byte mu of pure ML-DSA for ``message`` under the raw public key (what a caller
    computes before Sign with MessageType EXTERNAL_MU)."""
    return _h(_h(public, 64) + bytes([0, len(context)]) + context + message, 64)


def sign_mu(key: ExpandedKey, mu: bytes, rnd: bytes) -> bytes:
    """ML-DSA.Sign_internal (FIPS 204 Algorithm 7) with mu given; ``rnd`` is 32 bytes."""
    p = PARAMS[key.spec]
    rho2 = _h(key.key + rnd + mu, 64)
    kappa = 0
    while True:
        y = _expand_mask(rho2, kappa, p)
        kappa += p.l
        y_hat = [_ntt(poly) for poly in y]
        w = []
        for r in range(p.k):
            acc = [0] * N
            for s in range(p.l):
                acc = _add(acc, _mul(key.a_hat[r][s], y_hat[s]))
            w.append(_intt(acc))
        w1 = [[_decompose(x, p.gamma2)[0] for x in poly] for poly in w]
        c_tilde = _h(mu + _w1_encode(w1, p), p.lam // 4)
        c_hat = _ntt(_sample_in_ball(c_tilde, p.tau))
        z = [_add(y[s], _intt(_mul(c_hat, key.s1_hat[s]))) for s in range(p.l)]
        if max(_inf_norm(poly) for poly in z) >= p.gamma1 - p.beta:
            continue
        w_minus = [_sub(w[r], _intt(_mul(c_hat, key.s2_hat[r]))) for r in range(p.k)]
        r0_norm = max(abs(_decompose(x, p.gamma2)[1]) for poly in w_minus for x in poly)
        if r0_norm >= p.gamma2 - p.beta:
            continue
        ct0 = [_intt(_mul(c_hat, key.t0_hat[r])) for r in range(p.k)]
        if max(_inf_norm(poly) for poly in ct0) >= p.gamma2:
            continue
        hints = []
        for r in range(p.k):
            row = []
            for x, c in zip(w_minus[r], ct0[r]):
                # MakeHint(-ct0, w - cs2 + ct0): does adding -ct0 change the high bits?
                base = (x + c) % Q
                row.append(int(_decompose(base, p.gamma2)[0] != _decompose(x, p.gamma2)[0]))
            hints.append(row)
        if sum(map(sum, hints)) > p.omega:
            continue
        packed_z = b"".join(_bit_pack(poly, p.gamma1 - 1, p.gamma1) for poly in z)
        return c_tilde + packed_z + _hint_pack(hints, p)


def verify_mu(spec: str, public: bytes, mu: bytes, signature: bytes) -> bool:
    """ML-DSA.Verify_internal (FIPS 204 Algorithm 8) with mu given."""
    p = PARAMS[spec]
    z_bytes = 32 * ((p.gamma1 - 1).bit_length() + 1)
    if len(public) != 32 + 320 * p.k or len(signature) != p.lam // 4 + p.l * z_bytes + p.omega + p.k:
        return False
    rho = public[:32]
    t1 = [_unpack(public[32 + 320 * r: 32 + 320 * (r + 1)], 10) for r in range(p.k)]
    c_tilde = signature[: p.lam // 4]
    offset = p.lam // 4
    z = [_bit_unpack(signature[offset + s * z_bytes: offset + (s + 1) * z_bytes], p.gamma1 - 1, p.gamma1)
         for s in range(p.l)]
    hints = _hint_unpack(signature[offset + p.l * z_bytes:], p)
    if hints is None or max(_inf_norm(poly) for poly in z) >= p.gamma1 - p.beta:
        return False
    a_hat = _expand_a(rho, p)
    c_hat = _ntt(_sample_in_ball(c_tilde, p.tau))
    z_hat = [_ntt(poly) for poly in z]
    w1 = []
    for r in range(p.k):
        acc = [0] * N
        for s in range(p.l):
            acc = _add(acc, _mul(a_hat[r][s], z_hat[s]))
        t1_hat = _ntt([x << D for x in t1[r]])
        approx = _intt(_sub(acc, _mul(c_hat, t1_hat)))
        w1.append([_use_hint(h, x, p.gamma2) for h, x in zip(hints[r], approx)])
    return _h(mu + _w1_encode(w1, p), p.lam // 4) == c_tilde
