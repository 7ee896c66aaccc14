"""Every ``.s3cfg`` option with s3cmd's default value; the default's type is the option's type.

The list and defaults match what ``s3cmd --dump-config`` prints in s3cmd 2.4.0, so a
file written by either tool reads the same in the other. Options we add are
marked as ours.
"""

from __future__ import annotations

DEFAULTS: dict[str, bool | int | str] = {
    "access_key": "",
    "access_token": "",
    "add_encoding_exts": "",
    "add_headers": "",
    "bucket_location": "US",
    "ca_certs_file": "",
    "cache_file": "",
    "check_ssl_certificate": True,
    "check_ssl_hostname": True,
    "cloudfront_host": "cloudfront.amazonaws.com",
    "connection_max_age": 5,
    "connection_pooling": True,
    "content_disposition": "",
    "content_type": "",
    "default_mime_type": "binary/octet-stream",
    "delay_updates": False,
    "delete_after": False,
    "delete_after_fetch": False,
    "delete_removed": False,
    "dry_run": False,
    "enable_multipart": True,
    "encoding": "UTF-8",
    "encrypt": False,
    "expiry_date": "",
    "expiry_days": "",
    "expiry_prefix": "",
    "follow_symlinks": False,
    "force": False,
    "get_continue": False,
    "gpg_command": "",
    "gpg_decrypt": "%(gpg_command)s -d --verbose --no-use-agent --batch --yes --passphrase-fd "
    "%(passphrase_fd)s -o %(output_file)s %(input_file)s",
    "gpg_encrypt": "%(gpg_command)s -c --verbose --no-use-agent --batch --yes --passphrase-fd "
    "%(passphrase_fd)s -o %(output_file)s %(input_file)s",
    "gpg_passphrase": "",
    "guess_mime_type": True,
    "host_base": "s3.amazonaws.com",
    "host_bucket": "%(bucket)s.s3.amazonaws.com",
    "human_readable_sizes": False,
    "invalidate_default_index_on_cf": False,
    "invalidate_default_index_root_on_cf": True,
    "invalidate_on_cf": False,
    "keep_dirs": False,
    "kms_key": "",
    "limit": -1,
    "limitrate": 0,
    "list_allow_unordered": False,
    "list_md5": False,
    "log_target_prefix": "",
    "long_listing": False,
    "max_delete": -1,
    "max_retries": 5,
    "mime_type": "",
    "multipart_chunk_size_mb": 15,
    "multipart_copy_chunk_size_mb": 1024,
    "multipart_max_chunks": 10000,
    "preserve_attrs": True,
    "progress_meter": False,
    "proxy_host": "",
    "proxy_port": 3128,
    "public_url_use_https": False,
    "put_continue": False,
    "recursive": False,
    "recv_chunk": 65536,
    "reduced_redundancy": False,
    "requester_pays": False,
    "restore_days": 1,
    "restore_priority": "Standard",
    "secret_key": "",
    "send_chunk": 65536,
    "server_side_encryption": False,
    "signature_v2": False,
    "signurl_use_https": False,
    "simpledb_host": "sdb.amazonaws.com",
    "skip_destination_validation": False,
    "skip_existing": False,
    "socket_timeout": 300,
    "ssl_client_cert_file": "",
    "ssl_client_key_file": "",
    "stats": False,
    "stop_on_error": False,
    "storage_class": "",
    "throttle_max": 100,
    "upload_id": "",
    "urlencoding_mode": "normal",
    "use_http_expect": False,
    "use_https": True,
    "use_mime_magic": True,
    "verbosity": "WARNING",
    "website_endpoint": "http://%(bucket)s.s3-website-%(location)s.amazonaws.com/",
    "website_error": "",
    "website_index": "index.html",
    # ours: concurrency of multipart and many-file transfers
    "parallel_transfers": 8,
    # ours: cache temporary credentials on disk; STS endpoint override (s3cmd master's name)
    "credentials_cache": True,
    "sts_endpoint": "",
}

# Options whose values are secrets: masked by --dump-config and in debug output.
SECRET_OPTIONS = frozenset({"secret_key", "access_token", "gpg_passphrase"})

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def coerce(name: str, raw: str) -> bool | int | str:
    """Turn a textual value into the option's type; ``ValueError`` says what was expected."""
    default = DEFAULTS.get(name, "")
    value = raw.strip()
    if isinstance(default, bool):
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{name} must be True or False, not {value!r}")
    if isinstance(default, int):
        if name == "limitrate":
            return parse_rate(value)
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if name == "verbosity":
        return _verbosity(value)
    return value


def parse_rate(value: str) -> int:
    """``100k`` / ``2m`` / ``512`` → bytes per second."""
    shift = {"k": 10, "m": 20}.get(value[-1:].lower(), 0)
    digits = value[:-1] if shift else value
    try:
        return int(digits) << shift
    except ValueError:
        raise ValueError(f"limitrate must be a number with an optional k or m suffix, not {value!r}") from None


_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def _verbosity(value: str) -> str:
    if value.upper() in _LEVELS:
        return value.upper()
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"verbosity must be one of {', '.join(_LEVELS)}, not {value!r}") from None
    return {50: "CRITICAL", 40: "ERROR", 30: "WARNING", 20: "INFO", 10: "DEBUG"}.get(number, "WARNING")


def render(value: bool | int | str) -> str:
    return str(value)
