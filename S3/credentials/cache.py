"""On-disk cache of temporary credentials, so that a script running s3cmd a hundred
times asks STS (or runs ``credential_process``) once per credential lifetime.

Where: ``$S3CMD_CACHE_DIR``, else ``$XDG_CACHE_HOME/s3cmd/credentials``, else
``~/.cache/s3cmd/credentials``. Each entry is a 0600 JSON file written atomically,
named by a SHA-256 of what identifies the credentials (role, session name, endpoint,
a hash of the token or source key). Entries expiring within 15 minutes are not used.

The directory holds keys, so it is only used when it is ours alone: not a symbolic
link, owned by this user, not writable by group or others (checked on the opened
descriptor, and every entry is opened relative to it without following links). A
directory that fails this is refused with one warning and the run goes on without
the cache; one we create is 0700. Otherwise best effort: a read-only or missing
directory, or an entry of the wrong shape (logged at debug, then overwritten by the
next good result), simply means no cache.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from S3.atomic import write_atomically_at
from S3.identity.model import Credentials
from S3.identity.timestamps import format_timestamp, parse_timestamp
from S3.runtime import Clock

log = logging.getLogger("s3cmd.credentials")
FRESH_FOR = timedelta(minutes=15)
MAX_ENTRY_BYTES = 64 * 1024  # an entry is a few hundred bytes (a session token is at most a few KiB)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def default_directory(env: Mapping[str, str], home: str) -> str:
    if env.get("S3CMD_CACHE_DIR"):
        return env["S3CMD_CACHE_DIR"]
    base = env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "s3cmd", "credentials")


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class BadEntry(ValueError):
    """A cache entry that is not what we write; the message says what is wrong, never a value."""


def _not_private(info: os.stat_result, uid: int) -> str:
    """Why a file or directory with this ``fstat`` is not ours alone to keep keys in ("" when it is)."""
    if info.st_uid != uid:
        return f"is owned by uid {info.st_uid}, not by this user (uid {uid})"
    if info.st_mode & 0o022:
        return f"is writable by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    return ""


def _text(data: Mapping[str, Any], name: str, *, required: bool) -> str:
    value = data.get(name, None if required else "")
    if not isinstance(value, str) or (required and not value):
        raise BadEntry(f"{name} is not a non-empty string" if required else f"{name} is not a string")
    return value


def parse_entry(data: object) -> Credentials:
    """The credentials of one decoded entry; ``BadEntry`` for anything but the shape ``put`` writes."""
    if not isinstance(data, dict):
        raise BadEntry("not a JSON object")
    try:
        expiry = parse_timestamp(_text(data, "Expiration", required=True))
    except (ValueError, OverflowError):
        raise BadEntry("Expiration is not a timestamp") from None
    return Credentials(
        access_key=_text(data, "AccessKeyId", required=True),
        secret_key=_text(data, "SecretAccessKey", required=True),
        session_token=_text(data, "SessionToken", required=False),
        expiry=expiry,
        origin=_text(data, "Source", required=False),
    )


class CredentialCache:
    """``uid``: who must own the directory and entries (default: this process's effective user;
    tests inject another to play "a directory owned by someone else")."""

    def __init__(self, directory: str, *, clock: Clock, uid: int | None = None) -> None:
        self.directory = directory
        self._clock = clock
        self._uid = os.geteuid() if uid is None else uid
        self._reads = True
        self._refused = False  # warned once; no cache for the rest of the run

    def stop_reading(self) -> None:
        """S3 rejected cached credentials: fetch anew from here on (fresh results are still written)."""
        self._reads = False

    @staticmethod
    def _name(key: Mapping[str, str]) -> str:
        return digest(json.dumps(dict(key), sort_keys=True)) + ".json"

    def _refuse(self, reason: str) -> None:
        self._refused = True
        log.warning(
            "credential cache directory %s %s; not using the credential cache in this run. Use a directory "
            "of your own that only you can write (chmod 700), set S3CMD_CACHE_DIR to one, or pass "
            "--no-credentials-cache", self.directory, reason,
        )

    def _create(self) -> None:
        try:
            os.lstat(self.directory)
        except FileNotFoundError:
            parent = os.path.dirname(os.path.abspath(self.directory))
            os.makedirs(parent, mode=0o700, exist_ok=True)
            try:
                os.mkdir(self.directory, 0o700)
            except FileExistsError:
                pass  # made meanwhile: the checks on the opened directory decide

    def _open_directory(self, *, create: bool) -> int | None:
        """A descriptor of the cache directory once it is proved ours alone, else None."""
        if self._refused:
            return None
        try:
            if create:
                self._create()
            fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as failed:
            # Linux says ENOTDIR (O_DIRECTORY) or ELOOP (O_NOFOLLOW) for a link: ask which it was.
            if failed.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(self.directory):
                self._refuse("is a symbolic link")
            else:
                log.debug("Credential cache not used (%s): %s", self.directory, failed.strerror)
            return None
        problem = _not_private(os.fstat(fd), self._uid)
        if problem:
            os.close(fd)
            self._refuse(problem)
            return None
        return fd

    def _read_entry(self, dir_fd: int, name: str) -> Credentials:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=dir_fd)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise BadEntry("not a regular file")
            if _not_private(info, self._uid) or info.st_mode & 0o077:
                raise BadEntry("not private to this user")
            raw = os.read(fd, MAX_ENTRY_BYTES + 1)
        finally:
            os.close(fd)
        if len(raw) > MAX_ENTRY_BYTES:
            raise BadEntry("too large")
        return parse_entry(json.loads(raw.decode("utf-8")))

    def get(self, key: Mapping[str, str]) -> Credentials | None:
        if not self._reads:
            return None
        dir_fd = self._open_directory(create=False)
        if dir_fd is None:
            return None
        name = self._name(key)
        try:
            creds = self._read_entry(dir_fd, name)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as bad:  # BadEntry, JSON and UTF-8 errors are ValueErrors
            # Our own reasons, or the error's kind: a JSON error message would quote the entry's text.
            reason = str(bad) if isinstance(bad, BadEntry) else bad.strerror if isinstance(bad, OSError) \
                else f"not valid JSON ({type(bad).__name__})"
            log.debug("Ignoring credential cache entry %s: %s", os.path.join(self.directory, name), reason)
            return None
        finally:
            os.close(dir_fd)
        if creds.expiry is None or creds.expiry - self._clock() < FRESH_FOR:
            return None
        log.debug("Using cached credentials from %s", os.path.join(self.directory, name))
        return creds

    def put(self, key: Mapping[str, str], creds: Credentials) -> None:
        if creds.expiry is None:
            return
        record = {
            "AccessKeyId": creds.access_key,
            "SecretAccessKey": creds.secret_key,
            "SessionToken": creds.session_token,
            "Expiration": format_timestamp(creds.expiry),
            "Source": creds.origin,
        }
        dir_fd = self._open_directory(create=True)
        if dir_fd is None:
            return
        try:
            write_atomically_at(dir_fd, self._name(key), json.dumps(record).encode("utf-8"), mode=0o600)
        except OSError as failed:
            log.debug("Credential cache not written (%s): %s", self.directory, failed.strerror)
        finally:
            os.close(dir_fd)
