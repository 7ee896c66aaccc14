"""Container credentials: ECS task roles and EKS Pod Identity.

Reads ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` (ECS: appended to
``http://169.254.170.2``) or ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` (EKS Pod
Identity: ``http://169.254.170.23/v1/credentials``), and the ``Authorization``
header value from ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` (re-read on every
load) or ``AWS_CONTAINER_AUTHORIZATION_TOKEN``.

A full URI over plain HTTP must name a loopback address or one of the
container credential hosts (169.254.170.2, 169.254.170.23, fd00:ec2::23,
localhost), so that a token is never sent to an arbitrary host.

Answer: JSON with ``AccessKeyId``, ``SecretAccessKey``, ``Token``, ``Expiration``.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from S3 import ExitCodes
from S3.credentials.common import read_token
from S3.credentials.context import ProviderContext
from S3.credentials.errors import CredentialsNotLoaded, InvalidConfiguration, ProviderFailed
from S3.identity.model import Credentials
from S3.identity.timestamps import parse_timestamp
from S3.transport.errors import TransportError
from S3.transport.http import Response
from S3.transport.retry import RETRYABLE_STATUS, Again, RetryPolicy, run

NAME = "container"
ECS_BASE = "http://169.254.170.2"
ALLOWED_HOSTS = frozenset({"169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"})


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme != "http" or not parts.hostname:
        return False
    host = parts.hostname.lower()
    if host in ALLOWED_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _refused(url: str, answer: Response) -> ProviderFailed:
    data = _json(answer.body)
    detail = ": ".join(str(data[k]) for k in ("code", "message") if data.get(k)) if isinstance(data, dict) else ""
    exit_code = (ExitCodes.EX_ACCESSDENIED if answer.status in (401, 403)
                 else ExitCodes.EX_CONFIG if answer.status == 400 else ExitCodes.EX_TEMPFAIL)
    return ProviderFailed(NAME, f"container credentials endpoint {url} answered {answer.status}"
                          + (f": {detail}" if detail else ""), exit_code=exit_code)


@dataclass
class ContainerProvider:
    ctx: ProviderContext
    name: str = NAME

    def url(self) -> str:
        env = self.ctx.env
        relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "").strip()
        if relative:
            return ECS_BASE + (relative if relative.startswith("/") else "/" + relative)
        full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", "").strip()
        if not full:
            raise CredentialsNotLoaded("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set")
        if not _allowed(full):
            raise InvalidConfiguration(
                NAME,
                f"AWS_CONTAINER_CREDENTIALS_FULL_URI {full} is not allowed: over http it must be a loopback "
                "address or 169.254.170.2 / 169.254.170.23 / fd00:ec2::23 (or use https)",
            )
        return full

    def _authorization(self) -> str:
        env = self.ctx.env
        token_file = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "").strip()
        token = (
            read_token(self.ctx, token_file, NAME, setting="AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            if token_file
            else env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN", "").strip()
        )
        if "\r" in token or "\n" in token:
            raise InvalidConfiguration(NAME, "the container authorization token contains a line break")
        return token

    def _fetch(self, url: str, headers: dict[str, str]) -> Response:
        """The agent's answer; dropped connections, 429 and 5xx are asked again (RetryPolicy.for_container)."""
        http = self.ctx.metadata_http()

        def attempt(number: int) -> Response | Again:
            try:
                answer = http.send("GET", url, headers=headers)
            except TransportError as failed:
                unreachable = ProviderFailed(
                    NAME, f"container credentials endpoint {url} is unreachable ({failed}); is the ECS agent or the "
                    "EKS Pod Identity agent running on this node?", exit_code=failed.exit_code,
                )
                if not failed.retryable:
                    raise unreachable from None
                return Again(unreachable, f"container credentials endpoint {url} ({failed})")
            if answer.status in RETRYABLE_STATUS:
                return Again(_refused(url, answer), f"container credentials endpoint {url} ({answer.status})")
            return answer

        return run(attempt, policy=RetryPolicy.for_container(), pacer=self.ctx.runtime)

    def load(self) -> Credentials:
        url = self.url()
        headers = {"Accept": "application/json"}
        token = self._authorization()
        if token:
            headers["Authorization"] = token
        answer = self._fetch(url, headers)
        if answer.status != 200:
            raise _refused(url, answer)
        data = _json(answer.body)
        if not isinstance(data, dict):
            raise ProviderFailed(NAME, f"container credentials endpoint {url} answered with malformed JSON")
        missing = [k for k in ("AccessKeyId", "SecretAccessKey", "Token", "Expiration") if not data.get(k)]
        if missing:
            raise ProviderFailed(NAME, f"container credentials endpoint {url} answer lacks {', '.join(missing)}")
        try:
            expiry = parse_timestamp(str(data["Expiration"]))
        except ValueError:
            raise ProviderFailed(NAME, f"container credentials endpoint {url} sent a bad Expiration") from None
        return Credentials(str(data["AccessKeyId"]), str(data["SecretAccessKey"]), str(data["Token"]), expiry,
                           origin=f"{NAME}: {url}")
