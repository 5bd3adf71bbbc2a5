"""Write Rampart's placeholder icons (a shield on a dark square) as PNGs without image libraries.
Run: python3 scripts/gen/icons.py  (writes icons/*.png)."""
import struct, zlib, pathlib

def png(size):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            u, v = (x + 0.5) / size, (y + 0.5) / size
            # Shield: straight top half, tapering to a point at the bottom.
            half = 0.34 if v < 0.55 else 0.34 * max(0.0, (0.9 - v) / 0.35)
            inside = 0.15 < v < 0.9 and abs(u - 0.5) < half
            edge = inside and (abs(u - 0.5) > half - 0.05 or v < 0.2)
            if edge:
                px = (94, 129, 172, 255)
            elif inside:
                px = (46, 52, 64, 255)
            else:
                px = (15, 20, 25, 255)
            row += bytes(px)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")

out = pathlib.Path(__file__).resolve().parents[2] / "icons"
out.mkdir(exist_ok=True)
for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    (out / name).write_bytes(png(size))
