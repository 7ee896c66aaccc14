"""Credential sources, the chain's stop-or-continue rule, and the refreshing holder."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from S3.Config import Config
from S3.credentials.chain import ProviderChain
from S3.credentials.environment import EnvironmentProvider
from S3.credentials.errors import CredentialsNotLoaded, InvalidConfiguration, NoCredentialsError
from S3.credentials.refreshing import RefreshingCredentials
from S3.credentials.static import StaticProvider
from S3.identity.errors import CredentialsError
from S3.identity.model import Credentials
from S3.runtime import Runtime

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


@dataclass
class FakeClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


def test_environment_standard_names_win_over_legacy() -> None:
    creds = EnvironmentProvider({"AWS_ACCESS_KEY_ID": "AKIDSTD", "AWS_ACCESS_KEY": "AKIDOLD",
                                 "AWS_SECRET_ACCESS_KEY": "std", "AWS_SECRET_KEY": "old",
                                 "AWS_SESSION_TOKEN": "tok", "AWS_SECURITY_TOKEN": "oldtok"}).load()
    assert (creds.access_key, creds.secret_key, creds.session_token, creds.origin) == ("AKIDSTD", "std", "tok", "environment")
    legacy = EnvironmentProvider({"AWS_ACCESS_KEY": "AKIDOLD", "AWS_SECRET_KEY": "old"}).load()
    assert (legacy.access_key, legacy.secret_key) == ("AKIDOLD", "old")


def test_key_without_secret_is_an_error_not_a_skip() -> None:
    with pytest.raises(InvalidConfiguration, match="AWS_SECRET_ACCESS_KEY"):
        EnvironmentProvider({"AWS_ACCESS_KEY_ID": "AKID"}).load()
    with pytest.raises(CredentialsNotLoaded):
        EnvironmentProvider({}).load()


def test_chain_order_cli_then_config_then_environment() -> None:
    cfg = Config(env={})
    cfg.update_option("access_key", "AKIDFILE")
    cfg.update_option("secret_key", "file-secret")
    env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}
    runtime = Runtime(env=env)
    assert cfg.refreshing_credentials(runtime=runtime).snapshot().access_key == "AKIDFILE"
    cli = cfg.refreshing_credentials(runtime=runtime, cli={"access_key": "AKIDCLI", "secret_key": "cli-secret"}).snapshot()
    assert (cli.access_key, cli.origin) == ("AKIDCLI", "command line")
    # --secret_key alone overrides only the secret, as in s3cmd
    mixed = cfg.refreshing_credentials(runtime=runtime, cli={"secret_key": "other"}).snapshot()
    assert (mixed.access_key, mixed.secret_key) == ("AKIDFILE", "other")
    assert Config(env={}).refreshing_credentials(runtime=runtime).snapshot().origin == "environment"


def test_chain_stops_at_a_broken_source_and_lists_attempts_when_empty() -> None:
    @dataclass
    class Never:
        name: str = "never"
        called: bool = False

        def load(self) -> Credentials:
            self.called = True
            raise AssertionError("must not be reached")

    never = Never()
    broken = StaticProvider(name="config file", access_key="AKID", secret_key="")
    with pytest.raises(InvalidConfiguration, match="config file"):
        ProviderChain([broken, never]).load()
    assert not never.called
    with pytest.raises(NoCredentialsError) as caught:
        ProviderChain([StaticProvider(name="command line", access_key="", secret_key=""), EnvironmentProvider({})]).load()
    assert "command line: no access key set" in str(caught.value)
    assert "environment: AWS_ACCESS_KEY_ID is not set" in str(caught.value)
    assert caught.value.exit_code == 78


def test_repr_never_shows_secrets() -> None:
    creds = Credentials("AKID", "very-secret-key", "session-token-value")
    assert "very-secret-key" not in repr(creds) and "session-token-value" not in str(creds)


@dataclass
class CountingProvider:
    clock: FakeClock
    lifetime: timedelta = timedelta(hours=1)
    name: str = "counting"
    loads: int = 0
    fail: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> Credentials:
        if self.fail:
            raise CredentialsError(self.name, "service unavailable")
        with self.lock:
            self.loads += 1
            n = str(self.loads)
        # every field carries the generation number: a mixed triple proves a torn read
        return Credentials(n, n, n, expiry=self.clock.now + self.lifetime, origin=self.name)


def test_refresh_windows() -> None:
    clock = FakeClock()
    provider = CountingProvider(clock)
    holder = RefreshingCredentials(provider, clock=clock)
    assert holder.snapshot().access_key == "1"
    clock.now = T0 + timedelta(minutes=44)  # 16 min left: still fresh
    assert holder.snapshot().access_key == "1"
    clock.now = T0 + timedelta(minutes=46)  # advisory window: refresh
    assert holder.snapshot().access_key == "2"
    provider.fail = True
    clock.now = T0 + timedelta(minutes=46 + 47)  # advisory for gen 2: failure is tolerated
    assert holder.snapshot().access_key == "2"
    clock.now = T0 + timedelta(minutes=46 + 51)  # mandatory: failure is raised
    with pytest.raises(CredentialsError):
        holder.snapshot()


def test_static_credentials_are_never_refreshed() -> None:
    calls = []

    @dataclass
    class Static:
        name: str = "config file"

        def load(self) -> Credentials:
            calls.append(1)
            return Credentials("AKID", "secret", "token-from-s3cfg")

    holder = RefreshingCredentials(Static())
    first = holder.snapshot()
    assert holder.snapshot() is first
    assert holder.force_refresh(first) is first
    assert len(calls) == 1


def test_force_refresh_after_expired_token() -> None:
    clock = FakeClock()
    holder = RefreshingCredentials(CountingProvider(clock), clock=clock)
    stale = holder.snapshot()
    fresh = holder.force_refresh(stale)
    assert fresh.access_key == "2"
    assert holder.force_refresh(stale) is fresh  # another thread already refreshed: no second load


def test_concurrent_refresh_never_mixes_fields() -> None:
    clock = FakeClock()
    provider = CountingProvider(clock)
    holder = RefreshingCredentials(provider, clock=clock)
    errors: list[str] = []
    stop = threading.Event()

    def signer() -> None:
        while not stop.is_set():
            creds = holder.snapshot()
            if not (creds.access_key == creds.secret_key == creds.session_token):
                errors.append(repr((creds.access_key, creds.secret_key, creds.session_token)))

    threads = [threading.Thread(target=signer) for _ in range(20)]
    for thread in threads:
        thread.start()
    steps = 200
    for step in range(1, steps + 1):  # each step lands inside the mandatory window of the last keys
        clock.now = T0 + timedelta(minutes=55 * step)
        threading.Event().wait(0.002)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    # one refresher at a time: never more than one load per expiry
    assert provider.loads <= steps + 1
