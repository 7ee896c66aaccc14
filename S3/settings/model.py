"""The run's settings: one frozen, typed value built once from ``.s3cfg``, the environment
(``$NAME`` references in the file) and the command line, in that order of precedence
(command line wins). Commands and providers read this, never the raw option bag.

``Settings`` declares every ``.s3cfg`` option with s3cmd 2.4.0's default (its type is
the option's type; ``S3.settings.options.DEFAULTS`` is derived from it), then the
command-line-only options (filters, ``--add-header``, output switches).
``S3.Config.Config`` stays the mutable, s3cmd-compatible object scripts import; it is
what ``Settings.from_config`` reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from S3.errors import ConfigError

_REGION_ALIASES = {"US": "us-east-1", "EU": "eu-west-1", "": "us-east-1"}


@dataclass(frozen=True)
class Settings:
    access_key: str = ''
    access_token: str = ''
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
    gpg_passphrase: str = ''
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
    secret_key: str = ''
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
    quiet: bool = field(default=False, metadata={"cli": True})
    check_md5: bool = field(default=True, metadata={"cli": True})  # sync: --no-check-md5 compares sizes only

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

    @property
    def region(self) -> str:
        """The signing region implied by ``bucket_location`` (``US`` → us-east-1, ``EU`` → eu-west-1)."""
        location = self.bucket_location.strip()
        return _REGION_ALIASES.get(location, location)


_TYPE_NAMES = {bool: "True or False", int: "a whole number", str: "text"}


def s3cfg_defaults() -> dict[str, bool | int | str]:
    """Every ``.s3cfg`` option and its default, in declaration order."""
    return {spec.name: spec.default for spec in dataclasses.fields(Settings) if not spec.metadata.get("cli")}


_LISTS = ("exclude", "exclude_from", "rexclude", "rexclude_from", "include", "include_from", "rinclude",
          "rinclude_from", "files_from", "remove_headers")


def build(values: Mapping[str, Any], *, cli: Mapping[str, Any]) -> Settings:
    """The frozen settings from ``.s3cfg`` values already merged with the command line
    (``values``: option name → typed value) and the command-line-only options (``cli``)."""
    known = {spec.name for spec in dataclasses.fields(Settings)}
    given: dict[str, Any] = {name: value for name, value in values.items() if name in known}
    for name in _LISTS:
        if cli.get(name):
            given[name] = tuple(cli[name])
    for name in ("profile", "quiet", "acl_public", "check_md5"):
        if cli.get(name) is not None:
            given[name] = cli[name]
    if cli.get("extra_headers"):
        given["extra_headers"] = tuple(cli["extra_headers"])
    return Settings(**given)
