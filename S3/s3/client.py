"""The S3 client: one method per operation, each request signed from one credential
snapshot, retried with backoff, re-signed after a credentials refresh or a region
correction.

Retries re-sign every attempt (fresh date, fresh credentials). An
``ExpiredToken``/``InvalidToken`` answer forces one refresh of temporary
credentials; a region hint (301 or ``AuthorizationHeaderMalformed``) re-targets
the bucket's region once.

Every stored body carries ``Content-MD5`` and the ETag answered is checked against
it: many S3-compatible servers check neither SigV4's signed SHA-256 nor Content-MD5,
so a byte flipped on the wire would otherwise be stored and reported as success.

Reads ``S3CMD_RETRY_DELAY_SCALE`` (a factor on every retry delay, for tests only).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from S3.credentials.refreshing import RefreshingCredentials
from S3.errors import ParameterError, TransferError
from S3.identity.model import Credentials
from S3.runtime import Runtime
from S3.s3 import xml
from S3.s3.addressing import Endpoint, Location
from S3.s3.errors import S3Error, refuse_web_page
from S3.s3.etag import body_md5, encrypted_etag, is_md5_hex
from S3.s3.payload import PrehashedBody
from S3.signing import sigv2, sigv4
from S3.transport.errors import TransportError
from S3.transport.http import ERROR_BODY_LIMIT, HttpClient, Response, read_at_most
from S3.transport.retry import Again, RetryPolicy, is_retryable_answer, parse_retry_after, run, s3_policy

log = logging.getLogger("s3cmd.s3")

Query = Sequence[tuple[str, str]]
_REFRESH_CODES = frozenset({"ExpiredToken", "InvalidToken", "TokenRefreshRequired"})
_REGION_HINT_CODES = frozenset({"AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "PermanentRedirect"})
_MULTIPART_ETAG = re.compile(r"([0-9a-f]{32})-(\d+)")
_RAW_KEY = re.compile(r"<Key>(.*?)</Key>", re.DOTALL)
_RAW_NEXT = re.compile(r"<NextMarker>(.*?)</NextMarker>", re.DOTALL)
_RAW_TRUNCATED = re.compile(r"<IsTruncated>\s*true\s*</IsTruncated>", re.IGNORECASE)
RESENDS = 2  # a body whose ETag disagrees with our MD5 is sent this many more times


@dataclass(frozen=True)
class ClientSettings:
    region: str = "us-east-1"
    signature_v2: bool = False
    max_retries: int = 5
    requester_pays: bool = False
    list_allow_unordered: bool = False  # Ceph RGW's allow-unordered=true on listings (s3cmd --list-allow-unordered)


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


def etag_check(answer: Response, md5_hex: str, sent: Mapping[str, str]) -> str:
    """What the answer's ETag says of the bytes the server stored: "ok" (the MD5 of what we sent, or an
    SSE-KMS / SSE-C upload, whose ETag is no MD5), "differs" (another MD5: damaged on the way), or
    "unverifiable" (no ETag, or one that is not an MD5, where S3 would state the MD5)."""
    if encrypted_etag(sent) or encrypted_etag(answer.headers):  # asked for, or the bucket's default
        return "ok"
    stated = body_md5(answer.headers)
    if stated is None:
        return "unverifiable"
    return "ok" if stated == md5_hex else "differs"


class UnverifiedUpload(TransferError):
    """The server's answer to an upload states no MD5 where S3 states one: what it stored is unknown."""


def multipart_etag(part_etags: Sequence[str]) -> str:
    """The ETag S3 gives an object assembled from parts: the MD5 of the parts' binary ETags, ``-N``."""
    joined = b"".join(bytes.fromhex(etag) for etag in part_etags)
    return f"{hashlib.md5(joined).hexdigest()}-{len(part_etags)}"


