"""``x-amz-meta-s3cmd-attrs``: the file attributes and MD5 s3cmd stores beside an object.

The value is ``name:value`` pairs joined by ``/`` (``atime:…/ctime:…/gid:…/gname:…/md5:…/
mode:…/mtime:…/uid:…/uname:…``), the format upstream s3cmd writes and reads, so that either
tool's ``sync`` sees the other's uploads. The MD5 is the one thing that lets a multipart
object (whose ETag is not an MD5) be verified after download.
"""

from __future__ import annotations

import functools
import grp
import os
import pwd
from dataclasses import dataclass

from S3.s3.etag import is_md5_hex

HEADER = "x-amz-meta-s3cmd-attrs"


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


@dataclass(frozen=True)
class FileAttrs:
    """What one ``s3cmd-attrs`` value says; a field the value lacks (or garbles) is ``None``."""

    md5: str | None = None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    uname: str | None = None
    gname: str | None = None
    mtime: int | None = None
    atime: int | None = None
    ctime: int | None = None


def encode(st: os.stat_result, md5_hex: str, *, preserve: bool = True) -> str:
    """The header's value; an empty ``md5_hex`` leaves md5 out (``--no-check-md5``, as s3cmd).
    ``preserve`` False (``--no-preserve``): the md5 alone, which s3cmd still stores ("" without one),
    so that an object uploaded in parts can be verified when it is downloaded or synced."""
    if not preserve:
        return f"md5:{md5_hex}" if md5_hex else ""
    fields: dict[str, object] = {
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
    if not md5_hex:
        del fields["md5"]
    return "/".join(f"{name}:{value}" for name, value in fields.items())


def fields(value: str) -> dict[str, str]:
    """The raw ``name → value`` pairs, in the order written (``info`` prints them as they are)."""
    pairs: dict[str, str] = {}
    for item in value.split("/"):
        name, sep, text = item.partition(":")
        if sep and name:
            pairs[name.strip()] = text.strip()
    return pairs


def with_md5(value: str, md5_hex: str) -> str:
    """``value`` stating ``md5_hex`` when it states no MD5 of its own (a copy in parts, whose ETag
    is not an MD5, keeps what its source's ETag said); fields in s3cmd's alphabetical order."""
    if decode(value).md5:
        return value
    pairs = fields(value)
    pairs["md5"] = md5_hex
    return "/".join(f"{name}:{text}" for name, text in sorted(pairs.items()))


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def decode(value: str) -> FileAttrs:
    """Parse a header value written by us or by upstream; anything malformed is dropped, never guessed."""
    raw = fields(value)
    md5 = raw.get("md5", "").lower()
    return FileAttrs(
        md5=md5 if is_md5_hex(md5) else None,
        mode=_int(raw.get("mode")),
        uid=_int(raw.get("uid")),
        gid=_int(raw.get("gid")),
        uname=raw.get("uname") or None,
        gname=raw.get("gname") or None,
        mtime=_int(raw.get("mtime")),
        atime=_int(raw.get("atime")),
        ctime=_int(raw.get("ctime")),
    )
