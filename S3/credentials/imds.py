"""EC2 instance metadata (IMDSv2 only): the instance profile's role credentials.

Reads ``AWS_EC2_METADATA_DISABLED`` (``true`` turns it off),
``AWS_EC2_METADATA_SERVICE_ENDPOINT`` (a full base URL, wins),
``AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`` (``IPv4`` → 169.254.169.254, ``IPv6``
→ fd00:ec2::254), ``AWS_METADATA_SERVICE_TIMEOUT`` (seconds, default 1) and
``AWS_METADATA_SERVICE_NUM_ATTEMPTS`` (default 2).

It is the last source of the chain: not reachable means "not configured", and
the chain then lists every source it tried. There is no IMDSv1 fallback: a pod
whose token PUT is dropped by the hop limit gets an error saying so, not the
node's role through v1. Credentials that IMDS hands out already expired are
used for a few more minutes with a warning (static stability) rather than
failing a backup while IMDS recovers.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from S3.credentials.context import ProviderContext
from S3.credentials.errors import CredentialsNotLoaded, InvalidConfiguration, ProviderFailed
from S3.identity.model import Credentials
from S3.identity.timestamps import parse_timestamp
from S3.transport.errors import TransportError
from S3.transport.http import Response
from S3.transport.retry import Again, RetryPolicy, run

log = logging.getLogger("s3cmd.credentials")
NAME = "instance metadata"
TOKEN_TTL = 21600
ROLE_PATH = "/latest/meta-data/iam/security-credentials/"


@dataclass
class ImdsProvider:
    ctx: ProviderContext
    name: str = NAME
    _token: str = field(default="", repr=False)
    _token_expires: float = 0.0

    def base_url(self) -> str:
        env = self.ctx.env
        custom = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", "").strip()
        if custom:
            return custom.rstrip("/")
        mode = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4").strip().lower()
        if mode == "ipv4":
            return "http://169.254.169.254"
        if mode == "ipv6":
            return "http://[fd00:ec2::254]"
        raise InvalidConfiguration(NAME, f"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6, not {mode!r}")

    def _number(self, name: str, default: float) -> float:
        raw = self.ctx.env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise InvalidConfiguration(NAME, f"{name} must be a number, not {raw!r}") from None
        if value <= 0:
            raise InvalidConfiguration(NAME, f"{name} must be positive, not {raw!r}")
        return value

    def _send(self, method: str, url: str, headers: dict[str, str]) -> Response:
        """The answer to one IMDS request; ``AWS_METADATA_SERVICE_NUM_ATTEMPTS`` tries (RetryPolicy.for_imds).
        Unreachable after them all means "not on EC2" (or a hop limit dropping the answer): not configured."""
        attempts = int(self._number("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 2))
        http = self.ctx.metadata_http()

        def attempt(number: int) -> Response | Again:
            try:
                answer = http.send(method, url, headers=headers)
            except TransportError as failed:
                return Again(self._unreachable(failed), f"{url} ({failed})")
            if answer.status >= 500:
                return Again(self._unreachable(f"{url} answered {answer.status}"), f"{url} ({answer.status})")
            return answer

        return run(attempt, policy=RetryPolicy.for_imds(attempts), pacer=self.ctx.runtime)

    def _unreachable(self, why: object) -> CredentialsNotLoaded:
        return CredentialsNotLoaded(
            f"not reachable at {self.base_url()} ({why}); in a container on EC2 an IMDSv2 hop limit of 1 drops "
            "the answer: raise HttpPutResponseHopLimit to 2, or use IRSA / Pod Identity"
        )

    def _session_token(self, base: str) -> str:
        now = self.ctx.runtime.monotonic()
        if self._token and now < self._token_expires:
            return self._token
        answer = self._send("PUT", f"{base}/latest/api/token", {"x-aws-ec2-metadata-token-ttl-seconds": str(TOKEN_TTL)})
        if answer.status in (403, 404, 405):
            # No IMDSv2 here (metadata disabled, or not EC2 at all). Never fall back to IMDSv1.
            raise CredentialsNotLoaded(f"{base} refused the IMDSv2 token request ({answer.status})")
        if answer.status != 200 or not answer.body.strip():
            raise ProviderFailed(NAME, f"IMDSv2 token request to {base} failed ({answer.status})")
        self._token = answer.body.decode("utf-8", "replace").strip()
        self._token_expires = now + TOKEN_TTL - 60
        return self._token

    def load(self) -> Credentials:
        if self.ctx.runtime.env_flag("AWS_EC2_METADATA_DISABLED"):
            raise CredentialsNotLoaded("disabled by AWS_EC2_METADATA_DISABLED")
        base = self.base_url()
        token = self._session_token(base)
        headers = {"x-aws-ec2-metadata-token": token}
        listing = self._send("GET", base + ROLE_PATH, headers)
        if listing.status == 401:
            self._token = ""
            raise ProviderFailed(NAME, "IMDSv2 token was rejected; retry")
        if listing.status == 404 or not listing.body.strip():
            raise CredentialsNotLoaded("this instance has no IAM role (instance profile) attached")
        role = listing.body.decode("utf-8", "replace").strip().splitlines()[0]
        answer = self._send("GET", base + ROLE_PATH + role, headers)
        try:
            data = json.loads(answer.body)
        except ValueError:
            raise ProviderFailed(NAME, f"credentials of role {role} came back as malformed JSON") from None
        if answer.status != 200 or not isinstance(data, dict) or data.get("Code", "Success") != "Success":
            detail = data.get("Message") or data.get("Code") if isinstance(data, dict) else answer.status
            raise ProviderFailed(
                NAME, f"no credentials for role {role}: {detail} (does the role trust ec2.amazonaws.com?)"
            )
        missing = [k for k in ("AccessKeyId", "SecretAccessKey", "Token", "Expiration") if not data.get(k)]
        if missing:
            raise ProviderFailed(NAME, f"credentials of role {role} lack {', '.join(missing)}")
        expiry = parse_timestamp(str(data["Expiration"]))
        now = self.ctx.runtime.clock()
        if expiry - now < timedelta(minutes=15):
            extended = now + timedelta(minutes=15) + timedelta(seconds=120 + 480 * self.ctx.runtime.random())
            log.warning("Instance metadata returned credentials expiring at %s; using them until %s while "
                        "metadata recovers", expiry.isoformat(), extended.isoformat())
            expiry = extended
        return Credentials(str(data["AccessKeyId"]), str(data["SecretAccessKey"]), str(data["Token"]), expiry,
                           origin=f"{NAME}: role {role} at {base}")
