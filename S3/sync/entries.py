"""What one side of a sync knows about one object: ``LocalEntry`` (a file) and ``RemoteEntry`` (an S3 object).

Both carry the *relative key*: the part of the object key below the destination (or source)
prefix, '/'-separated, a valid UTF-8 string, never normalised. Streams of entries are sorted by
that key in S3's order (UTF-8 byte order, which for ``str`` is code-point order), so that two sides
can be merged without holding either in memory.

An MD5 is only ever stated when it is known to be the MD5 of the content: the ETag of a
single-part, non-KMS object is one; a multipart ETag (``…-N``) is not, and the MD5 then comes from
``x-amz-meta-s3cmd-attrs`` once the object's headers have been read (``with_headers``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from S3.s3 import attrs
from S3.s3.etag import encrypted_etag, etag_md5
from S3.s3.xml import ObjectEntry


@dataclass(frozen=True, slots=True)
class LocalEntry:
    """A regular file found by the walk; ``dev``/``inode``/``size``/``mtime_ns`` key the MD5 cache."""

    key: str
    path: str
    size: int
    mtime_ns: int
    mode: int
    uid: int
    gid: int
    dev: int
    inode: int

    @property
    def mtime(self) -> int:
        """Whole seconds, as s3cmd-attrs stores them."""
        return self.mtime_ns // 1_000_000_000

    @classmethod
    def from_stat(cls, key: str, path: str, st: os.stat_result) -> LocalEntry:
        return cls(key=key, path=path, size=st.st_size, mtime_ns=st.st_mtime_ns, mode=st.st_mode,
                   uid=st.st_uid, gid=st.st_gid, dev=st.st_dev, inode=st.st_ino)


@dataclass(frozen=True, slots=True)
class RemoteEntry:
    """An object from a listing (or a HEAD). ``md5`` is None when it cannot be known without more reading.

    ``headers_read`` says whether ``md5`` already reflects the object's headers, so that a multipart
    object whose attrs carry no MD5 is not HEADed twice.
    """

    key: str
    size: int
    mtime: int
    etag: str
    md5: str | None = None
    headers_read: bool = False

    @classmethod
    def listed(cls, key: str, *, size: int, mtime: int, etag: str) -> RemoteEntry:
        """From a ListObjects row. A listing does not say whether an object is SSE-KMS encrypted, so a
        plain-looking ETag is trusted here; ``with_headers`` corrects it when the headers are read."""
        return cls(key=key, size=size, mtime=mtime, etag=etag.strip('"'), md5=etag_md5(etag))

    @property
    def multipart(self) -> bool:
        return "-" in self.etag

    @property
    def needs_headers(self) -> bool:
        """True when reading the object's headers may still tell its MD5."""
        return self.md5 is None and not self.headers_read

    def with_headers(self, headers: Mapping[str, str]) -> RemoteEntry:
        """The entry as a HEAD/GET answer describes it (header names in lower case).

        The s3cmd-attrs MD5 wins (it is what the uploader computed); otherwise the ETag counts only
        when it is a plain MD5 and the object is not SSE-KMS/SSE-C encrypted (their ETags are not MD5s).
        """
        decoded = attrs.decode(headers.get(attrs.HEADER, ""))
        md5 = decoded.md5
        if md5 is None:
            md5 = None if encrypted_etag(headers) else etag_md5(headers.get("etag", self.etag))
        return replace(self, md5=md5, headers_read=True)


Entry = LocalEntry | RemoteEntry


def remote_entries(
    objects: Iterable[ObjectEntry], *, base: str, on_root: Callable[[], None] | None = None
) -> Iterator[RemoteEntry]:
    """A listing (``S3Client.list_objects`` pages' objects) as entries keyed below ``base``.

    All keys share ``base``, so the relative keys keep the listing's order; a key that does not
    start with ``base`` (a server answering outside the prefix) is not ours to compare, and dropped.
    The key ``base`` itself (the folder's own marker, 'dir/' in ``s3://b/dir/``) has no name below
    it: ``on_root`` is told of it, and it is dropped too.
    """
    for obj in objects:
        if obj.key.startswith(base) and len(obj.key) > len(base):
            yield RemoteEntry.listed(obj.key[len(base):], size=obj.size, mtime=int(obj.last_modified.timestamp()),
                                     etag=obj.etag)
        elif obj.key == base and on_root is not None:
            on_root()
