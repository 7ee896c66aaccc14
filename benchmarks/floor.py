"""The floor when curl cannot sign (no ``--aws-sigv4``): the least work a Python client can do.

One PUT or GET of a whole file on one connection, signed once with ``UNSIGNED-PAYLOAD`` (so the
body is never hashed): PUT hands the file to the kernel with ``socket.sendfile``; GET reads the
body with ``readinto`` into one reused buffer and ``os.write``s it. No retries, no checks.

    python benchmarks/floor.py put --port P --key K --secret S FILE bucket/key
    python benchmarks/floor.py get --port P --key K --secret S FILE bucket/key
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from S3.signing import sigv4  # noqa: E402  # the signer only: hashlib, hmac, datetime


def signed_headers(method: str, path: str, host: str, args: argparse.Namespace) -> dict[str, str]:
    return sigv4.sign_headers(
        method=method, canonical_uri=path, query="", headers={"host": host},
        payload_hash=sigv4.UNSIGNED_PAYLOAD, keys=sigv4.SigningKeys(args.key, args.secret),
        scope=sigv4.Scope(args.region, "s3"), now=datetime.now(timezone.utc),
    )


def put(args: argparse.Namespace, path: str, host: str) -> int:
    with open(args.file, "rb") as body, socket.create_connection(("127.0.0.1", args.port)) as sock:
        size = os.fstat(body.fileno()).st_size
        headers = signed_headers("PUT", path, host, args)
        head = [f"PUT {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {size}"]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("ascii"))
        sock.sendfile(body)
        answer = http.client.HTTPResponse(sock, method="PUT")
        answer.begin()
        answer.read()
        return 0 if answer.status == 200 else 1


def get(args: argparse.Namespace, path: str, host: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", args.port)
    conn.request("GET", path, headers=signed_headers("GET", path, host, args))
    answer = conn.getresponse()
    if answer.status != 200:
        return 1
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        while read := answer.readinto(buffer):
            written = 0
            while written < read:
                written += os.write(fd, view[written:read])
    finally:
        os.close(fd)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("method", choices=("put", "get"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("file")
    parser.add_argument("path", help="bucket/key")
    args = parser.parse_args()
    path = "/" + args.path
    host = f"127.0.0.1:{args.port}"
    return put(args, path, host) if args.method == "put" else get(args, path, host)


if __name__ == "__main__":
    sys.exit(main())
