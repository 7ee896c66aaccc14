"""STS calls over the query protocol (form-encoded POST), answers parsed into values.

``AssumeRoleWithWebIdentity`` is unsigned, as the API requires; ``AssumeRole`` and
``GetCallerIdentity`` are SigV4-signed with the caller's credentials (token
included). Throttling, 5xx, dropped connections and ``IDPCommunicationError``
are retried with jittered backoff; anything else comes back as ``StsError``
carrying STS's code and message verbatim.
"""

from __future__ import annotations

import hashlib
import logging
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from S3 import ExitCodes
from S3.credentials.errors import CredentialsError
from S3.credentials.model import Credentials
from S3.credentials.timestamps import parse_timestamp
from S3.runtime import Runtime
from S3.signing import sigv4
from S3.sts.endpoints import StsEndpoint
from S3.transport.errors import TransportError
from S3.transport.http import HttpClient
from S3.transport.retry import RetryPolicy, is_retryable_answer, parse_retry_after

log = logging.getLogger("s3cmd.sts")
VERSION = "2011-06-15"

# STS error code → exit code: what the user must change.
_DENIED = frozenset({"AccessDenied", "InvalidIdentityToken", "ExpiredTokenException", "IDPRejectedClaim",
                     "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken"})
_CONFIG = frozenset({"RegionDisabledException", "MalformedPolicyDocument", "PackedPolicyTooLarge",
                     "ValidationError", "InvalidParameterValue", "InvalidAction"})


class StsError(CredentialsError):
    """STS answered with an error; ``code`` and ``sts_message`` are STS's own."""

    def __init__(self, *, source: str, status: int, code: str, message: str, endpoint: str, hint: str = "") -> None:
        text = f"STS {endpoint} refused: {code or status}: {message}" + (f" ({hint})" if hint else "")
        if code in _CONFIG:
            exit_code = ExitCodes.EX_CONFIG
        elif code in _DENIED or status == 403:
            exit_code = ExitCodes.EX_ACCESSDENIED
        elif status == 400:
            exit_code = ExitCodes.EX_CONFIG
        else:
            exit_code = ExitCodes.EX_TEMPFAIL
        super().__init__(source, text, exit_code=exit_code)
        self.code = code
        self.sts_message = message
        self.status = status


@dataclass(frozen=True)
class CallerIdentity:
    account: str
    arn: str
    user_id: str


_HINTS = {
    "InvalidIdentityToken": "is the cluster's OIDC provider registered in IAM, with audience sts.amazonaws.com?",
    "AccessDenied": "check the role's trust policy: its :sub and :aud conditions must match the service account",
    "ExpiredTokenException": "the web identity token has expired; the kubelet refreshes it, check the projected volume",
    "RegionDisabledException": "activate STS in this region (IAM → Account settings) or set another AWS_REGION",
}


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


