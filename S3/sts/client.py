"""STS calls over the query protocol (form-encoded POST), answers parsed into values.

``AssumeRoleWithWebIdentity`` is unsigned, as the API requires; ``AssumeRole`` and
``GetCallerIdentity`` are SigV4-signed with the caller's credentials (token
included). Throttling, 5xx, dropped connections and ``IDPCommunicationError``
are retried with jittered backoff (``RetryPolicy.for_sts``); every failure is an
``StsError`` (``S3.sts.errors``) carrying STS's code and message verbatim.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from S3.identity.model import Credentials
from S3.identity.timestamps import parse_timestamp
from S3.runtime import Runtime
from S3.signing import sigv4
from S3.sts.endpoints import StsEndpoint, resolve
from S3.sts.errors import StsConfigError, StsMalformedAnswer, StsRejected, StsThrottled, StsUnreachable
from S3.transport.errors import TransportError
from S3.transport.http import HttpClient
from S3.transport.retry import Again, RetryPolicy, is_retryable_answer, parse_retry_after, run

VERSION = "2011-06-15"


@dataclass(frozen=True)
class CallerIdentity:
    account: str
    arn: str
    user_id: str


def _strip(tree: ET.Element) -> ET.Element:
    for element in tree.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return tree


def _text(node: ET.Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _error(body: bytes) -> tuple[str, str]:
    try:
        tree = _strip(ET.fromstring(body))
    except ET.ParseError:
        return "", ""
    node = tree if tree.tag == "Error" else tree.find(".//Error")
    return _text(node, "Code"), _text(node, "Message")


class StsClient:
    def __init__(self, *, endpoint: StsEndpoint, http: HttpClient, runtime: Runtime, max_retries: int = 4) -> None:
        self.endpoint = endpoint
        self.http = http
        self.runtime = runtime
        self.max_retries = max_retries

    def _headers(self, body: bytes, keys: Credentials | None) -> dict[str, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/xml"}
        if keys is None:
            return headers
        signed = sigv4.sign_headers(
            method="POST",
            canonical_uri="/",
            query="",
            headers={"host": urlsplit(self.endpoint.url).netloc, **headers},
            payload_hash=hashlib.sha256(body).hexdigest(),
            keys=sigv4.SigningKeys(keys.access_key, keys.secret_key, keys.session_token),
            scope=sigv4.Scope(self.endpoint.region, "sts"),
            now=self.runtime.clock(),  # re-signed on every attempt: a fresh date
            add_content_sha256=False,
        )
        signed.pop("host", None)
        return signed

    def _call(self, params: Mapping[str, str], *, keys: Credentials | None = None) -> ET.Element:
        body = urlencode({**params, "Version": VERSION}).encode("ascii")
        action, endpoint = params["Action"], str(self.endpoint)

        def attempt(number: int) -> ET.Element | Again:
            try:
                answer = self.http.send("POST", self.endpoint.url + "/", headers=self._headers(body, keys), body=body)
            except TransportError as failed:
                unreachable = StsUnreachable(endpoint=endpoint, attempts=number, cause=str(failed),
                                             exit_code=failed.exit_code)
                if not failed.retryable:
                    raise unreachable from None
                return Again(unreachable, f"STS {action} ({failed})")
            if answer.status == 200:
                try:
                    return _strip(ET.fromstring(answer.body))
                except ET.ParseError:
                    raise StsMalformedAnswer(f"STS at {endpoint} answered {action} with malformed XML") from None
            code, message = _error(answer.body)
            fields = {"status": answer.status, "code": code, "message": message or answer.reason, "endpoint": endpoint}
            if not is_retryable_answer(answer.status, code):
                raise StsRejected(**fields)
            return Again(StsThrottled(**fields), f"STS {action} ({answer.status} {code})",
                         retry_after=parse_retry_after(answer.headers.get("Retry-After")))

        return run(attempt, policy=RetryPolicy.for_sts(self.max_retries), pacer=self.runtime)

    def _credentials(self, tree: ET.Element, *, origin: str) -> Credentials:
        node = tree.find(".//Credentials")
        fields = {name: _text(node, name) for name in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")}
        missing = [name for name, value in fields.items() if not value]
        if missing:
            raise StsMalformedAnswer(f"STS at {self.endpoint} answered without {', '.join(missing)}")
        try:
            expiry = parse_timestamp(fields["Expiration"])
        except ValueError:
            raise StsMalformedAnswer(f"STS at {self.endpoint} answered a bad Expiration") from None
        return Credentials(fields["AccessKeyId"], fields["SecretAccessKey"], fields["SessionToken"], expiry, origin)

    def assume_role_with_web_identity(
        self, *, role_arn: str, session_name: str, token: str, duration: int | None = None
    ) -> Credentials:
        params = {"Action": "AssumeRoleWithWebIdentity", "RoleArn": role_arn, "RoleSessionName": session_name,
                  "WebIdentityToken": token}
        if duration:
            params["DurationSeconds"] = str(duration)
        return self._credentials(self._call(params), origin=f"STS: role {role_arn} (web identity)")

    def assume_role(
        self,
        *,
        keys: Credentials,
        role_arn: str,
        session_name: str,
        external_id: str = "",
        duration: int | None = None,
    ) -> Credentials:
        params = {"Action": "AssumeRole", "RoleArn": role_arn, "RoleSessionName": session_name}
        if external_id:
            params["ExternalId"] = external_id
        if duration:
            params["DurationSeconds"] = str(duration)
        return self._credentials(self._call(params, keys=keys), origin=f"STS: role {role_arn}")

    def get_caller_identity(self, keys: Credentials) -> CallerIdentity:
        tree = self._call({"Action": "GetCallerIdentity"}, keys=keys)
        return CallerIdentity(_text(tree, ".//Account"), _text(tree, ".//Arn"), _text(tree, ".//UserId"))


def max_retries(env: Mapping[str, str]) -> int:
    """``AWS_MAX_ATTEMPTS`` (total attempts, default 5) as a number of retries."""
    raw = env.get("AWS_MAX_ATTEMPTS", "").strip()
    try:
        attempts = int(raw) if raw else 5
    except ValueError:
        raise StsConfigError(f"AWS_MAX_ATTEMPTS must be a whole number, not {raw!r}") from None
    return max(0, attempts - 1)


def client_for(
    *, region: str, http: HttpClient, runtime: Runtime, configured: str = "", role_arn: str = ""
) -> StsClient:
    """The client for the endpoint that ``region``, the environment and the ``sts_endpoint`` setting
    (``configured``) select (see ``S3.sts.endpoints``)."""
    endpoint = resolve(region=region, env=runtime.env, configured=configured, role_arn=role_arn)
    return StsClient(endpoint=endpoint, http=http, runtime=runtime, max_retries=max_retries(runtime.env))


def caller_identity(
    keys: Credentials, *, region: str, http: HttpClient, runtime: Runtime, configured: str = ""
) -> CallerIdentity:
    """Whom ``keys`` belong to (GetCallerIdentity): ``whoami``."""
    return client_for(region=region, http=http, runtime=runtime, configured=configured).get_caller_identity(keys)
