"""Upload headers from the configuration: MIME type, ACL, storage class, encryption,
and ``--add-header``."""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from S3.Config import parse_header_list

try:  # optional: better MIME detection when libmagic is present
    import magic as _magic
except Exception:  # ImportError, or libmagic missing under the binding
    _magic = None


def guess_mime(config: Any, path: str | None, head: bytes = b"") -> str:
    return _with_charset(config, path, _guess_type(config, path, head))


def _with_charset(config: Any, path: str | None, content_type: str) -> str:
    """``; charset=UTF-8`` on files whose extension is in ``add_encoding_exts`` (s3cmd's --add-encoding-exts)."""
    wanted = {ext.strip() for ext in str(config.add_encoding_exts).split(",") if ext.strip()}
    if not wanted or path is None or "charset=" in content_type:
        return content_type
    name = os.path.basename(path)
    if "." not in name or name.rsplit(".", 1)[1] not in wanted:
        return content_type
    return f"{content_type}; charset={str(config.encoding).upper()}"


def _guess_type(config: Any, path: str | None, head: bytes) -> str:
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
