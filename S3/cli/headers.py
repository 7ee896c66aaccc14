"""Upload headers from the settings: MIME type, ACL, storage class, encryption, and
``--add-header`` / ``add_headers`` (already merged into ``Settings.extra_headers``)."""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from S3.settings.model import Settings

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


def guess_mime(settings: Settings, path: str | None, head: bytes = b"") -> str:
    """``--mime-type``, else a guess from the name (then the content), else ``default_mime_type``;
    plus ``; charset=…`` for the extensions in ``add_encoding_exts``."""
    return _with_charset(settings, path, _guess_type(settings, path, head))


def _with_charset(settings: Settings, path: str | None, content_type: str) -> str:
    """``; charset=UTF-8`` on files whose extension is in ``add_encoding_exts`` (s3cmd's --add-encoding-exts)."""
    wanted = {ext.strip() for ext in settings.add_encoding_exts.split(",") if ext.strip()}
    if not wanted or path is None or "charset=" in content_type:
        return content_type
    name = os.path.basename(path)
    if "." not in name or name.rsplit(".", 1)[1] not in wanted:
        return content_type
    return f"{content_type}; charset={settings.encoding.upper()}"


def _guess_type(settings: Settings, path: str | None, head: bytes) -> str:
    if settings.mime_type:
        return settings.mime_type
    if not settings.guess_mime_type or path is None:
        return settings.default_mime_type
    guessed, _ = mimetypes.guess_type(path)
    if guessed:
        return guessed
    if settings.use_mime_magic and head and _libmagic() is not None:
        try:
            return str(_libmagic().from_buffer(head, mime=True))
        except Exception:
            pass
    return settings.default_mime_type


def object_headers(settings: Settings) -> dict[str, str]:
    """Headers shared by every upload/copy of this run (not the per-file ones): ``add_headers``
    and ``--add-header`` (already merged in ``extra_headers``), ACL, storage class, encryption."""
    headers = dict(settings.extra_headers)
    if settings.acl_public:
        headers["x-amz-acl"] = "public-read"
    if settings.storage_class:
        headers["x-amz-storage-class"] = settings.storage_class.upper()
    elif settings.reduced_redundancy:
        headers["x-amz-storage-class"] = "REDUCED_REDUNDANCY"
    if settings.kms_key:
        headers["x-amz-server-side-encryption"] = "aws:kms"
        headers["x-amz-server-side-encryption-aws-kms-key-id"] = settings.kms_key
    elif settings.server_side_encryption:
        headers["x-amz-server-side-encryption"] = "AES256"
    return headers
