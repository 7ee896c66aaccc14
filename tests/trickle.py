"""A loopback S3 stand-in whose object bodies trickle out slowly, for interrupt tests.

Every GET of a key answers (Range honoured) with ``size`` bytes sent in small
pieces with a pause between them, so a download is still running when the test
signals it. ``etag`` chooses the client's path: a 32-hex MD5 (read sequentially
and checked) or ``…-N`` (a multipart object, ranges fetched in parallel).
PUTs and multipart calls are answered too (slowly for part bodies), and
``aborted`` counts multipart aborts.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

from tests.servers import LoopbackServer, _Quiet

PIECE = 16 * 1024
PAUSE = 0.02  # seconds between pieces: ~800 KB/s per connection


class TrickleServer(LoopbackServer):
    def __init__(self, *, size: int, etag: str, abort_stalls: bool = False) -> None:
        self.size = size
        self.etag = etag
        self.abort_stalls = abort_stalls  # an abort (DELETE ?uploadId) is never answered: a dead network
        outer = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                if self.path.split("?", 1)[0].rstrip("/") == "/bkt":  # a listing (sync): the one object 'big'
                    outer.count("list")
                    query = parse_qs(urlsplit(self.path).query)
                    listed = "big".startswith(query.get("prefix", [""])[0])  # as S3: only below the prefix
                    row = (f"<Contents><Key>big</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
                           f"<ETag>&quot;{outer.etag}&quot;</ETag><Size>{outer.size}</Size></Contents>")
                    self.reply(200, (f"<ListBucketResult><IsTruncated>false</IsTruncated>{row if listed else ''}"
                                     f"</ListBucketResult>").encode())
                    return
                outer.count("GET")
                start, end = 0, outer.size - 1
                match = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                status = 200
                if match:
                    status = 206
                    start = int(match.group(1))
                    end = min(int(match.group(2)) if match.group(2) else end, end)
                self.send_response(status)
                self.send_header("Content-Length", str(end - start + 1))
                self.send_header("ETag", f'"{outer.etag}"')
                if match:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{outer.size}")
                self.end_headers()
                remaining = end - start + 1
                try:
                    while remaining > 0:
                        piece = min(PIECE, remaining)
                        self.wfile.write(b"x" * piece)
                        self.wfile.flush()
                        remaining -= piece
                        time.sleep(PAUSE)
                except OSError:  # the client went away: that is the point of the test
                    self.close_connection = True

            def do_POST(self) -> None:  # noqa: N802
                self._drain(slow=False)
                if "uploads" in self.path:
                    body = (b"<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                            b"<UploadId>up1</UploadId></InitiateMultipartUploadResult>")
                    self.reply(200, body)
                else:
                    self.reply(200, b"<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag></CompleteMultipartUploadResult>")

            def do_PUT(self) -> None:  # noqa: N802
                outer.count("PUT")
                self._drain(slow=True)
                self.send_response(200)
                self.send_header("ETag", '"0123456789abcdef0123456789abcdef"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_DELETE(self) -> None:  # noqa: N802
                if "uploadId" in self.path:
                    outer.count("abort")
                    if outer.abort_stalls:
                        time.sleep(120)
                        return
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_HEAD(self) -> None:  # noqa: N802
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _drain(self, *, slow: bool) -> None:
                remaining = int(self.headers.get("Content-Length", "0"))
                while remaining > 0:
                    data = self.rfile.read(min(PIECE, remaining))
                    if not data:
                        break
                    remaining -= len(data)
                    if slow:
                        time.sleep(PAUSE)

        super().__init__(Handler)
