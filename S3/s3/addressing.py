"""Where a request for a bucket goes: virtual-host or path style, and which region signs it.

``host_bucket`` containing ``%(bucket)s`` means virtual-host style for buckets
whose names are valid DNS labels; anything else (MinIO, Ceph, a local server)
is addressed path style at ``host_base``. On AWS's default endpoint a known
region selects ``s3.<region>.amazonaws.com``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from S3.signing.sigv4 import uri_encode

_DNS_BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
AWS_DEFAULT_HOST = "s3.amazonaws.com"


@dataclass(frozen=True)
class Location:
    url: str  # without query
    host: str
    canonical_uri: str  # path as sent, encoded once: what SigV4 signs
    bucket_in_host: str  # for SigV2's canonical resource


@dataclass(frozen=True)
class Endpoint:
    host_base: str = AWS_DEFAULT_HOST
    host_bucket: str = "%(bucket)s.s3.amazonaws.com"
    use_https: bool = True

    @property
    def scheme(self) -> str:
        return "https" if self.use_https else "http"

    def _regional(self, host: str, region: str) -> str:
        if region and region != "us-east-1" and AWS_DEFAULT_HOST in host:
            return host.replace(AWS_DEFAULT_HOST, f"s3.{region}.amazonaws.com")
        return host

    def virtual_host_ok(self, bucket: str) -> bool:
        if "%(bucket)s" not in self.host_bucket or not _DNS_BUCKET.match(bucket) or ".." in bucket:
            return False
        # Dotted names break the TLS wildcard certificate of virtual hosts.
        return not (self.use_https and "." in bucket)

    def locate(self, bucket: str, key: str, *, region: str = "") -> Location:
        path_key = uri_encode(key, safe="/")
        if not bucket:
            host = self._regional(self.host_base, region)
            return Location(f"{self.scheme}://{host}/", host, "/", "")
        if self.virtual_host_ok(bucket):
            host = self._regional(self.host_bucket.replace("%(bucket)s", bucket), region)
            path = "/" + path_key
            return Location(f"{self.scheme}://{host}{path}", host, path, bucket)
        host = self._regional(self.host_base, region)
        path = f"/{uri_encode(bucket)}/{path_key}"
        return Location(f"{self.scheme}://{host}{path}", host, path, "")

    def public_url(self, bucket: str, key: str, *, https: bool) -> str:
        """The object's address for anyone to fetch (``info`` of a public object): as requests are
        addressed, with the scheme ``public_url_use_https`` asks for."""
        loc = self.locate(bucket, key)
        return ("https" if https else "http") + loc.url[len(self.scheme):]
