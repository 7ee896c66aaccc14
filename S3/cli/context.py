"""Everything a command needs, built once per run: the typed settings, the runtime (environment,
clock, standard streams) and a lazily created S3 client (``--version`` or a usage error never
touches the network or the credential chain).

Commands read ``ctx.settings`` (typed, frozen: ``S3.settings.model.Settings``), never the
parsed options or the ``.s3cfg`` object they were built from.

The lazy parts are built under one lock: the first files of a parallel ``put`` reach
``client()`` from several workers at once, and each must not build its own client,
credential source and STS call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import IO

from S3.credentials import defaults
from S3.credentials.context import ProviderContext
from S3.credentials.refreshing import RefreshingCredentials
from S3.output import formats, log
from S3.runtime import Runtime
from S3.s3.addressing import Endpoint
from S3.s3.client import ClientSettings, S3Client
from S3.settings.model import Settings
from S3.transfer.bandwidth import RateLimiter
from S3.transport.http import TransportSettings, new_transport


@dataclass
class Context:
    runtime: Runtime
    settings: Settings  # what commands read: typed, frozen, built once (see S3.settings.model)
    _client: S3Client | None = None
    _credentials: RefreshingCredentials | None = None
    _limiter: RateLimiter | None = None
    _provider_context: ProviderContext | None = None
    # reentrant: client() builds credentials(), which builds provider_context()
    _build_lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def stdout(self) -> IO[str]:
        return self.runtime.stdout

    @property
    def stdin(self) -> IO[bytes]:
        return self.runtime.stdin

    @property
    def stdout_bytes(self) -> IO[bytes]:
        return self.runtime.stdout_bytes

    def limiter(self) -> RateLimiter:
        """One bandwidth budget (``--limit-rate``) shared by every transfer of the run."""
        with self._build_lock:
            if self._limiter is None:
                self._limiter = RateLimiter(self.settings.limitrate, clock=self.runtime.monotonic,
                                            sleep=self.runtime.sleep)
            return self._limiter

    @property
    def quiet(self) -> bool:
        return self.settings.quiet

    def out(self, line: str) -> None:
        if not self.quiet:  # a key's CR or ESC must not rewrite the terminal (its LF: formats.shown)
            self.stdout.write(formats.shown_lines(line) + "\n")
            self.stdout.flush()

    def provider_context(self) -> ProviderContext:
        with self._build_lock:
            if self._provider_context is None:
                self._provider_context = defaults.provider_context(
                    settings=self.settings.credentials(), runtime=self.runtime, transport=self.transport_settings())
            return self._provider_context

    def credentials(self) -> RefreshingCredentials:
        with self._build_lock:
            if self._credentials is None:
                self._credentials = self._build_credentials()
            return self._credentials

    def _build_credentials(self) -> RefreshingCredentials:
        settings = self.settings.credentials()
        log.register_secret(settings.cli_secret_key, settings.cli_access_token, settings.secret_key,
                            settings.access_token)
        return defaults.refreshing_credentials(
            ctx=self.provider_context(),
            settings=settings,
            on_new=lambda creds: log.register_secret(*creds.secrets()),
        )

    def transport_settings(self) -> TransportSettings:
        s = self.settings
        return TransportSettings(
            proxy_host=s.proxy_host,
            proxy_port=s.proxy_port,
            ca_certs_file=s.ca_certs_file,
            check_ssl_certificate=s.check_ssl_certificate,
            check_ssl_hostname=s.check_ssl_hostname,
            ssl_client_cert_file=s.ssl_client_cert_file,
            ssl_client_key_file=s.ssl_client_key_file,
            read_timeout=float(s.socket_timeout),
            connect_timeout=min(float(s.socket_timeout), 10.0),
            pool_size=s.parallel_transfers + 2,  # settings refuse --parallel below 1
            pooling=s.connection_pooling,
        )

    def client(self) -> S3Client:
        with self._build_lock:
            if self._client is None:
                self._client = self._build_client()
            return self._client

    def _build_client(self) -> S3Client:
        s = self.settings
        return S3Client(
            endpoint=Endpoint(s.host_base, s.host_bucket, s.use_https),
            transport=new_transport(self.transport_settings()),
            credentials=self.credentials(),
            settings=ClientSettings(
                region=s.region,
                signature_v2=s.signature_v2,
                max_retries=s.max_retries,
                requester_pays=s.requester_pays,
                list_allow_unordered=s.list_allow_unordered,
            ),
            runtime=self.runtime,
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.transport.close()
