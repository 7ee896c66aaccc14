"""A request body hashed ahead of sending: its MD5 (Content-MD5, the ETag check) and SHA-256
(the SigV4 payload hash) are known, and each attempt reads it afresh (``reader``), so a
multipart upload never holds a part in memory and a retry re-sends the same bytes."""

from __future__ import annotations

from typing import IO, Protocol


class PrehashedBody(Protocol):
    md5: bytes
    sha256: str  # hex; "" sends the body as UNSIGNED-PAYLOAD

    def __len__(self) -> int: ...

    def reader(self) -> IO[bytes]: ...
