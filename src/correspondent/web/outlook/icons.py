"""The add-in's icons as PNG, drawn here: Outlook wants PNG at fixed sizes for its buttons.

A green disc with a white tick, the tracked symbol of the Thunderbird add-on
(``clients/thunderbird/icons/tracked.svg``), sampled four times per pixel for smooth edges.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

GREEN = (46, 125, 50)
WHITE = (255, 255, 255)
SIZES = frozenset({16, 32, 64, 80, 128})
# The tick as two segments in a unit square (y down).
_TICK = (((0.28, 0.52), (0.44, 0.68)), ((0.44, 0.68), (0.74, 0.34)))
_TICK_WIDTH = 0.09


def _distance_to_segment(
    px: float, py: float, a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    cx, cy = ax + t * dx, ay + t * dy
    return float(((px - cx) ** 2 + (py - cy) ** 2) ** 0.5)


def _pixel(x: int, y: int, size: int) -> tuple[int, int, int, int]:
    disc = tick = 0
    for sx in (0.25, 0.75):
        for sy in (0.25, 0.75):
            u, v = (x + sx) / size, (y + sy) / size
            if (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25:
                disc += 1
                if min(_distance_to_segment(u, v, a, b) for a, b in _TICK) <= _TICK_WIDTH / 2:
                    tick += 1
    if not disc:
        return (0, 0, 0, 0)
    share = tick / disc
    rgb = tuple(round(g + (w - g) * share) for g, w in zip(GREEN, WHITE, strict=True))
    return (rgb[0], rgb[1], rgb[2], round(255 * disc / 4))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=len(SIZES))
def icon_png(size: int) -> bytes:
    """The icon as an RGBA PNG of ``size`` × ``size`` pixels."""
    if size not in SIZES:
        raise ValueError(f"no icon of size {size}; sizes: {sorted(SIZES)}")
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x, y, size)) for x in range(size)) for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
