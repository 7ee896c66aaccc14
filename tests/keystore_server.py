"""A tiny dict-backed S3 server on 127.0.0.1 that keeps every key exactly as sent.

moto's server (werkzeug) mangles request paths holding dot segments on GET, so the
tests of hostile keys need a server that takes the raw request path, percent-decodes
it and nothing more. Path style only; no signature checks. Supports what those tests
use: create bucket, PUT (and copy)/GET/HEAD/DELETE object (Range is ignored: the whole body is
sent, which S3 allows), ListObjects v1 with prefix/marker/max-keys, and keys listed in
``failing`` answering GET with the error given there (e.g. 403 AccessDenied, or 404
NoSuchKey for an object that vanished after the listing).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

_LISTING_TIME = "2026-01-01T00:00:00.000Z"


class KeyStore:
    def __init__(self) -> None:
        self.buckets: dict[str, dict[str, bytes]] = {}
        self.failing: dict[tuple[str, str], tuple[str, int]] = {}  # (bucket, key) → (code, status)
        self.paths_seen: list[str] = []  # raw request targets, for tests of the wire
        self.queries_seen: list[str] = []  # raw query strings, in the same order
        self.connections = 0  # TCP connections accepted (connection reuse tests)
        self.lock = threading.Lock()


def _etag(body: bytes) -> str:
    return '"' + hashlib.md5(body).hexdigest() + '"'


def _error(code: str, status: int) -> tuple[int, bytes]:
    return status, f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    store: KeyStore

    def setup(self) -> None:
        super().setup()
        with self.store.lock:
            self.store.connections += 1

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def _target(self) -> tuple[str, str, list[tuple[str, str]]]:
        raw_path, _, raw_query = self.path.partition("?")
        if raw_path.startswith("http://"):  # absolute form, as through a proxy
            raw_path = "/" + raw_path.split("/", 3)[3]
        with self.store.lock:
            self.store.paths_seen.append(raw_path)
            self.store.queries_seen.append(raw_query)
        bucket, _, key = raw_path[1:].partition("/")
        return unquote(bucket), unquote(key), parse_qsl(raw_query, keep_blank_values=True)

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, head: bool = False) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_PUT(self) -> None:
        bucket, key, _ = self._target()
        body = self._body()
        with self.store.lock:
            if not key:
                self.store.buckets.setdefault(bucket, {})
                return self._reply(200)
            objects = self.store.buckets.get(bucket)
            if objects is None:
                return self._reply(*_error("NoSuchBucket", 404))
            source = self.headers.get("x-amz-copy-source")
            if source is not None:
                src_bucket, _, src_key = unquote(source.lstrip("/")).partition("/")
                if src_key not in self.store.buckets.get(src_bucket, {}):
                    return self._reply(*_error("NoSuchKey", 404))
                body = self.store.buckets[src_bucket][src_key]
            objects[key] = body
        if source is not None:
            result = f"<CopyObjectResult><ETag>{escape(_etag(body))}</ETag></CopyObjectResult>".encode()
            return self._reply(200, result)
        self._reply(200, headers={"ETag": _etag(body)})

    def _object(self, *, head: bool) -> None:
        bucket, key, query = self._target()
        with self.store.lock:
            objects = self.store.buckets.get(bucket)
            if objects is None:
                return self._reply(*_error("NoSuchBucket", 404), head=head)
            if not key:
                if head:
                    return self._reply(200, head=True)
                return self._reply(200, _listing(bucket, objects, dict(query)))
            failure = self.store.failing.get((bucket, key))
            if failure is not None and not head:
                return self._reply(*_error(*failure))
            body = objects.get(key)
        if body is None:
            return self._reply(*_error("NoSuchKey", 404), head=head)
        headers = {"ETag": _etag(body), "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT",
                   "Content-Type": "application/octet-stream"}
        self._reply(200, body, headers, head=head)

    def do_GET(self) -> None:
        self._object(head=False)

    def do_HEAD(self) -> None:
        self._object(head=True)

    def do_DELETE(self) -> None:
        bucket, key, _ = self._target()
        with self.store.lock:
            self.store.buckets.get(bucket, {}).pop(key, None)
        self._reply(204)


def _listing(bucket: str, objects: dict[str, bytes], query: dict[str, str]) -> bytes:
    prefix, marker = query.get("prefix", ""), query.get("marker", "")
    limit = min(1000, int(query.get("max-keys", "1000")))
    keys = sorted(k for k in objects if k.startswith(prefix) and k > marker)
    page, truncated = keys[:limit], len(keys) > limit
    contents = "".join(
        f"<Contents><Key>{escape(k)}</Key><LastModified>{_LISTING_TIME}</LastModified>"
        f"<ETag>{escape(_etag(objects[k]))}</ETag><Size>{len(objects[k])}</Size>"
        "<StorageClass>STANDARD</StorageClass></Contents>"
        for k in page
    )
    next_marker = f"<NextMarker>{escape(page[-1])}</NextMarker>" if truncated else ""
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<ListBucketResult xmlns='http://s3.amazonaws.com/doc/2006-03-01/'>"
        f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix><Marker>{escape(marker)}</Marker>"
        f"<MaxKeys>{limit}</MaxKeys><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
        f"{next_marker}{contents}</ListBucketResult>"
    ).encode()


@contextmanager
def serve_keystore() -> Iterator[tuple[str, KeyStore]]:
    """Yield (``http://127.0.0.1:PORT``, store) while the server runs on a thread."""
    store = KeyStore()
    handler = type("Handler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", store
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