def _check_page(page: xml.ListPage, *, prefix: str, marker: str, ordered: bool) -> None:
    """A listing page is acted on (deleted, moved, downloaded, compared) only if it is one: every key
    below the prefix asked for, and a truncated listing that says where it goes on, further on than
    the page before. A server that breaks either rule would have us delete keys nobody named, end
    a listing early (and sync delete what lies past it), or list forever."""
    for key in (*(entry.key for entry in page.objects), *page.prefixes):
        if not key.startswith(prefix):
            raise xml.MalformedAnswer(f"The server listed '{key}', which is not below the prefix '{prefix}' "
                                      "that was asked for; nothing is done with this listing.")
    if not page.truncated:
        return
    if not page.next_marker:
        raise xml.MalformedAnswer("The server's listing says it is truncated but not where it goes on "
                                  "(no NextMarker, no key); it cannot be read to its end.")
    if page.next_marker == marker or (ordered and marker and page.next_marker < marker):
        raise xml.MalformedAnswer(f"The server's listing does not move on (its next page starts again at "
                                  f"'{page.next_marker}'); it cannot be read to its end.")


class S3Client:
    def __init__(
        self,
        *,
        endpoint: Endpoint,
        transport: HttpClient,
        credentials: RefreshingCredentials,
        settings: ClientSettings,
        runtime: Runtime,
    ) -> None:
        self.endpoint = endpoint
        self.transport = transport
        self.credentials = credentials
        self.settings = settings
        self.runtime = runtime
        self._bucket_regions: dict[str, str] = {}
        self._regions_lock = threading.Lock()
        self._policies: dict[int, RetryPolicy] = {}  # by max_retries: asked twice per object downloaded

    # -- the one request path --------------------------------------------

    def region_for(self, bucket: str) -> str:
        with self._regions_lock:
            return self._bucket_regions.get(bucket, self.settings.region)

    def _remember_region(self, bucket: str, region: str) -> None:
        with self._regions_lock:
            self._bucket_regions[bucket] = region

    def _sign(
        self,
        *,
        creds: Credentials,
        method: str,
        loc: Location,
        query: Query,
        headers: Mapping[str, str],
        payload_hash: str,
        region: str,
    ) -> tuple[dict[str, str], str]:
        keys = sigv4.SigningKeys(creds.access_key, creds.secret_key, creds.session_token)
        query_string = sigv4.canonical_query(query)
        base = {"host": loc.host, **headers}
        if self.settings.requester_pays:
            base["x-amz-request-payer"] = "requester"
        if self.settings.signature_v2:
            from email.utils import formatdate  # SigV2 only (~4 ms of imports)

            resource = sigv2.canonical_resource(loc.canonical_uri, query, bucket_in_host=loc.bucket_in_host)
            signed = sigv2.sign_headers(
                method=method, headers=base, resource=resource, keys=keys,
                http_date=formatdate(self.runtime.clock().timestamp(), usegmt=True),
            )
        else:
            signed = sigv4.sign_headers(
                method=method,
                canonical_uri=loc.canonical_uri,
                query=query_string,
                headers=base,
                payload_hash=payload_hash,
                keys=keys,
                scope=sigv4.Scope(region, "s3"),
                now=self.runtime.clock(),
            )
        signed.pop("host", None)
        return signed, query_string

    def request(
        self,
        method: str,
        bucket: str = "",
        key: str = "",
        *,
        query: Query = (),
        headers: Mapping[str, str] | None = None,
        body: bytes | PrehashedBody = b"",
        stream: bool = False,
        max_retries: int | None = None,
    ) -> Response:
        headers = dict(headers or {})
        if not isinstance(body, bytes):
            payload_hash = body.sha256 or sigv4.UNSIGNED_PAYLOAD
        else:
            payload_hash = hashlib.sha256(body).hexdigest() if body else sigv4.EMPTY_SHA256
        if body or method in ("PUT", "POST"):
            headers["Content-Length"] = str(len(body))
        resource = f"s3://{bucket}/{key}" if bucket else "s3://"
        corrected: set[str] = set()  # "refresh", "region": each done at most once per request

        def attempt(number: int) -> Response | Again:
            region = self.region_for(bucket)
            loc = self.endpoint.locate(bucket, key, region=region)
            # one snapshot per attempt: key, secret and token that belong together
            creds = self.credentials.snapshot()
            signed, query_string = self._sign(
                creds=creds, method=method, loc=loc, query=query, headers=headers, payload_hash=payload_hash,
                region=region,
            )
            url = loc.url + (f"?{query_string}" if query_string else "")
            log.debug("Sending %s %s", method, loc.url)
            try:
                sending = body.reader() if not isinstance(body, bytes) else body or None  # afresh on each attempt
                answer = self.transport.send(method, url, headers=signed, body=sending, stream=stream)
            except TransportError as failed:
                if not failed.retryable:
                    raise
                return Again(failed, f"{resource} ({failed})")
            if answer.status < 300 or (answer.status == 304 and method in ("GET", "HEAD")):
                object_content = bool(key) and method in ("GET", "HEAD") and not query
                refuse_web_page(answer, object_content=object_content)
                return answer
            error = self._error(answer, method=method, resource=resource, object_request=bool(key), stream=stream)
            return self._verdict(error, answer, creds=creds, bucket=bucket, region=region, resource=resource,
                                 corrected=corrected)

        return run(attempt, policy=self.retry_policy(max_retries), pacer=self.runtime)

    @staticmethod
    def _error(answer: Response, *, method: str, resource: str, object_request: bool, stream: bool) -> S3Error:
        body_bytes = answer.body
        if stream:
            body_bytes = read_at_most(answer.iter_body(65536), ERROR_BODY_LIMIT)
            answer.close()
        return S3Error.from_answer(
            status=answer.status,
            reason=answer.reason,
            body=body_bytes if method != "HEAD" else b"",
            resource=resource,
            region_header=answer.headers.get("x-amz-bucket-region", ""),
            object_request=object_request,
            head=method == "HEAD",
        )

    def _verdict(
        self, error: S3Error, answer: Response, *, creds: Credentials, bucket: str, region: str, resource: str,
        corrected: set[str],
    ) -> Again:
        """What to do about an error answer: refresh credentials or fix the region once (at once, free),
        retry a transient error after a wait, or give up with ``error``."""
        if error.code in _REFRESH_CODES and "refresh" not in corrected:
            corrected.add("refresh")
            if self.credentials.force_refresh(creds) is not creds:
                log.info("Credentials expired mid-request; refreshed them and retrying %s", resource)
                return Again(error, "credentials refreshed", free=True)
        if bucket and "region" not in corrected and error.region and error.region != region and (
            answer.status in (301, 307) or error.code in _REGION_HINT_CODES
        ):
            corrected.add("region")
            log.info("Bucket %s is in region %s; retrying there", bucket, error.region)
            self._remember_region(bucket, error.region)
            return Again(error, "region corrected", free=True)
        if not is_retryable_answer(answer.status, error.code):
            raise error
        return Again(error, f"{resource} ({error})", retry_after=parse_retry_after(answer.headers.get("Retry-After")))

    def retry_policy(self, max_retries: int | None = None) -> RetryPolicy:
        chosen = self.settings.max_retries if max_retries is None else max_retries
        policy = self._policies.get(chosen)
        if policy is None:  # a frozen value: threads that make it twice make equal ones
            policy = self._policies[chosen] = s3_policy(chosen, self.runtime.env)
        return policy

    # -- buckets ------------------------------------------------------------

    def list_buckets(self) -> list[xml.Bucket]:
        """In the server's order (``la`` and ``du`` keep it; ``ls`` sorts by name, as s3cmd does)."""
        return xml.parse_buckets(self.request("GET").body)

    def create_bucket(self, bucket: str, *, location: str, headers: Mapping[str, str] | None = None) -> None:
        body = b"" if location in ("", "us-east-1", "US") else xml.build_create_bucket(location)
        if location not in ("", "US"):
            self._remember_region(bucket, location)
        self.request("PUT", bucket, headers=headers, body=body)

    def delete_bucket(self, bucket: str) -> None:
        self.request("DELETE", bucket)

    def bucket_location(self, bucket: str) -> str:
        location = xml.parse_location(self.request("GET", bucket, query=[("location", "")]).body)
        return location or "us-east-1"

    def get_subresource(self, bucket: str, key: str, name: str, *, max_retries: int | None = None) -> bytes:
        return self.request("GET", bucket, key, query=[(name, "")], max_retries=max_retries).body

    def list_objects(
        self, bucket: str, *, prefix: str = "", delimiter: str = "", limit: int = -1
    ) -> Iterator[xml.ListPage]:
        """Stream the listing page by page (never held whole)."""
        marker = ""
        seen = 0
        while True:
            query = [("prefix", prefix)] if prefix else []
            query.append(("encoding-type", "url"))  # keys XML cannot carry (control characters) come encoded
            if delimiter:
                query.append(("delimiter", delimiter))
            if marker:
                query.append(("marker", marker))
            if limit > 0:
                query.append(("max-keys", str(min(1000, limit - seen))))
            if self.settings.list_allow_unordered:
                query.append(("allow-unordered", "true"))
            page = xml.parse_list_page(self.request("GET", bucket, query=query).body, prefix=prefix)
            _check_page(page, prefix=prefix, marker=marker, ordered=not self.settings.list_allow_unordered)
            seen += len(page.objects) + len(page.prefixes)
            yield page
            if not page.truncated or (0 < limit <= seen):
                return
            marker = page.next_marker

    # -- objects ------------------------------------------------------------

    def head_object(self, bucket: str, key: str) -> Response:
        return self.request("HEAD", bucket, key)

    def _integrity(
        self, bucket: str, key: str, body: bytes | PrehashedBody, *, headers: Mapping[str, str], query: Query = (),
        what: str, content_md5: bool = True, etag_is_md5: bool = True,
    ) -> Response:
        """PUT a body with Content-MD5 and check the ETag answered; re-send a mismatch, then give up.

        Content-MD5 makes a checking server refuse corrupt bytes (``BadDigest``, retried by
        ``request``); the ETag check catches a server that stores them anyway. Not for SSE-KMS
        or SSE-C, whose ETag is not the MD5 of the body. ``content_md5`` False: the body's SHA-256
        is signed (``x-amz-content-sha256``), which the server checks instead. ``etag_is_md5`` False:
        the upload's ETags are known not to be MD5s (parts of an SSE-KMS / SSE-C upload), none is checked.
        """
        digest = hashlib.md5(body).digest() if isinstance(body, bytes) else body.md5
        sent = {**headers, "Content-MD5": base64.b64encode(digest).decode("ascii")} if content_md5 else dict(headers)
        for attempt in range(RESENDS + 1):
            answer = self.request("PUT", bucket, key, query=query, body=body, headers=sent)
            state = etag_check(answer, digest.hex(), sent) if etag_is_md5 else "ok"
            if state == "ok":
                return answer
            stated = answer.headers.get("ETag", "").strip('"')
            again = "; sending again" if attempt < RESENDS else ""
            if state == "unverifiable":
                log.warning("The server answered %s s3://%s/%s with ETag '%s', which is not the MD5 of what "
                            "it stored: the upload cannot be verified%s", what, bucket, key, stated, again)
            else:
                log.warning("MD5 of %s s3://%s/%s sent (%s) and ETag stored (%s) differ: the bytes were damaged "
                            "on the way%s", what, bucket, key, digest.hex(), stated, again)
        if state == "unverifiable":  # maybe stored right: left in place, and the run fails
            raise UnverifiedUpload(
                f"Upload of s3://{bucket}/{key} could not be verified: the server's ETag ('{stated}') states no MD5 "
                f"({RESENDS + 1} tries). Check the endpoint (host_base) or the proxy between here and it")
        raise TransferError(
            f"Upload of s3://{bucket}/{key} failed: the server stored different bytes than were sent "
            f"(MD5 mismatch, {RESENDS + 1} tries). Check the network or proxy between here and the server, and retry"
        )

    def put_object(self, bucket: str, key: str, body: bytes, *, headers: Mapping[str, str]) -> Response:
        try:
            return self._integrity(bucket, key, body, headers=headers, what="the body of")
        except UnverifiedUpload:
            raise
        except TransferError:
            # what is under the key now is the damaged copy (the old object is gone already): remove it
            try:
                self.delete_object(bucket, key)
            except S3Error:
                pass
            raise

    def get_object(self, bucket: str, key: str, *, offset: int = 0, end: int | None = None) -> Response:
        """Stream the object, or bytes ``offset..end`` (inclusive) of it."""
        if offset or end is not None:
            headers = {"Range": f"bytes={offset}-{'' if end is None else end}"}
        else:
            headers = {}
        return self.request("GET", bucket, key, headers=headers, stream=True)

    def delete_object(self, bucket: str, key: str) -> None:
        self.request("DELETE", bucket, key)

    def delete_objects(self, bucket: str, keys: list[str]) -> tuple[list[str], list[tuple[str, str, str]]]:
        """(deleted keys, (key, code, message) of failures). Keys that an XML body cannot carry
        (control characters) are deleted one request each."""
        batch = [key for key in keys if xml.can_carry(key)]
        deleted: list[str] = []
        errors: list[tuple[str, str, str]] = []
        if batch:
            body = xml.build_delete(batch)
            answer = self.request("POST", bucket, query=[("delete", "")], body=body,
                                  headers={"Content-MD5": md5_b64(body)})
            deleted, errors = xml.parse_delete_result(answer.body)
        for key in (key for key in keys if not xml.can_carry(key)):
            try:
                self.delete_object(bucket, key)
            except S3Error as failed:
                errors.append((key, failed.code or str(failed.status), failed.error_message))
            else:
                deleted.append(key)
        return deleted, errors

    def copy_object(
        self, src_bucket: str, src_key: str, bucket: str, key: str, *, headers: Mapping[str, str], replace_metadata: bool
    ) -> None:
        source = "/" + sigv4.uri_encode(f"{src_bucket}/{src_key}", safe="/")
        copy_headers = {
            **headers,
            "x-amz-copy-source": source,
            "x-amz-metadata-directive": "REPLACE" if replace_metadata else "COPY",
        }
        self._request_200_error("PUT", bucket, key, headers=copy_headers)

    def _request_200_error(
        self, method: str, bucket: str, key: str, *, query: Query = (), headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> dict[str, str]:
        """CopyObject and CompleteMultipartUpload can fail after a 200, the error in the body (AWS: retry it)."""

        def attempt(number: int) -> dict[str, str] | Again:
            answer = self.request(method, bucket, key, query=query, headers=headers, body=body)
            if not answer.body.strip():  # S3 always says how it went (whitespace first, maybe): not done
                empty = xml.MalformedAnswer(f"The server answered 200 with no result for s3://{bucket}/{key}: "
                                            "it cannot be told whether it was done")
                return Again(empty, f"s3://{bucket}/{key} (200 with no result)")
            result = xml.parse_copy_result(answer.body)
            if "Error" not in result:
                return result
            error = S3Error(status=500, code=result["Error"], message=result["Message"],
                            resource=f"s3://{bucket}/{key}")
            if not is_retryable_answer(500, error.code):
                raise error
            return Again(error, f"s3://{bucket}/{key} ({error}, in a 200 answer)")

        return run(attempt, policy=self.retry_policy(), pacer=self.runtime)

    # -- multipart ----------------------------------------------------------

    def create_multipart(self, bucket: str, key: str, *, headers: Mapping[str, str]) -> str:
        return xml.parse_upload_id(self.request("POST", bucket, key, query=[("uploads", "")], headers=headers).body)

    def upload_part(
        self, bucket: str, key: str, *, upload_id: str, number: int, data: bytes | PrehashedBody,
        etag_unverifiable: bool = False,
    ) -> str:
        """→ the part's ETag (checked against the part's MD5 where the ETag is one).

        A part whose SHA-256 is signed goes without Content-MD5, as s3cmd 2.4.0 sends parts: the
        server checks the signed SHA-256 against the bytes it receives, we check the ETag, and a
        third digest of every part (an MD5 pass over the whole file, ~0.7 s of a server's CPU per
        512 MiB) adds nothing to them. Unsigned parts (UNSIGNED-PAYLOAD over HTTPS), signature v2,
        and parts of an upload whose ETags are known not to be MD5s (``etag_unverifiable``: SSE-KMS,
        SSE-C) keep it."""
        signed = not self.settings.signature_v2 and (isinstance(data, bytes) or bool(data.sha256))
        answer = self._integrity(
            bucket, key, data, headers={}, query=[("partNumber", str(number)), ("uploadId", upload_id)],
            what=f"part {number} of", content_md5=etag_unverifiable or not signed, etag_is_md5=not etag_unverifiable,
        )
        etag = answer.headers.get("ETag", "")
        if not etag:  # CompleteMultipartUpload needs it: fail here, where the cause is plain
            raise TransferError(f"Upload of part {number} to s3://{bucket}/{key} failed: the server answered no ETag. "
                                "Retry the upload")
        return etag

    def complete_multipart(
        self, bucket: str, key: str, *, upload_id: str, parts: list[tuple[int, str]], part_etags: Sequence[str] = ()
    ) -> None:
        """``part_etags`` (the parts' ETags in order) let the final ETag be checked: S3 makes it the MD5
        of the parts' binary ETags and ``-N``; a server that does otherwise is left unchecked."""
        result = self._request_200_error(
            "POST", bucket, key, query=[("uploadId", upload_id)], body=xml.build_complete_multipart(parts)
        )
        etag = result.get("ETag", "").strip('"').lower()
        if not part_etags or not all(is_md5_hex(part) for part in part_etags):
            return
        if _MULTIPART_ETAG.fullmatch(etag) and etag != multipart_etag(part_etags):
            # as put_object: what is under the key now is the wrong object (the old one is gone already)
            try:
                self.delete_object(bucket, key)
            except S3Error:
                pass
            raise TransferError(
                f"Upload of s3://{bucket}/{key} failed: the server assembled it from other parts than were sent "
                f"(ETag {etag}, expected {multipart_etag(part_etags)}). Retry the upload"
            )

    def abort_multipart(self, bucket: str, key: str, *, upload_id: str) -> None:
        self.request("DELETE", bucket, key, query=[("uploadId", upload_id)])

    # -- presigning -----------------------------------------------------------

    def presign_get(self, bucket: str, key: str, *, expires_epoch: int, https: bool, params: Query = ()) -> str:
        """``params`` (e.g. ``response-content-type``) are signed and sent in the URL's query."""
        creds = self.credentials.snapshot()
        keys = sigv4.SigningKeys(creds.access_key, creds.secret_key, creds.session_token)
        loc = self.endpoint.locate(bucket, key, region=self.region_for(bucket))
        base_url = ("https" if https else "http") + loc.url[len(self.endpoint.scheme):]
        if self.settings.signature_v2:
            resource = sigv2.canonical_resource(loc.canonical_uri, params, bucket_in_host=loc.bucket_in_host)
            signed = sigv2.presign_query(resource=resource, keys=keys, expires_epoch=expires_epoch)
            extra = sigv4.canonical_query(params)
            return base_url + "?" + (f"{extra}&" if extra else "") + signed
        now = self.runtime.clock()
        expires, week = expires_epoch - int(now.timestamp()), 7 * 24 * 3600
        if not 0 < expires <= week:  # never silently sign for another lifetime than asked
            raise ParameterError(
                f"Expiry must be in the future and at most {week} seconds (7 days) away: "
                "SigV4 presigned URLs last at most 7 days (--signature-v2 URLs have no such limit)"
            )
        query = sigv4.presign_query(
            method="GET",
            canonical_uri=loc.canonical_uri,
            params=params,
            host=loc.host,
            keys=keys,
            scope=sigv4.Scope(self.region_for(bucket), "s3"),
            now=now,
            expires=expires,
        )
        return f"{base_url}?{query}"


    # -- bucket and object settings (setacl, setpolicy, tagging, website, lifecycle, …) --------

    def put_subresource(
        self, bucket: str, key: str, name: str, body: bytes, *, content_type: str = "application/xml",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """PUT a configuration document to ``?name`` (Content-MD5 always: S3 requires it for several)."""
        sent = {"Content-Type": content_type, "Content-MD5": md5_b64(body), **(headers or {})}
        return self.request("PUT", bucket, key, query=[(name, "")], body=body, headers=sent)

    def delete_subresource(self, bucket: str, key: str, name: str) -> Response:
        return self.request("DELETE", bucket, key, query=[(name, "")])

    def get_acl(self, bucket: str, key: str) -> xml.AccessControlPolicy:
        return xml.parse_access_control_policy(self.get_subresource(bucket, key, "acl"))

    def put_acl(self, bucket: str, key: str, policy: xml.AccessControlPolicy) -> Response:
        return self.put_subresource(bucket, key, "acl", xml.build_access_control_policy(policy))

    # -- multipart housekeeping, restore, part copy (issue 10: multipart/listmp/abortmp, restore, cp > 5 GiB) --

    def list_multipart_uploads(self, bucket: str) -> Iterator[xml.MultipartUpload]:
        """Every unfinished multipart upload of the bucket, page by page."""
        markers: list[tuple[str, str]] = []
        while True:
            page = xml.parse_uploads_page(self.request("GET", bucket, query=[("uploads", ""), *markers]).body)
            yield from page.uploads
            if not page.truncated or not page.uploads:
                return
            key_marker = page.next_key_marker or page.uploads[-1].key
            markers = [("key-marker", key_marker)]
            if page.next_upload_id_marker:
                markers.append(("upload-id-marker", page.next_upload_id_marker))

    def list_parts(self, bucket: str, key: str, *, upload_id: str) -> Iterator[xml.Part]:
        """The parts uploaded so far, in part-number order, page by page."""
        marker = 0
        while True:
            query = [("uploadId", upload_id)] + ([("part-number-marker", str(marker))] if marker else [])
            page = xml.parse_parts_page(self.request("GET", bucket, key, query=query).body)
            yield from page.parts
            if not page.truncated or not page.parts:
                return
            following = page.next_part_number_marker or page.parts[-1].number
            if following <= marker:  # a server that does not advance would loop for ever
                return
            marker = following

    def restore_object(self, bucket: str, key: str, *, days: int, tier: str) -> None:
        body = xml.build_restore(days, tier)
        self.request("POST", bucket, key, query=[("restore", "")], body=body, headers={"Content-MD5": md5_b64(body)})

    def upload_part_copy(
        self, src_bucket: str, src_key: str, bucket: str, key: str, *, upload_id: str, number: int,
        first: int, last: int,
    ) -> str:
        """Copy bytes ``first..last`` (inclusive) of the source into part ``number``; → the part's ETag."""
        headers = {
            "x-amz-copy-source": "/" + sigv4.uri_encode(f"{src_bucket}/{src_key}", safe="/"),
            "x-amz-copy-source-range": f"bytes={first}-{last}",
        }
        result = self._request_200_error(
            "PUT", bucket, key, query=[("partNumber", str(number)), ("uploadId", upload_id)], headers=headers
        )
        etag = result.get("ETag", "")
        if not etag:
            raise TransferError(f"Copy of part {number} to s3://{bucket}/{key} failed: the server answered no ETag. "
                                "Retry the copy")
        return etag

    def list_keys_raw(self, bucket: str, *, prefix: str = "") -> Iterator[str]:
        """Every key under ``prefix`` as the listing's XML spells it, entities and all (for fixbucket):
        a key holding a control character makes the listing malformed XML, so it is read with a pattern."""
        marker = ""
        while True:
            query = [("prefix", prefix)] if prefix else []
            if marker:
                query.append(("marker", marker))
            text = self.request("GET", bucket, query=query).body.decode("utf-8", "replace")
            keys = _RAW_KEY.findall(text)
            yield from keys
            following = xml.unescape_entities(_RAW_NEXT.search(text).group(1)) if _RAW_NEXT.search(text) else ""
            following = following or (xml.unescape_entities(keys[-1]) if keys else "")
            if not _RAW_TRUNCATED.search(text) or not following or following == marker:
                return
            marker = following
