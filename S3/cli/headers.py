"""Upload headers from the configuration: MIME type, ACL, storage class, encryption,
``--add-header`` and s3cmd's ``x-amz-meta-s3cmd-attrs`` (so upstream ``sync`` sees
our uploads' MD5 and file attributes)."""

from __future__ import annotations

import functools
import grp
import mimetypes
import os
import pwd
from typing import Any

from S3.Config import parse_header_list

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


@functools.lru_cache(maxsize=64)
def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


@functools.lru_cache(maxsize=64)
def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def attrs_value(st: os.stat_result, md5_hex: str) -> str:
    fields = {
        "atime": int(st.st_atime),
        "ctime": int(st.st_ctime),
        "gid": st.st_gid,
        "gname": _group_name(st.st_gid),
        "md5": md5_hex,
        "mode": st.st_mode,
        "mtime": int(st.st_mtime),
        "uid": st.st_uid,
        "uname": _user_name(st.st_uid),
    }
    return "/".join(f"{k}:{v}" for k, v in fields.items())


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
