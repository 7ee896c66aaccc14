"""Upload headers from the configuration: MIME type, ACL, storage class, encryption,
and ``--add-header``."""

from __future__ import annotations

import mimetypes
from typing import Any

from S3.Config import parse_header_list

_magic: Any = False  # not loaded yet; None once known to be unavailable


def _libmagic() -> Any:
    """python-magic, loaded the first time mimetypes cannot tell (it costs ~15 ms with ctypes
    and ldconfig, which most runs never need); None when absent."""
    global _magic
    if _magic is False:
        try:  # optional: better MIME detection when libmagic is present
            import magic
        except Exception:  # ImportError, or libmagic missing under the binding
            magic = None
        _magic = magic
    return _magic


def guess_mime(config: Any, path: str | None, head: bytes = b"") -> str:
    if config.mime_type:
        return str(config.mime_type)
    if not config.guess_mime_type or path is None:
        return str(config.default_mime_type)
    guessed, _ = mimetypes.guess_type(path)
    if guessed:
        return guessed
    if config.use_mime_magic and head and _libmagic() is not None:
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
