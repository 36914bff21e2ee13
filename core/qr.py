"""A QR Code encoder (ISO/IEC 18004, model 2): byte mode, versions 1–40, levels L/M/Q/H,
with the standard's mask choice, drawn as SVG. Receipts carry a QR code of the payment
link (DOMAIN.md "Billing": "a QR payment link").

Written here rather than taken from a package because none is installed and the project's
lock file is shared; it does one thing (bytes in, a matrix out) and is checked against an
independent decoder and a reference encoder (tests/core/test_qr.py).

The structure follows the standard step by step: the data bit stream (mode, count, bytes,
terminator, pad codewords), Reed–Solomon error correction per block over GF(256) with the
polynomial x⁸+x⁴+x³+x²+1, interleaving, the function patterns (finders, separators, timing,
alignment, format and version information), the zigzag placement of codewords, and the
mask of the lowest penalty (rules N1–N4).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

LEVELS = ("L", "M", "Q", "H")
# format information's two bits for each level
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}

# error-correction codewords per block, and number of blocks, by level and version (1–40)
_ECC_PER_BLOCK = {
    "L": (7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
          28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
          26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
          28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
          30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}  # fmt: skip
_BLOCKS = {
    "L": (1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
          8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
          17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
          23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
          25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}  # fmt: skip


class DataTooLong(ValueError):
    """The data does not fit a version-40 symbol at this level."""


# --- GF(256) and Reed–Solomon -----------------------------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def rs_generator(degree: int) -> list[int]:
    """The generator polynomial (x − α⁰)(x − α¹)…(x − α^(degree−1)), highest term first,
    without its leading 1."""
    poly = [1]
    for i in range(degree):
        nxt = [0] * (len(poly) + 1)
        for j, c in enumerate(poly):
            nxt[j] ^= c
            nxt[j + 1] ^= _mul(c, _EXP[i])
        poly = nxt
    return poly[1:]


def rs_remainder(data: Sequence[int], degree: int) -> list[int]:
    """The ``degree`` error-correction codewords of ``data``."""
    gen = rs_generator(degree)
    rem = [0] * degree
    for byte in data:
        factor = byte ^ rem[0]
        rem = [*rem[1:], 0]
        for i, g in enumerate(gen):
            rem[i] ^= _mul(g, factor)
    return rem


# --- capacities -------------------------------------------------------------------------


def _raw_modules(version: int) -> int:
    """Modules left for data and error correction once the function patterns are drawn."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        align = version // 7 + 2
        result -= (25 * align - 10) * align - 55
        if version >= 7:
            result -= 36
    return result


def data_codewords(version: int, level: str) -> int:
    raw = _raw_modules(version) // 8
    return raw - _ECC_PER_BLOCK[level][version - 1] * _BLOCKS[level][version - 1]


def byte_capacity(version: int, level: str) -> int:
    """How many bytes a symbol holds in byte mode (4 bits of mode, 8 or 16 of count)."""
    count_bits = 8 if version <= 9 else 16
    return (data_codewords(version, level) * 8 - 4 - count_bits) // 8


def version_for(length: int, level: str) -> int:
    for version in range(1, 41):
        if length <= byte_capacity(version, level):
            return version
    raise DataTooLong(length)


# --- the codeword sequence --------------------------------------------------------------


def _data_bits(data: bytes, version: int, level: str) -> list[int]:
    bits: list[int] = []

    def put(value: int, width: int) -> None:
        bits.extend((value >> i) & 1 for i in reversed(range(width)))

    put(0b0100, 4)  # byte mode
    put(len(data), 8 if version <= 9 else 16)
    for byte in data:
        put(byte, 8)
    capacity = data_codewords(version, level) * 8
    put(0, min(4, capacity - len(bits)))  # terminator
    put(0, -len(bits) % 8)
    pad = 0xEC
    while len(bits) < capacity:
        put(pad, 8)
        pad ^= 0xEC ^ 0x11
    return bits


def codewords(data: bytes, version: int, level: str) -> list[int]:
    """Data and error-correction codewords, split into blocks and interleaved."""
    bits = _data_bits(data, version, level)
    words = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    blocks = _BLOCKS[level][version - 1]
    ecc_len = _ECC_PER_BLOCK[level][version - 1]
    raw = _raw_modules(version) // 8
    short = blocks - raw % blocks
    short_len = raw // blocks - ecc_len  # data codewords of a short block
    data_blocks: list[list[int]] = []
    ecc_blocks: list[list[int]] = []
    k = 0
    for i in range(blocks):
        n = short_len + (0 if i < short else 1)
        part = words[k : k + n]
        k += n
        data_blocks.append(part)
        ecc_blocks.append(rs_remainder(part, ecc_len))
    out: list[int] = []
    for i in range(short_len + 1):
        out.extend(b[i] for b in data_blocks if i < len(b))
    for i in range(ecc_len):
        out.extend(b[i] for b in ecc_blocks)
    return out


# --- the matrix -------------------------------------------------------------------------


def alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    size = version * 4 + 17
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    return [6, *reversed([size - 7 - i * step for i in range(count - 1)])]


def _bch(value: int, poly: int, degree: int) -> int:
    rem = value << degree
    for shift in reversed(range(rem.bit_length() - degree)):
        if rem & (1 << (shift + degree)):
            rem ^= poly << shift
    return (value << degree) | rem


def format_bits(level: str, mask: int) -> int:
    return _bch(_LEVEL_BITS[level] << 3 | mask, 0x537, 10) ^ 0x5412


def version_bits(version: int) -> int:
    return _bch(version, 0x1F25, 12)


