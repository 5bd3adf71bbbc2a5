# Shim for the seed (shared/seed/000_745aa4d756e45f8d.txt §3.2 MFAService.setup_mfa); not the
# qrcode package. changes: n/a. The QR image is only returned as a data URL and never stored in
# Redis, so this shim renders a valid PNG (a deterministic module pattern from the data, the size
# of a version-1 QR with the requested box_size/border) instead of a scannable QR code.
import hashlib
import struct
import zlib


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


class _Image:
    def __init__(self, modules, box_size, border):
        self.modules = modules
        self.box_size = box_size
        self.border = border

    def _png(self):
        n = len(self.modules)
        side = (n + 2 * self.border) * self.box_size
        rows = []
        for y in range(side):
            my = y // self.box_size - self.border
            row = bytearray([0])  # filter: none
            for x in range(side):
                mx = x // self.box_size - self.border
                dark = 0 <= my < n and 0 <= mx < n and self.modules[my][mx]
                row.append(0 if dark else 255)
            rows.append(bytes(row))
        ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit grayscale
        return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
                + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b""))

    def save(self, stream, format="PNG", **kwargs):
        stream.write(self._png())


class QRCode:
    def __init__(self, version=None, error_correction=None, box_size=10, border=4, **kwargs):
        self.version = version or 1
        self.box_size = box_size
        self.border = border
        self.data = ""

    def add_data(self, data, optimize=20):
        self.data += str(data)

    def make(self, fit=True):
        return None

    def make_image(self, fill_color="black", back_color="white", **kwargs):
        n = 17 + 4 * self.version
        bits = b""
        counter = 0
        while len(bits) * 8 < n * n:
            bits += hashlib.sha256(self.data.encode("utf-8") + counter.to_bytes(4, "big")).digest()
            counter += 1
        modules = [[(bits[(y * n + x) // 8] >> ((y * n + x) % 8)) & 1 == 1 for x in range(n)] for y in range(n)]
        return _Image(modules, self.box_size, self.border)
