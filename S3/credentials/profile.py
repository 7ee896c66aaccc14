"""Credentials from a ``~/.aws`` profile: plan the chain (profile_plan), then run it.

Reads ``--profile``, else ``AWS_PROFILE`` (or ``AWS_DEFAULT_PROFILE``), else
``default``, from the files named in profile_files. A profile named explicitly
must exist; the implicit ``default`` counts only when it holds credentials or a
role. Each hop is an STS ``AssumeRole`` signed with the previous hop's
credentials (a role assumed from another role is limited to one hour by AWS).

Example, cross-account from IRSA::

    [profile irsa]
    role_arn = arn:aws:iam::111122223333:role/pod
    web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token

    [profile backup-target]
    role_arn = arn:aws:iam::444455556666:role/backup-writer
    source_profile = irsa
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from S3.credentials.cache import digest
from S3.credentials.common import cached, check_role_arn, default_session_name, sts_client, sts_failures
from S3.credentials.context import ProviderContext
from S3.credentials.errors import CredentialsNotLoaded, InvalidConfiguration
from S3.credentials.process import CredentialProcess
from S3.credentials.profile_files import Profiles
from S3.credentials.profile_files import load as load_profiles
from S3.credentials.profile_plan import BaseSource, ChainPlan, RoleStep, has_credentials, plan
from S3.credentials.static import StaticProvider
from S3.credentials.web_identity import WebIdentity
from S3.identity.model import Credentials
from S3.sts.endpoints import looks_like_region

NAME = "profile"


def selected_profile(ctx: ProviderContext) -> tuple[str, bool]:
    """(name, named explicitly?)."""
    for name in (ctx.profile, ctx.env.get("AWS_PROFILE", ""), ctx.env.get("AWS_DEFAULT_PROFILE", "")):
        if name.strip():
            return name.strip(), True
    return "default", False


@dataclass
class ProfileProvider:
    ctx: ProviderContext
    name: str = NAME
    _plan: ChainPlan | None = field(default=None, repr=False)
    _profiles: Profiles | None = field(default=None, repr=False)
    _session: str = ""

    def _files(self) -> Profiles:
        if self._profiles is None:
            self._profiles = load_profiles(self.ctx.env, self.ctx.runtime.home(), self.ctx.read_text)
        return self._profiles

    def _load_plan(self) -> ChainPlan:
        if self._plan is None:
            name, explicit = selected_profile(self.ctx)
            profiles = self._files()
            if not explicit and not has_credentials(profiles.get(name, {})):
                raise CredentialsNotLoaded("no profile selected and [default] holds no credentials")
            self._plan = plan(profiles, name)
            self._session = default_session_name(self.ctx)
        return self._plan

    def region(self) -> str:
        """The selected profile's ``region``, with or without credentials in it (used for STS when the
        environment names none). Unreadable files are reported by ``load``, not here."""
        try:
            profiles = self._files()
        except InvalidConfiguration:
            return ""
        region = profiles.get(selected_profile(self.ctx)[0], {}).get("region", "").strip()
        return region if looks_like_region(region) else ""

    def load(self) -> Credentials:
        chain = self._load_plan()
        region = self.ctx.sts_region() or self.region()
        creds = self._base(chain.base, region)
        for step in chain.roles:
            creds = self._assume(step, creds, region)
        return replace(creds, origin=f"{NAME}: {chain.describe()}")

    def _assume(self, step: RoleStep, source_creds: Credentials, region: str) -> Credentials:
        """One hop: AssumeRole signed with the previous hop's credentials (cached like every STS answer)."""
        provider = f"profile {step.profile}"
        role_arn = check_role_arn(step.role_arn, provider, setting="role_arn")
        with sts_failures(provider):
            return self._assume_role(step, role_arn, source_creds, region)

    def _assume_role(self, step: RoleStep, role_arn: str, source_creds: Credentials, region: str) -> Credentials:
        client = sts_client(self.ctx, role_arn=role_arn, region=region)
        key = {"kind": "assume-role", "role": role_arn, "session": step.session_name,
               "endpoint": client.endpoint.url, "external_id": step.external_id,
               "duration": str(step.duration_seconds or ""),
               "source": digest(source_creds.access_key + source_creds.session_token)}
        return cached(self.ctx, key, lambda: client.assume_role(
            keys=source_creds, role_arn=role_arn, session_name=step.session_name or self._session,
            external_id=step.external_id, duration=step.duration_seconds,
        ))

    def _base(self, base: BaseSource, region: str) -> Credentials:
        settings = base.settings
        provider = f"profile {base.profile}"
        if base.kind == "static":
            return StaticProvider(name=provider, access_key=settings.get("aws_access_key_id", ""),
                                  secret_key=settings.get("aws_secret_access_key", ""),
                                  session_token=settings.get("aws_session_token", ""),
                                  secret_hint="aws_secret_access_key").load()
        if base.kind == "web_identity":
            role_arn = check_role_arn(settings.get("role_arn", ""), provider, setting="role_arn")
            explicit = settings.get("role_session_name", "")
            return WebIdentity(self.ctx, role_arn, settings["web_identity_token_file"], explicit or self._session,
                               provider=provider, region=region, session_is_default=not explicit,
                               token_setting="web_identity_token_file").load()
        if base.kind == "process":
            return CredentialProcess(self.ctx, settings["credential_process"], base.profile).load()
        return self._named_source(base.kind, provider)

    def _named_source(self, kind: str, provider: str) -> Credentials:
        from S3.credentials.container import ContainerProvider
        from S3.credentials.environment import EnvironmentProvider
        from S3.credentials.imds import ImdsProvider

        provider = {"Environment": lambda: EnvironmentProvider(self.ctx.env),
                    "EcsContainer": lambda: ContainerProvider(self.ctx),
                    "Ec2InstanceMetadata": lambda: ImdsProvider(self.ctx)}[kind]()
        try:
            return provider.load()
        except CredentialsNotLoaded as missing:
            raise InvalidConfiguration(provider, f"credential_source {kind} has no credentials: {missing.reason}") from None
