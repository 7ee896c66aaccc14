"""Upload headers from the configuration: MIME type, ACL, storage class, encryption,
and ``--add-header``."""

from __future__ import annotations

import mimetypes
from typing import Any

from S3.Config import parse_header_list
from S3.settings.model import Settings

try:  # optional: better MIME detection when libmagic is present
    import magic as _magic
except Exception:  # ImportError, or libmagic missing under the binding
    _magic = None


def guess_mime(config: Any, path: str | None, head: bytes = b"") -> str:
    if config.mime_type:
        return str(config.mime_type)
    if not config.guess_mime_type or path is None:
        return str(config.default_mime_type)
    guessed, _ = mimetypes.guess_type(path)
    if guessed:
        return guessed
    if config.use_mime_magic and _magic is not None and head:
        try:
            return str(_magic.from_buffer(head, mime=True))
        except Exception:
            pass
    return str(config.default_mime_type)


def object_headers(config: Any, options: Any) -> dict[str, str]:
    """Headers shared by every upload/copy of this run (not the per-file ones)."""
    headers: dict[str, str] = dict(config.extra_headers)
    headers.update(parse_header_list(list(options.add_header or []), origin="--add-header"))
    return _storage_headers(config, headers)


def upload_headers(settings: Settings) -> dict[str, str]:
    """``object_headers`` from the run's ``Settings`` (whose ``extra_headers`` already hold ``--add-header``)."""
    return _storage_headers(settings, dict(settings.extra_headers))


def _storage_headers(config: Any, headers: dict[str, str]) -> dict[str, str]:
    """ACL, storage class and encryption (``Config`` and ``Settings`` name these options alike)."""
    if config.acl_public:
        headers["x-amz-acl"] = "public-read"
    if config.storage_class:
        headers["x-amz-storage-class"] = str(config.storage_class).upper()
    elif config.reduced_redundancy:
        headers["x-amz-storage-class"] = "REDUCED_REDUNDANCY"
    if config.kms_key:
        headers["x-amz-server-side-encryption"] = "aws:kms"
        headers["x-amz-server-side-encryption-aws-kms-key-id"] = str(config.kms_key)
    elif config.server_side_encryption:
        headers["x-amz-server-side-encryption"] = "AES256"
    return headers