class _Symbol:
    def __init__(self, version: int) -> None:
        self.version = version
        self.size = version * 4 + 17
        self.dark = [[False] * self.size for _ in range(self.size)]
        self.function = [[False] * self.size for _ in range(self.size)]
        self._draw_function_patterns()

    def set(self, x: int, y: int, dark: bool) -> None:
        self.dark[y][x] = dark
        self.function[y][x] = True

    def _finder(self, cx: int, cy: int) -> None:
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                x, y = cx + dx, cy + dy
                if 0 <= x < self.size and 0 <= y < self.size:
                    ring = max(abs(dx), abs(dy))
                    self.set(x, y, ring not in (2, 4))

    def _draw_function_patterns(self) -> None:
        size = self.size
        for i in range(size):
            self.set(6, i, i % 2 == 0)
            self.set(i, 6, i % 2 == 0)
        self._finder(3, 3)
        self._finder(size - 4, 3)
        self._finder(3, size - 4)
        positions = alignment_positions(self.version)
        last = len(positions) - 1
        for i, cy in enumerate(positions):
            for j, cx in enumerate(positions):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue  # under a finder
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self.set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format(0, "M")  # reserve; overwritten once the mask is known
        if self.version >= 7:
            bits = version_bits(self.version)
            for i in range(18):
                bit = ((bits >> i) & 1) == 1
                a, b = size - 11 + i % 3, i // 3
                self.set(a, b, bit)
                self.set(b, a, bit)

    def draw_format(self, mask: int, level: str) -> None:
        bits = format_bits(level, mask)
        size = self.size

        def bit(i: int) -> bool:
            return ((bits >> i) & 1) == 1

        # around the top-left finder
        for i in range(6):
            self.set(8, i, bit(i))
        self.set(8, 7, bit(6))
        self.set(8, 8, bit(7))
        self.set(7, 8, bit(8))
        for i in range(9, 15):
            self.set(14 - i, 8, bit(i))
        # the copy beside the other two finders
        for i in range(8):
            self.set(size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self.set(8, size - 15 + i, bit(i))
        self.set(8, size - 8, True)  # the dark module

    def place(self, words: Sequence[int]) -> None:
        size = self.size
        i = 0
        total = len(words) * 8
        right = size - 1
        while right >= 1:
            if right == 6:
                right = 5
            for vert in range(size):
                for j in range(2):
                    x = right - j
                    upward = ((right + 1) & 2) == 0
                    y = size - 1 - vert if upward else vert
                    if not self.function[y][x] and i < total:
                        self.dark[y][x] = ((words[i >> 3] >> (7 - (i & 7))) & 1) == 1
                        i += 1
            right -= 2

    def apply_mask(self, mask: int) -> None:
        test = _MASKS[mask]
        for y in range(self.size):
            row, fixed = self.dark[y], self.function[y]
            for x in range(self.size):
                if not fixed[x] and test(x, y):
                    row[x] = not row[x]


_MASKS = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


def penalty(dark: list[list[bool]]) -> int:
    """The standard's penalty of a masked symbol (N1 = 3, N2 = 3, N3 = 40, N4 = 10)."""
    size = len(dark)
    score = 0
    columns = [[dark[y][x] for y in range(size)] for x in range(size)]
    finder = (True, False, True, True, True, False, True)
    for line in (*dark, *columns):
        run = 1
        for a, b in itertools.pairwise(line):
            if a == b:
                run += 1
            else:
                if run >= 5:
                    score += run - 2
                run = 1
        if run >= 5:
            score += run - 2
        # 1:1:3:1:1 with four light modules on either side (outside the symbol is light)
        padded = (False,) * 4 + tuple(line) + (False,) * 4
        for i in range(4, len(padded) - 10):
            if padded[i : i + 7] == finder and (
                not any(padded[i - 4 : i]) or not any(padded[i + 7 : i + 11])
            ):
                score += 40
    for y in range(size - 1):
        for x in range(size - 1):
            c = dark[y][x]
            if c == dark[y][x + 1] == dark[y + 1][x] == dark[y + 1][x + 1]:
                score += 3
    total = size * size
    black = sum(map(sum, dark))
    score += ((abs(black * 20 - total * 10) + total - 1) // total - 1) * 10
    return score


def qr_matrix(
    data: bytes | str, *, level: str = "M", version: int | None = None, mask: int | None = None
) -> list[list[bool]]:
    """The modules of the smallest symbol holding ``data`` (True = dark), without the
    quiet zone. ``version`` and ``mask`` may be fixed (tests); by default the mask of the
    lowest penalty is chosen."""
    payload = data.encode() if isinstance(data, str) else bytes(data)
    if level not in LEVELS:
        raise ValueError(level)
    needed = version_for(len(payload), level)
    version = version or needed
    if version < needed or version > 40:
        raise DataTooLong(len(payload))
    words = codewords(payload, version, level)
    best: tuple[int, list[list[bool]]] | None = None
    for candidate in range(8) if mask is None else (mask,):
        symbol = _Symbol(version)
        symbol.place(words)
        symbol.apply_mask(candidate)
        symbol.draw_format(candidate, level)
        score = penalty(symbol.dark) if mask is None else 0
        if best is None or score < best[0]:
            best = (score, symbol.dark)
    assert best is not None
    return best[1]


def qr_svg(data: bytes | str, *, level: str = "M", quiet: int = 4) -> str:
    """The symbol as a standalone SVG document: one path, one unit per module."""
    matrix = qr_matrix(data, level=level)
    side = len(matrix) + 2 * quiet
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + quiet} {y + quiet}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )
