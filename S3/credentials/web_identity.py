"""Web identity (EKS IRSA, GitHub/GitLab OIDC): ``AssumeRoleWithWebIdentity`` with a token file.

Reads ``AWS_ROLE_ARN``, ``AWS_WEB_IDENTITY_TOKEN_FILE`` and ``AWS_ROLE_SESSION_NAME``
(what the EKS pod identity webhook injects for a ServiceAccount annotated with
``eks.amazonaws.com/role-arn``), plus the region and STS settings of
``S3.sts.endpoints``. The token file is re-read on every load, because the
kubelet rotates it; the STS answer is cached on disk (keyed by role, session,
endpoint and a hash of the token).

Example pod environment::

    AWS_ROLE_ARN=arn:aws:iam::111122223333:role/backup
    AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token
    AWS_STS_REGIONAL_ENDPOINTS=regional
    AWS_REGION=eu-west-1
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from S3.credentials.cache import digest
from S3.credentials.common import cached, check_role_arn, default_session_name, read_token, sts_client, sts_failures
from S3.credentials.context import ProviderContext
from S3.credentials.errors import CredentialsNotLoaded, InvalidConfiguration
from S3.identity.model import Credentials

NAME = "web-identity"


@dataclass
class WebIdentity:
    """One web identity role: the role ARN, the token file and the session name."""

    ctx: ProviderContext
    role_arn: str
    token_file: str
    session_name: str
    provider: str = NAME  # the name errors start with
    region: str = ""
    duration: int | None = None
    session_is_default: bool = False
    token_setting: str = "AWS_WEB_IDENTITY_TOKEN_FILE"  # named in errors: the variable or profile key to fix

    def load(self) -> Credentials:
        token = read_token(self.ctx, self.token_file, self.provider, setting=self.token_setting)
        with sts_failures(self.provider):
            return self._fetch(token)

    def _fetch(self, token: str) -> Credentials:
        client = sts_client(self.ctx, role_arn=self.role_arn, region=self.region)
        # A generated session name changes with every process; it must not split the cache.
        session_key = "" if self.session_is_default else self.session_name
        key = {"kind": "web-identity", "role": self.role_arn, "session": session_key,
               "endpoint": client.endpoint.url, "token": digest(token)}

        def fetch() -> Credentials:
            return client.assume_role_with_web_identity(
                role_arn=self.role_arn, session_name=self.session_name, token=token, duration=self.duration,
            )

        creds = cached(self.ctx, key, fetch)
        return replace(creds, origin=f"{NAME}: role {self.role_arn}, token file {self.token_file}")


@dataclass
class WebIdentityProvider:
    """The environment's web identity settings (after environment keys and profiles in the chain)."""

    ctx: ProviderContext
    name: str = NAME
    _session: str = field(default="", repr=False)

    def load(self) -> Credentials:
        env = self.ctx.env
        role_arn = env.get("AWS_ROLE_ARN", "").strip()
        token_file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE", "").strip()
        if not role_arn and not token_file:
            raise CredentialsNotLoaded("AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set")
        if not role_arn:
            raise InvalidConfiguration(
                NAME, f"AWS_WEB_IDENTITY_TOKEN_FILE is set ({token_file}) but AWS_ROLE_ARN is not; set the role to assume"
            )
        if not token_file:
            raise InvalidConfiguration(
                NAME,
                "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not; for IRSA both come from the EKS webhook "
                "(is the ServiceAccount annotated with eks.amazonaws.com/role-arn?); to assume a role with other "
                "credentials use a profile with role_arn and source_profile",
            )
        role_arn = check_role_arn(role_arn, NAME, setting="AWS_ROLE_ARN")
        explicit = env.get("AWS_ROLE_SESSION_NAME", "").strip()
        if not self._session:
            self._session = explicit or default_session_name(self.ctx)
        return WebIdentity(self.ctx, role_arn, token_file, self._session, session_is_default=not explicit).load()
