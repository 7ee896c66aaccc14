"""``S3.Config.Config``: the ``.s3cfg`` model under the name s3cmd scripts import.

Holds every option as an attribute with s3cmd's defaults, reads and writes the
config file, and is where credentials are obtained (``refreshing_credentials()``).
Thin: parsing lives in ``S3.settings``, credential sources in ``S3.credentials``.

Reads: the config file given to it; ``$NAME`` values from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

from S3.credentials.context import ProviderContext
from S3.credentials.refreshing import RefreshingCredentials
from S3.errors import ConfigError
from S3.identity.model import Credentials
from S3.runtime import Runtime
from S3.settings import s3cfg
from S3.settings.model import CredentialSettings, Settings, region_of
from S3.settings.model import build as build_settings
from S3.settings.options import DEFAULTS, SECRET_OPTIONS, coerce, render

if TYPE_CHECKING:
    from S3.transport.http import TransportSettings


def default_config_path(env: Mapping[str, str]) -> str:
    """``$S3CMD_CONFIG``, else ``~/.s3cfg`` (``%USERPROFILE%\\s3cmd.ini`` is not our concern)."""
    if env.get("S3CMD_CONFIG"):
        return env["S3CMD_CONFIG"]
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".s3cfg")


class Config:
    """All s3cmd options as attributes; ``Config(path)`` reads a ``.s3cfg``."""

    def __init__(self, configfile: str | None = None, *, env: Mapping[str, str] | None = None) -> None:
        for name, default in DEFAULTS.items():
            setattr(self, name, default)
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.extra_headers: dict[str, str] = {}
        self.acl_public: bool | None = None
        self._parsed_files: list[str] = []
        if configfile:
            self.read_config_file(configfile)

    @staticmethod
    def option_list() -> list[str]:
        return sorted(DEFAULTS)

    def read_config_file(self, path: str) -> None:
        for name, value in s3cfg.read_file(path, env=self._env).items():
            if name == "add_headers" and isinstance(value, str):
                self.extra_headers.update(parse_header_list(value.split(","), origin=f"{path}: add_headers"))
            if name == "acl_public":
                self.acl_public = str(value).strip().lower() in ("1", "true", "yes", "on")
            setattr(self, name, value)
        self._parsed_files.append(path)

    def update_option(self, name: str, value: Any) -> None:
        """Set an option from a command line or program value, coercing text to the option's type."""
        if value is None:
            return
        if isinstance(value, str) and name in DEFAULTS and not isinstance(DEFAULTS[name], str):
            try:
                value = coerce(name, value)
            except ValueError as bad:
                raise ConfigError(str(bad)) from None
        setattr(self, name, value)

    def dump_config(self, stream: IO[str], *, show_secrets: bool = False) -> None:
        """Write the effective configuration in ``.s3cfg`` form; secrets masked unless asked."""
        stream.write(s3cfg.render_text(self._dump_items(show_secrets=show_secrets)))

    def _dump_items(self, *, show_secrets: bool) -> list[tuple[str, str]]:
        items = []
        for name in self.option_list():
            value = render(getattr(self, name))
            if name in SECRET_OPTIONS and value and not show_secrets:
                value = "********"
            items.append((name, value))
        return items

    def settings(self, *, cli: Mapping[str, Any] | None = None) -> Settings:
        """The run's frozen, typed settings: these values plus the command-line-only options
        (``cli``: filters, ``add_header``, ``remove_header``, ``profile``, ``quiet``)."""
        cli = dict(cli or {})
        headers = dict(self.extra_headers)
        headers.update(parse_header_list(list(cli.pop("add_header", None) or []), origin="--add-header"))
        cli["extra_headers"] = tuple(headers.items())
        cli["remove_headers"] = cli.pop("remove_header", None) or ()
        cli["acl_public"] = self.acl_public
        return build_settings({name: getattr(self, name) for name in DEFAULTS}, cli=cli)

    def write_config_file(self, path: str) -> None:
        s3cfg.write_file(path, s3cfg.render_text(self._dump_items(show_secrets=True)))

    # -- derived values ------------------------------------------------

    def region(self) -> str:
        """The signing region implied by ``bucket_location`` (``US`` → us-east-1, ``EU`` → eu-west-1)."""
        return region_of(str(self.bucket_location))

    def credential_settings(self, *, profile: str = "", cli: Mapping[str, str] | None = None) -> CredentialSettings:
        """What the credential chain reads of this configuration (the CLI takes it from ``Settings``);
        ``cli``: ``access_key`` / ``secret_key`` / ``access_token`` given on a command line."""
        cli = cli or {}
        return CredentialSettings(
            access_key=str(self.access_key),
            secret_key=str(self.secret_key),
            access_token=str(self.access_token),
            bucket_location=str(self.bucket_location),
            sts_endpoint=str(self.sts_endpoint),
            credentials_cache=bool(self.credentials_cache),
            profile=profile,
            cli_access_key=cli.get("access_key") or "",
            cli_secret_key=cli.get("secret_key") or "",
            cli_access_token=cli.get("access_token") or "",
        )

    def provider_context(
        self, *, runtime: Runtime | None = None, transport: TransportSettings | None = None, profile: str = ""
    ) -> ProviderContext:
        """What credential sources may touch (env, clock, HTTP for STS and metadata, cache), for this config.

        ``transport`` (TransportSettings) gives STS the proxy and CA settings S3 uses.
        """
        from S3.credentials.defaults import provider_context

        return provider_context(settings=self.credential_settings(profile=profile),
                                runtime=runtime or Runtime(env=dict(self._env)), transport=transport)

    def refreshing_credentials(
        self,
        *,
        runtime: Runtime | None = None,
        cli: Mapping[str, str] | None = None,
        on_new: Callable[[Credentials], None] | None = None,
        context: ProviderContext | None = None,
    ) -> RefreshingCredentials:
        """The refreshing credential holder for this configuration (see ``S3.credentials.defaults``).

        ``on_new`` sees every set of credentials loaded (the CLI registers their secrets for redaction).
        """
        from S3.credentials.defaults import refreshing_credentials

        ctx = context or self.provider_context(runtime=runtime)
        return refreshing_credentials(ctx=ctx, settings=self.credential_settings(profile=ctx.profile, cli=cli),
                                 on_new=on_new)


def parse_header_list(items: list[str] | tuple[str, ...], *, origin: str) -> dict[str, str]:
    """``["Name: value", …]`` → dict; a malformed item is a configuration error naming ``origin``."""
    headers: dict[str, str] = {}
    for item in items:
        if not item.strip():
            continue
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise ConfigError(f"{origin}: header {item.strip()!r} is not in NAME:VALUE form")
        headers[name.strip()] = value.strip()
    return headers
