"""Everything a command needs, built once per run: config, runtime, output streams and
a lazily created S3 client (``--version`` or a usage error never touches the network
or the credential chain).

The lazy parts are built under one lock: the first files of a parallel ``put`` reach
``client()`` from several workers at once, and each must not build its own client,
credential source and STS call.
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass, field
from typing import IO

from S3.Config import Config
from S3.credentials.context import ProviderContext
from S3.credentials.refreshing import CredentialSource
from S3.output import log
from S3.runtime import Runtime
from S3.s3.addressing import Endpoint
from S3.s3.client import ClientSettings, S3Client
from S3.settings.model import Settings
from S3.transfer.bandwidth import RateLimiter
from S3.transport.http import RequestsTransport, TransportSettings


@dataclass
class Context:
    config: Config
    runtime: Runtime
    options: argparse.Namespace
    settings: Settings  # what commands read: typed, frozen, built once (see S3.settings.model)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stdin: IO[bytes] = field(default_factory=lambda: sys.stdin.buffer)
    stdout_bytes: IO[bytes] = field(default_factory=lambda: sys.stdout.buffer)
    _client: S3Client | None = None
    _credentials: CredentialSource | None = None
    _limiter: RateLimiter | None = None
    _provider_context: ProviderContext | None = None
    # reentrant: client() builds credentials(), which builds provider_context()
    _build_lock: threading.RLock = field(default_factory=threading.RLock)

    def limiter(self) -> RateLimiter:
        """One bandwidth budget (``--limit-rate``) shared by every transfer of the run."""
        with self._build_lock:
            if self._limiter is None:
                self._limiter = RateLimiter(int(self.config.limitrate), clock=self.runtime.monotonic,
                                            sleep=self.runtime.sleep)
            return self._limiter

    @property
    def quiet(self) -> bool:
        return bool(self.options.quiet)

    def out(self, line: str) -> None:
        if not self.quiet:
            self.stdout.write(line + "\n")
            self.stdout.flush()

    def provider_context(self) -> ProviderContext:
        with self._build_lock:
            if self._provider_context is None:
                self._provider_context = self.config.provider_context(
                    runtime=self.runtime,
                    transport=self.transport_settings(),
                    profile=getattr(self.options, "profile", None) or "",
                )
            return self._provider_context

    def credentials(self) -> CredentialSource:
        with self._build_lock:
            if self._credentials is None:
                self._credentials = self._build_credentials()
            return self._credentials

    def _build_credentials(self) -> CredentialSource:
        cli = {
            "access_key": self.options.access_key or "",
            "secret_key": self.options.secret_key or "",
            "access_token": self.options.access_token or "",
        }
        log.register_secret(cli["secret_key"], cli["access_token"], str(self.config.secret_key),
                            str(self.config.access_token))
        return self.config.credential_source(
            cli=cli,
            on_new=lambda creds: log.register_secret(*creds.secrets()),
            context=self.provider_context(),
        )

    def transport_settings(self) -> TransportSettings:
        cfg = self.config
        return TransportSettings(
            proxy_host=str(cfg.proxy_host),
            proxy_port=int(cfg.proxy_port),
            ca_certs_file=str(cfg.ca_certs_file),
            check_ssl_certificate=bool(cfg.check_ssl_certificate),
            check_ssl_hostname=bool(cfg.check_ssl_hostname),
            ssl_client_cert_file=str(cfg.ssl_client_cert_file),
            ssl_client_key_file=str(cfg.ssl_client_key_file),
            read_timeout=float(cfg.socket_timeout),
            connect_timeout=min(float(cfg.socket_timeout), 10.0),
            pool_size=max(1, int(cfg.parallel_transfers)) + 2,
            pooling=bool(cfg.connection_pooling),
        )

    def client(self) -> S3Client:
        with self._build_lock:
            if self._client is None:
                self._client = self._build_client()
            return self._client

    def _build_client(self) -> S3Client:
        cfg = self.config
        return S3Client(
            endpoint=Endpoint(str(cfg.host_base), str(cfg.host_bucket), bool(cfg.use_https)),
            transport=RequestsTransport(self.transport_settings()),
            credentials=self.credentials(),
            settings=ClientSettings(
                region=cfg.region(),
                signature_v2=bool(cfg.signature_v2),
                max_retries=int(cfg.max_retries),
                requester_pays=bool(cfg.requester_pays),
                list_allow_unordered=self.settings.list_allow_unordered,
            ),
            runtime=self.runtime,
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.transport.close()