class StsClient:
    def __init__(self, *, endpoint: StsEndpoint, http: HttpClient, runtime: Runtime, max_retries: int = 4) -> None:
        self.endpoint = endpoint
        self.http = http
        self.runtime = runtime
        self.max_retries = max_retries

    def _call(self, params: Mapping[str, str], *, source: str, keys: Credentials | None = None) -> ET.Element:
        body = urlencode({**params, "Version": VERSION}).encode("ascii")
        url = self.endpoint.url + "/"
        host = urlsplit(url).netloc
        policy = RetryPolicy(max_retries=self.max_retries, base_delay=0.5, max_delay=10.0)
        action = params["Action"]
        while True:
            headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/xml"}
            if keys is not None:
                headers = sigv4.sign_headers(
                    method="POST",
                    canonical_uri="/",
                    query="",
                    headers={"host": host, **headers},
                    payload_hash=hashlib.sha256(body).hexdigest(),
                    keys=sigv4.SigningKeys(keys.access_key, keys.secret_key, keys.session_token),
                    scope=sigv4.Scope(self.endpoint.region, "sts"),
                    now=self.runtime.clock(),
                    add_content_sha256=False,
                )
                headers.pop("host", None)
            try:
                answer = self.http.send("POST", url, headers=headers, body=body)
            except TransportError as failed:
                if failed.retryable and not policy.exhausted:
                    policy = self._wait(policy, action, str(failed))
                    continue
                raise CredentialsError(
                    source,
                    f"STS at {self.endpoint} is unreachable after {policy.attempt + 1} attempts ({failed}); "
                    "in a private cluster set AWS_REGION so the regional endpoint (and its VPC endpoint) is used",
                    exit_code=getattr(failed, "exit_code", ExitCodes.EX_TEMPFAIL),
                ) from None
            if answer.status == 200:
                try:
                    return _strip(ET.fromstring(answer.body))
                except ET.ParseError:
                    raise CredentialsError(
                        source, f"STS at {self.endpoint} answered {action} with malformed XML",
                        exit_code=ExitCodes.EX_TEMPFAIL,
                    ) from None
            code, message = self._error(answer.body)
            if is_retryable_answer(answer.status, code) and not policy.exhausted:
                policy = self._wait(policy, action, f"{answer.status} {code}",
                                    retry_after=parse_retry_after(answer.headers.get("Retry-After")))
                continue
            raise StsError(source=source, status=answer.status, code=code, message=message or answer.reason,
                           endpoint=str(self.endpoint), hint=_HINTS.get(code, ""))

    @staticmethod
    def _error(body: bytes) -> tuple[str, str]:
        try:
            tree = _strip(ET.fromstring(body))
        except ET.ParseError:
            return "", ""
        node = tree if tree.tag == "Error" else tree.find(".//Error")
        return _text(node, "Code"), _text(node, "Message")

    def _wait(self, policy: RetryPolicy, action: str, why: str, *, retry_after: float | None = None) -> RetryPolicy:
        delay = policy.delay(self.runtime.random(), retry_after=retry_after)
        # INFO, not WARNING: a retry that succeeds is not the user's problem; one that
        # does not ends in a single ERROR line that says how often it was tried.
        log.info("STS %s failed (%s); retrying in %.1f s", action, why, delay)
        self.runtime.sleep(delay)
        return policy.increment()

    @staticmethod
    def _credentials(tree: ET.Element, *, source: str) -> tuple[Credentials, str]:
        node = tree.find(".//Credentials")
        fields = {name: _text(node, name) for name in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")}
        missing = [name for name, value in fields.items() if not value]
        if missing:
            raise CredentialsError(source, f"STS answer lacks {', '.join(missing)}", exit_code=ExitCodes.EX_TEMPFAIL)
        expiry: datetime = parse_timestamp(fields["Expiration"])
        creds = Credentials(fields["AccessKeyId"], fields["SecretAccessKey"], fields["SessionToken"], expiry, source)
        return creds, _text(tree, ".//AssumedRoleUser/Arn")

    def assume_role_with_web_identity(
        self, *, role_arn: str, session_name: str, token: str, source: str, duration: int | None = None
    ) -> Credentials:
        params = {"Action": "AssumeRoleWithWebIdentity", "RoleArn": role_arn, "RoleSessionName": session_name,
                  "WebIdentityToken": token}
        if duration:
            params["DurationSeconds"] = str(duration)
        return self._credentials(self._call(params, source=source), source=source)[0]

    def assume_role(
        self,
        *,
        keys: Credentials,
        role_arn: str,
        session_name: str,
        source: str,
        external_id: str = "",
        duration: int | None = None,
    ) -> Credentials:
        params = {"Action": "AssumeRole", "RoleArn": role_arn, "RoleSessionName": session_name}
        if external_id:
            params["ExternalId"] = external_id
        if duration:
            params["DurationSeconds"] = str(duration)
        return self._credentials(self._call(params, source=source, keys=keys), source=source)[0]

    def get_caller_identity(self, keys: Credentials) -> CallerIdentity:
        tree = self._call({"Action": "GetCallerIdentity"}, source="whoami", keys=keys)
        return CallerIdentity(_text(tree, ".//Account"), _text(tree, ".//Arn"), _text(tree, ".//UserId"))
