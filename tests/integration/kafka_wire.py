"""The Kafka protocol's primitive types, encoded and decoded by hand, for the tests that
build requests byte by byte so that they control every field: strings and compact
strings, arrays, varints, tagged-field sections, CRC-32C and uncompressed record
batches, and a Reader that walks a response body."""

import struct
import time

NO_TAGS = b"\x00"  # an empty tagged-field section


def crc32c(data):
    """CRC-32C (Castagnoli), bit by bit: the batches of these tests are small."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def uvarint(n):
    """Unsigned varint, as compact lengths and tagged fields use."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def varint(n):
    """Zigzag varint, as record fields use."""
    return uvarint((n << 1) ^ (n >> 63))


def string(s):
    """A nullable string (int16 length)."""
    if s is None:
        return struct.pack(">h", -1)
    data = s.encode()
    return struct.pack(">h", len(data)) + data


def cstring(s):
    """A compact nullable string."""
    if s is None:
        return uvarint(0)
    data = s.encode()
    return uvarint(len(data) + 1) + data


def carray(items):
    """A compact nullable array of already encoded items."""
    if items is None:
        return uvarint(0)
    return uvarint(len(items) + 1) + b"".join(items)


def record_batch(values, producer_id=-1, epoch=-1, base_sequence=-1, base_ts=None, magic=2,
                 bad_crc=False):
    """An uncompressed RecordBatch of `values` (null keys, no headers) at offsets 0..n-1,
    stamped base_ts + i (base_ts: now by default); `bad_crc` spoils its CRC."""
    if base_ts is None:
        base_ts = int(time.time() * 1000)
    records = b""
    for i, value in enumerate(values):
        body = (b"\x00" + varint(i) + varint(i) + varint(-1) + varint(len(value)) + value +
                varint(0))
        records += varint(len(body)) + body
    after_crc = struct.pack(">hiqqqhii", 0, len(values) - 1, base_ts, base_ts + len(values) - 1,
                            producer_id, epoch, base_sequence, len(values)) + records
    crc = crc32c(after_crc) ^ (1 if bad_crc else 0)
    after_length = struct.pack(">ibI", -1, magic, crc) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


def read_exact(sock, n):
    """`n` bytes from `sock`; ConnectionError when it closes first."""
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


class Reader:
    """Reads a response body field by field, keeping the position."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        """The value of a struct format (a tuple when it has several fields)."""
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values if len(values) > 1 else values[0]

    def bytes(self, n):
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def string(self):
        n = self.take(">h")
        return None if n < 0 else self.bytes(n).decode()

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            value |= (b & 0x7F) << shift
            if b < 0x80:
                return value
            shift += 7

    def cstring(self):
        n = self.uvarint()
        return None if n == 0 else self.bytes(n - 1).decode()

    def uuid(self):
        return self.bytes(16)

    def carray(self, item):
        n = self.uvarint()
        return None if n == 0 else [item(self) for _ in range(n - 1)]

    def tags(self):
        """Reads a tagged-field section; returns {tag: raw bytes}."""
        fields = {}
        for _ in range(self.uvarint()):
            tag, size = self.uvarint(), self.uvarint()
            fields[tag] = self.bytes(size)
        return fields

    def at_end(self):
        return self.pos == len(self.data)
