"""Client CPU per small request: requests vs urllib3 vs http.client, and what signing adds.

Sends ``--count`` PUTs of 4 KiB with the headers an S3 PUT carries to a loopback server (any
HTTP server: the answer does not matter, an unsigned request to ``rclone serve s3`` gets a quick
403) on one kept-alive connection, and reports the CPU time of this process per request
(``time.process_time``: the server's and the neighbours' CPU do not count).

    .venv/bin/python benchmarks/http_overhead.py --port 8080
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BODY = os.urandom(4096)
HEADERS = {
    "x-amz-date": "20260101T000000Z",
    "x-amz-content-sha256": hashlib.sha256(BODY).hexdigest(),
    "Authorization": "AWS4-HMAC-SHA256 Credential=X/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
    "Content-Type": "application/octet-stream",
    "x-amz-meta-s3cmd-attrs": "atime:1/ctime:1/gid:0/gname:root/md5:0/mode:33188/mtime:1/uid:0/uname:root",
    "x-amz-storage-class": "STANDARD",
    "Content-Length": str(len(BODY)),
}


def per_request(label: str, count: int, send: Callable[[int], None]) -> float:
    send(0)  # connect outside the measurement
    started = time.process_time()
    for i in range(count):
        send(i)
    cost = (time.process_time() - started) / count * 1000
    print(f"| {label} | {cost:.3f} ms |")
    return cost


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    print("| client | CPU per 4 KiB PUT |\n|---|---:|")

    import requests

    session = requests.Session()
    session.trust_env = False
    per_request("requests.Session", args.count,
                lambda i: session.put(f"{base}/bench/h/{i}", data=BODY, headers=HEADERS).content)

    import urllib3

    pool = urllib3.HTTPConnectionPool("127.0.0.1", args.port, maxsize=1)
    per_request("urllib3 connection pool", args.count,
                lambda i: pool.urlopen("PUT", f"/bench/h/{i}", body=BODY, headers=HEADERS).data)

    conn = http.client.HTTPConnection("127.0.0.1", args.port)

    def plain(i: int) -> None:
        conn.request("PUT", f"/bench/h/{i}", body=BODY, headers=HEADERS)
        conn.getresponse().read()

    per_request("http.client, one connection", args.count, plain)

    from S3.signing import sigv4

    keys = sigv4.SigningKeys("AKIDEXAMPLE", "secret", None)
    scope = sigv4.Scope("us-east-1", "s3")
    now = datetime.now(timezone.utc)
    per_request("+ SigV4 signing only (S3.signing.sigv4.sign_headers)", args.count, lambda i: sigv4.sign_headers(
        method="PUT", canonical_uri=f"/bench/h/{i}", query="", headers={"host": "127.0.0.1", **HEADERS},
        payload_hash=HEADERS["x-amz-content-sha256"], keys=keys, scope=scope, now=now))
    per_request("+ SHA-256 + MD5 of the 4 KiB body", args.count,
                lambda i: (hashlib.sha256(BODY).hexdigest(), hashlib.md5(BODY).digest()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
