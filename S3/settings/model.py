"""The run's settings: one frozen, typed value built once from ``.s3cfg``, the environment
(``$NAME`` references in the file) and the command line, in that order of precedence
(command line wins). Commands and providers read this, never the raw option bag.

``Settings`` declares every ``.s3cfg`` option with s3cmd 2.4.0's default (its type is
the option's type; ``S3.settings.options.DEFAULTS`` is derived from it), then the
command-line-only options (filters, ``--add-header``, output switches).
``S3.Config.Config`` stays the mutable, s3cmd-compatible object scripts import;
``Config.settings()`` builds a ``Settings`` from it.

Values are checked once, when the settings are built: each option's type, then its range
(``_check_ranges``: a part size S3 refuses, ``--parallel 0``, ``--max-retries -1`` …), so that
every command, ``--dump-config`` included, refuses them at start-up as s3cmd 2.4.0 does.
The credential chain gets ``CredentialSettings`` (``Settings.credentials()``), not the whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from S3.errors import ConfigError, ParameterError
from S3.settings.limits import MAX_PARTS, check_chunk_size_mb

_REGION_ALIASES = {"US": "us-east-1", "EU": "eu-west-1", "": "us-east-1"}


@dataclass(frozen=True)
class Settings:
    access_key: str = ''
    access_token: str = field(default='', repr=False)  # secrets: never in a repr or a traceback
    add_encoding_exts: str = ''
    add_headers: str = ''
    bucket_location: str = 'US'
    ca_certs_file: str = ''
    cache_file: str = ''
    check_ssl_certificate: bool = True
    check_ssl_hostname: bool = True
    cloudfront_host: str = 'cloudfront.amazonaws.com'
    connection_max_age: int = 5
    connection_pooling: bool = True
    content_disposition: str = ''
    content_type: str = ''
    default_mime_type: str = 'binary/octet-stream'
    delay_updates: bool = False
    delete_after: bool = False
    delete_after_fetch: bool = False
    delete_removed: bool = False
    dry_run: bool = False
    enable_multipart: bool = True
    encoding: str = 'UTF-8'
    encrypt: bool = False
    expiry_date: str = ''
    expiry_days: str = ''
    expiry_prefix: str = ''
    follow_symlinks: bool = False
    force: bool = False
    get_continue: bool = False
    gpg_command: str = ''
    gpg_decrypt: str = ('%(gpg_command)s -d --verbose --no-use-agent --batch --yes --'
                         'passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s')
    gpg_encrypt: str = ('%(gpg_command)s -c --verbose --no-use-agent --batch --yes --'
                         'passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s')
    gpg_passphrase: str = field(default='', repr=False)
    guess_mime_type: bool = True
    host_base: str = 's3.amazonaws.com'
    host_bucket: str = '%(bucket)s.s3.amazonaws.com'
    human_readable_sizes: bool = False
    invalidate_default_index_on_cf: bool = False
    invalidate_default_index_root_on_cf: bool = True
    invalidate_on_cf: bool = False
    keep_dirs: bool = False
    kms_key: str = ''
    limit: int = -1
    limitrate: int = 0
    list_allow_unordered: bool = False
    list_md5: bool = False
    log_target_prefix: str = ''
    long_listing: bool = False
    max_delete: int = -1
    max_retries: int = 5
    mime_type: str = ''
    multipart_chunk_size_mb: int = 15
    multipart_copy_chunk_size_mb: int = 1024
    multipart_max_chunks: int = 10000
    preserve_attrs: bool = True
    progress_meter: bool = False
    proxy_host: str = ''
    proxy_port: int = 3128
    public_url_use_https: bool = False
    put_continue: bool = False
    recursive: bool = False
    recv_chunk: int = 65536
    reduced_redundancy: bool = False
    requester_pays: bool = False
    restore_days: int = 1
    restore_priority: str = 'Standard'
    secret_key: str = field(default='', repr=False)
    send_chunk: int = 65536
    server_side_encryption: bool = False
    signature_v2: bool = False
    signurl_use_https: bool = False
    simpledb_host: str = 'sdb.amazonaws.com'
    skip_destination_validation: bool = False
    skip_existing: bool = False
    socket_timeout: int = 300
    ssl_client_cert_file: str = ''
    ssl_client_key_file: str = ''
    stats: bool = False
    stop_on_error: bool = False
    storage_class: str = ''
    throttle_max: int = 100
    upload_id: str = ''
    urlencoding_mode: str = 'normal'
    use_http_expect: bool = False
    use_https: bool = True
    use_mime_magic: bool = True
    verbosity: str = 'WARNING'
    website_endpoint: str = 'http://%(bucket)s.s3-website-%(location)s.amazonaws.com/'
    website_error: str = ''
    website_index: str = 'index.html'
    # ours: concurrency of multipart and many-file transfers
    parallel_transfers: int = 8
    # ours: cache temporary credentials on disk; STS endpoint override (s3cmd master's name)
    credentials_cache: bool = True
    sts_endpoint: str = ''

    # -- not in .s3cfg: set on the command line only ------------------------------
    acl_public: bool | None = field(default=None, metadata={"cli": True})  # -P / --acl-private / file; None: not said
    extra_headers: tuple[tuple[str, str], ...] = field(default=(), metadata={"cli": True})  # add_headers + --add-header
    remove_headers: tuple[str, ...] = field(default=(), metadata={"cli": True})
    exclude: tuple[str, ...] = field(default=(), metadata={"cli": True})
    exclude_from: tuple[str, ...] = field(default=(), metadata={"cli": True})
    rexclude: tuple[str, ...] = field(default=(), metadata={"cli": True})
    rexclude_from: tuple[str, ...] = field(default=(), metadata={"cli": True})
    include: tuple[str, ...] = field(default=(), metadata={"cli": True})
    include_from: tuple[str, ...] = field(default=(), metadata={"cli": True})
    rinclude: tuple[str, ...] = field(default=(), metadata={"cli": True})
    rinclude_from: tuple[str, ...] = field(default=(), metadata={"cli": True})
    files_from: tuple[str, ...] = field(default=(), metadata={"cli": True})
    profile: str = field(default="", metadata={"cli": True})
    # --access_key / --secret_key / --access_token: a source of their own in the credential chain
    cli_access_key: str = field(default="", metadata={"cli": True})
    cli_secret_key: str = field(default="", metadata={"cli": True}, repr=False)
    cli_access_token: str = field(default="", metadata={"cli": True}, repr=False)
    quiet: bool = field(default=False, metadata={"cli": True})
    # setacl --acl-grant / --acl-revoke (PERMISSION:GRANTEE, checked by the parser); accesslog --no-access-logging
    acl_grants: tuple[str, ...] = field(default=(), metadata={"cli": True})
    acl_revokes: tuple[str, ...] = field(default=(), metadata={"cli": True})
    no_access_logging: bool = field(default=False, metadata={"cli": True})
    # CloudFront (cfcreate, cfmodify): None / () when not said
    cf_cnames_add: tuple[str, ...] = field(default=(), metadata={"cli": True})
    cf_cnames_remove: tuple[str, ...] = field(default=(), metadata={"cli": True})
    cf_comment: str | None = field(default=None, metadata={"cli": True})
    cf_default_root_object: str | None = field(default=None, metadata={"cli": True})
    cf_enable: bool | None = field(default=None, metadata={"cli": True})  # --enable / --disable
    check_md5: bool = field(default=True, metadata={"cli": True})  # sync: --no-check-md5 compares sizes only
    additional_destinations: tuple[str, ...] = field(default=(), metadata={"cli": True})  # sync --add-destination

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            if spec.metadata.get("cli"):
                continue
            value = getattr(self, spec.name)
            expected = type(spec.default)
            if type(value) is not expected:  # exact: a bool where a number belongs is wrong too
                raise ConfigError(
                    f"option {spec.name} must be {_TYPE_NAMES[expected]}, not {type(value).__name__}"
                )
        _check_ranges(self)

    @property
    def region(self) -> str:
        """The signing region implied by ``bucket_location`` (``US`` → us-east-1, ``EU`` → eu-west-1)."""
        return region_of(self.bucket_location)

    def credentials(self) -> CredentialSettings:
        """The part of the settings the credential chain reads."""
        return CredentialSettings(
            access_key=self.access_key,
            secret_key=self.secret_key,
            access_token=self.access_token,
            bucket_location=self.bucket_location,
            sts_endpoint=self.sts_endpoint,
            credentials_cache=self.credentials_cache,
            profile=self.profile,
            cli_access_key=self.cli_access_key,
            cli_secret_key=self.cli_secret_key,
            cli_access_token=self.cli_access_token,
        )


@dataclass(frozen=True)
class CredentialSettings:
    """What the credential chain needs from the settings, and nothing else: the keys written in
    ``.s3cfg`` and those given on the command line (``cli_*``, empty: not given), where STS is and
    which region it serves, the cache switch and ``--profile``."""

    access_key: str = ""
    secret_key: str = field(default="", repr=False)  # secrets: never in a repr or a traceback
    access_token: str = field(default="", repr=False)
    bucket_location: str = "US"
    sts_endpoint: str = ""
    credentials_cache: bool = True
    profile: str = ""
    cli_access_key: str = ""
    cli_secret_key: str = field(default="", repr=False)
    cli_access_token: str = field(default="", repr=False)


def _check_ranges(settings: Settings) -> None:
    """Refuse values no command could use, when the settings are built (once, for every command),
    with s3cmd's "Parameter problem" (exit 64): a wrong value must not wait for the one command that
    reads it, nor be silently replaced. Limits that only matter with another option set (a proxy
    port without a proxy host) are left alone, so that an old ``.s3cfg`` keeps working."""
    check_chunk_size_mb(settings.multipart_chunk_size_mb)  # S3's part limits (S3.settings.limits)
    for name, option, low in _AT_LEAST:
        value = getattr(settings, name)
        if value < low:
            raise ParameterError(f"{option} must be {low} or more, not {value}")
    if not 1 <= settings.multipart_max_chunks <= MAX_PARTS:
        raise ParameterError(f"multipart_max_chunks must be between 1 and {MAX_PARTS} (S3's limit), "
                             f"not {settings.multipart_max_chunks}")
    if settings.proxy_host and not 0 < settings.proxy_port < 65536:
        raise ParameterError(f"proxy_port must be a TCP port (1..65535), not {settings.proxy_port}")


# (field, how the user sets it, smallest value that makes sense)
_AT_LEAST = (
    ("parallel_transfers", "--parallel", 1),
    ("max_retries", "--max-retries", 0),
    ("socket_timeout", "socket_timeout", 1),
    ("limitrate", "--limit-rate", 0),
)


def region_of(bucket_location: str) -> str:
    """The signing region a ``bucket_location`` names (``US`` → us-east-1, ``EU`` → eu-west-1)."""
    location = bucket_location.strip()
    return _REGION_ALIASES.get(location, location)


_TYPE_NAMES = {bool: "True or False", int: "a whole number", str: "text"}


def s3cfg_defaults() -> dict[str, bool | int | str]:
    """Every ``.s3cfg`` option and its default, in declaration order."""
    return {spec.name: spec.default for spec in dataclasses.fields(Settings) if not spec.metadata.get("cli")}


def cli_fields() -> tuple[str, ...]:
    """The fields set on the command line only (marked ``cli``)."""
    return tuple(spec.name for spec in dataclasses.fields(Settings) if spec.metadata.get("cli"))


def build(values: Mapping[str, Any], *, cli: Mapping[str, Any]) -> Settings:
    """The frozen settings from ``.s3cfg`` values already merged with the command line
    (``values``: option name → typed value) and the command-line-only options (``cli``:
    field name → value; lists become tuples)."""
    given: dict[str, Any] = {name: value for name, value in values.items() if name in _S3CFG_NAMES}
    for spec in dataclasses.fields(Settings):
        value = cli.get(spec.name)
        if spec.metadata.get("cli") and value is not None:
            given[spec.name] = tuple(value) if isinstance(spec.default, tuple) else value
    return Settings(**given)


_S3CFG_NAMES = frozenset(s3cfg_defaults())
