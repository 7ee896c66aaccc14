"""The default chain for s3cmd, in order (the first *configured* source wins):

1. command line: ``--access_key`` / ``--secret_key`` (+ ``--access_token``); as in s3cmd,
   each flag overrides the matching config file key, the others still come from the file
2. the s3cmd config file: ``access_key`` / ``secret_key`` (+ ``access_token``)
3. environment: ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (+ ``AWS_SESSION_TOKEN``),
   and the legacy ``AWS_ACCESS_KEY`` / ``AWS_SECRET_KEY`` / ``AWS_SECURITY_TOKEN``
4. a ``~/.aws`` profile: ``--profile``, ``AWS_PROFILE``, or a ``[default]`` with credentials
   (static keys, role chains, web identity, credential_process)
5. web identity (EKS IRSA): ``AWS_ROLE_ARN`` + ``AWS_WEB_IDENTITY_TOKEN_FILE``
6. container (ECS, EKS Pod Identity): ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` / ``_FULL_URI``
7. EC2 instance metadata (IMDSv2), unless ``AWS_EC2_METADATA_DISABLED=true``

The region for STS: ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile's ``region``,
then ``bucket_location`` when it names a real region.

What the chain reads of the settings is a ``CredentialSettings`` (keys from ``.s3cfg``,
``bucket_location``, ``sts_endpoint``, ``credentials_cache``, ``--profile``), never the
whole configuration.

The sources past the environment (and STS, and the ``~/.aws`` parser) are imported when the
chain first reaches them: most runs stop at keys from ``.s3cfg`` or the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache

from S3.credentials.base import CredentialsProvider
from S3.credentials.cache import CredentialCache, default_directory
from S3.credentials.chain import ProviderChain
from S3.credentials.context import ProviderContext
from S3.credentials.environment import EnvironmentProvider
from S3.credentials.refreshing import RefreshingCredentials
from S3.credentials.static import StaticProvider
from S3.identity.model import Credentials
from S3.runtime import Runtime
from S3.settings.model import CredentialSettings
from S3.sts.endpoints import looks_like_region
from S3.transport.http import HttpClient, TransportSettings, new_transport


def env_region(env: Mapping[str, str]) -> str:
    return (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip()


class _WhenReached:
    """A source made (its module imported) the first time the chain asks it for credentials."""

    def __init__(self, make: Callable[[], CredentialsProvider]) -> None:
        self._make = cache(make)

    @property
    def name(self) -> str:
        return self._make().name

    def load(self) -> Credentials:
        return self._make().load()


def _profile(ctx: ProviderContext) -> CredentialsProvider:
    from S3.credentials.profile import ProfileProvider

    return ProfileProvider(ctx)


def _web_identity(ctx: ProviderContext) -> CredentialsProvider:
    from S3.credentials.web_identity import WebIdentityProvider

    return WebIdentityProvider(ctx)


def _container(ctx: ProviderContext) -> CredentialsProvider:
    from S3.credentials.container import ContainerProvider

    return ContainerProvider(ctx)


def _imds(ctx: ProviderContext) -> CredentialsProvider:
    from S3.credentials.imds import ImdsProvider

    return ImdsProvider(ctx)


def _lazy(factory: Callable[[], HttpClient]) -> Callable[[], HttpClient]:
    made: list[HttpClient] = []

    def get() -> HttpClient:
        if not made:
            made.append(factory())
        return made[0]

    return get


def _metadata_timeout(env: Mapping[str, str]) -> float:
    try:
        return max(0.1, float(env.get("AWS_METADATA_SERVICE_TIMEOUT", "") or 1))
    except ValueError:
        return 1.0


def default_cache(runtime: Runtime) -> CredentialCache:
    return CredentialCache(default_directory(runtime.env, runtime.home()), clock=runtime.clock)


def provider_context(
    *,
    settings: CredentialSettings,
    runtime: Runtime,
    transport: TransportSettings | None = None,
) -> ProviderContext:
    """What every source may touch. ``transport``: the S3 connection settings, whose proxy and CA
    settings STS shares. The region for STS is resolved here, once; the on-disk cache is used
    unless ``credentials_cache`` is off."""
    base = transport or TransportSettings()
    sts_http = _lazy(lambda: new_transport(replace(base, read_timeout=15.0, connect_timeout=5.0)))
    timeout = _metadata_timeout(runtime.env)
    # Link-local endpoints are never reached through a proxy.
    metadata_http = _lazy(lambda: new_transport(replace(
        base, read_timeout=timeout, connect_timeout=timeout, proxy_host="", proxy_from_env=False)))
    ctx = ProviderContext(
        runtime=runtime,
        sts_http=sts_http,
        metadata_http=metadata_http,
        region=env_region(runtime.env),
        sts_endpoint=settings.sts_endpoint,
        profile=settings.profile,
        cache=default_cache(runtime) if settings.credentials_cache else None,
    )
    location = settings.bucket_location.strip()

    @cache
    def fallback() -> str:
        from S3.credentials.profile import ProfileProvider

        return ProfileProvider(ctx).region() or (location if looks_like_region(location) else "")

    return replace(ctx, region_fallback=fallback)


def default_chain(*, ctx: ProviderContext, settings: CredentialSettings) -> ProviderChain:
    from_cli = bool(settings.cli_access_key or settings.cli_secret_key)
    return ProviderChain(
        [
            StaticProvider(
                name="command line",
                access_key=(settings.cli_access_key or settings.access_key) if from_cli else "",
                secret_key=settings.cli_secret_key or settings.secret_key,
                session_token=settings.cli_access_token or settings.access_token,
                secret_hint="--secret_key",
            ),
            StaticProvider(
                name="config file",
                access_key=settings.access_key,
                secret_key=settings.secret_key,
                session_token=settings.access_token,
            ),
            EnvironmentProvider(ctx.env),
            _WhenReached(lambda: _profile(ctx)),
            _WhenReached(lambda: _web_identity(ctx)),
            _WhenReached(lambda: _container(ctx)),
            _WhenReached(lambda: _imds(ctx)),
        ]
    )


def refreshing_credentials(
    *,
    ctx: ProviderContext,
    settings: CredentialSettings,
    on_new: Callable[[Credentials], None] | None = None,
) -> RefreshingCredentials:
    """The run's refreshing credential holder over the default chain. ``on_new`` sees every set of
    credentials loaded (the CLI registers their secrets for redaction)."""
    return RefreshingCredentials(default_chain(ctx=ctx, settings=settings), clock=ctx.runtime.clock,
                                 on_new=on_new, on_rejected=ctx.cache.stop_reading if ctx.cache else None)
