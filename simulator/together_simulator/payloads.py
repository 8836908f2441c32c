"""Large fault bodies, generated lazily: the simulator never holds more than one small block of them in memory.

Each generator yields bytes to write; the server stops iterating as soon as the client goes away.
"""

import struct
import zlib

BLOCK = 64 * 1024
_PADDING_BLOCK = b"x" * BLOCK
# A JSON object whose one long string makes up the size: valid JSON, so only a size cap can stop a client.
_PADDED_PREFIX = b'{"object": "list", "data": [], "padding": "'
_PADDED_SUFFIX = b'"}'
_ENDLESS_PREFIX = b'{"object": "list", "data": ['
_ENDLESS_ITEM = (b'{"id": "endpoint-00000000-0000-4000-8000-00000000e0e0", "object": "endpoint", "padding": "'
                 + b"x" * 4000 + b'"}, ')
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no flags, no mtime, max compression, unknown OS
_BOMB_BLOCK = 1024 * 1024


def padded_json_length(size):
    """The exact length of padded_json(size): `size`, but never shorter than its fixed parts."""
    return max(size, len(_PADDED_PREFIX) + len(_PADDED_SUFFIX))


def padded_json(size):
    """A `size`-byte JSON object, in BLOCK-sized pieces."""
    remaining = padded_json_length(size) - len(_PADDED_PREFIX) - len(_PADDED_SUFFIX)
    yield _PADDED_PREFIX
    while remaining > 0:
        piece = min(remaining, BLOCK)
        yield _PADDING_BLOCK[:piece]
        remaining -= piece
    yield _PADDED_SUFFIX


def endless_json():
    """The start of a JSON list that never ends."""
    yield _ENDLESS_PREFIX
    item_block = _ENDLESS_ITEM * max(1, BLOCK // len(_ENDLESS_ITEM))
    while True:
        yield item_block


class GzipBomb:
    """A gzip body that inflates to `size` bytes of padded JSON, about 1/1000 of that on the wire.

    One compressed 1 MiB block (flushed with Z_FULL_FLUSH, which resets the compressor's history) is
    repeated, so building it costs one small compression and `length` is known before sending.
    """

    def __init__(self, size):
        self.blocks, tail = divmod(max(size, 2 * _BOMB_BLOCK) - len(_PADDED_PREFIX) - len(_PADDED_SUFFIX), _BOMB_BLOCK)
        self.tail_size = tail
        self.size = len(_PADDED_PREFIX) + self.blocks * _BOMB_BLOCK + tail + len(_PADDED_SUFFIX)
        self._head = self._deflate(_PADDED_PREFIX, zlib.Z_FULL_FLUSH)
        self._block = self._deflate(b"x" * _BOMB_BLOCK, zlib.Z_FULL_FLUSH)
        self._end = self._deflate(b"x" * tail + _PADDED_SUFFIX, zlib.Z_FINISH)
        self.length = len(_GZIP_HEADER) + len(self._head) + self.blocks * len(self._block) + len(self._end) + 8

    @staticmethod
    def _deflate(data, flush):
        # A fresh raw-deflate compressor per piece: after Z_FULL_FLUSH nothing refers back, so pieces concatenate.
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + (compressor.flush(zlib.Z_FULL_FLUSH) if flush == zlib.Z_FULL_FLUSH else compressor.flush())

    def __iter__(self):
        crc = zlib.crc32(_PADDED_PREFIX)
        block_crc_input = b"x" * _BOMB_BLOCK
        yield _GZIP_HEADER + self._head
        for _index in range(self.blocks):
            crc = zlib.crc32(block_crc_input, crc)  # only as far as the client reads: a client that stops early costs nothing more
            yield self._block
        crc = zlib.crc32(b"x" * self.tail_size + _PADDED_SUFFIX, crc)
        yield self._end + struct.pack("<II", crc & 0xFFFFFFFF, self.size & 0xFFFFFFFF)
