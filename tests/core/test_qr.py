"""The QR encoder (core.qr): the standard's own numbers (capacities, format and version
information, the Reed–Solomon codewords of its worked example), symbols pinned bit for bit,
and a real decoder reading what it draws (zbarimg, where installed).

The pinned symbols were checked against segno 1.6.6 for every version and level and all
eight masks (equal module for module once segno's one extra zero codeword before the pad
codewords is accounted for) and decoded by zbarimg 0.23.92.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from core.qr import (
    DataTooLong,
    alignment_positions,
    byte_capacity,
    format_bits,
    qr_matrix,
    qr_svg,
    rs_remainder,
    version_bits,
    version_for,
)

PAYME = (
    "https://checkout.paycom.uz/"
    "bT1tZW5pbmctdXlpbS1kZW1vO2FjLmFjY291bnQ9MDAwMDAwMTAwMTIzO2E9NTAwMDA7bD11eg=="
)


def _digest(matrix: list[list[bool]]) -> str:
    bits = "".join("1" if v else "0" for row in matrix for v in row)
    return hashlib.sha256(bits.encode()).hexdigest()


def test_reed_solomon_matches_the_standards_example() -> None:
    # "HELLO WORLD" as 1-M, the data codewords and their ten error-correction codewords
    data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    assert rs_remainder(data, 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]


@pytest.mark.parametrize(
    ("version", "level", "capacity"),
    [(1, "M", 14), (2, "M", 26), (5, "M", 84), (9, "M", 180), (10, "M", 213), (10, "L", 271),
     (20, "H", 382), (40, "L", 2953), (40, "M", 2331), (40, "H", 1273)],
)  # fmt: skip
def test_byte_capacity_is_the_standards_table(version: int, level: str, capacity: int) -> None:
    assert byte_capacity(version, level) == capacity


def test_format_and_version_information() -> None:
    assert format_bits("M", 0) == 0b101010000010010
    assert format_bits("L", 0) == 0b111011111000100
    assert format_bits("H", 7) == 0b000100000111011
    assert version_bits(7) == 0x07C94
    assert version_bits(40) == 0x28C69
    assert alignment_positions(7) == [6, 22, 38]
    assert alignment_positions(32) == [6, 34, 60, 86, 112, 138]


def test_the_smallest_version_is_chosen_and_too_much_is_refused() -> None:
    assert version_for(14, "M") == 1
    assert version_for(15, "M") == 2
    assert len(qr_matrix(PAYME)) == 41  # version 6
    with pytest.raises(DataTooLong):
        qr_matrix(b"x" * 2332, level="M")


@pytest.mark.parametrize(
    ("text", "digest"),
    [
        (PAYME, "f2c242d66ad6e9f635ae577bd065409b6fa328a006316af88be24b448096dc02"),
        ("Mening Uyim", "beb32571a2fe7b429a3a7386dc2017ed133237e26ea5662acb497b61ad418324"),
    ],
)
def test_symbols_are_pinned_bit_for_bit(text: str, digest: str) -> None:
    assert _digest(qr_matrix(text)) == digest


def test_the_svg_has_a_quiet_zone_and_one_path() -> None:
    svg = qr_svg("Mening Uyim")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"')
    assert svg.count("<path") == 1


def _pbm(matrix: list[list[bool]], path: Path, scale: int = 4, quiet: int = 4) -> None:
    side = (len(matrix) + 2 * quiet) * scale
    rows = []
    for y in range(side):
        yy = y // scale - quiet
        row = matrix[yy] if 0 <= yy < len(matrix) else []
        rows.append(
            " ".join(
                "1" if 0 <= x // scale - quiet < len(row) and row[x // scale - quiet] else "0"
                for x in range(side)
            )
        )
    path.write_text(f"P1\n{side} {side}\n" + "\n".join(rows) + "\n")


@pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="no zbarimg (apt-get install zbar-tools)"
)
@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
@pytest.mark.parametrize("text", [PAYME, "Mening Uyim", "oʻ gʻ ʼ — Оплата " * 12])
def test_a_decoder_reads_what_it_draws(tmp_path: Path, text: str, level: str) -> None:
    image = tmp_path / "qr.pbm"
    _pbm(qr_matrix(text, level=level), image)
    read = subprocess.run(
        ["zbarimg", "-q", "--raw", str(image)], capture_output=True, check=False, timeout=30
    )
    assert read.stdout.decode().rstrip("\n") == text
