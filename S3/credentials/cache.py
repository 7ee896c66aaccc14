"""On-disk cache of temporary credentials, so that a script running s3cmd a hundred
times asks STS (or runs ``credential_process``) once per credential lifetime.

Where: ``$S3CMD_CACHE_DIR``, else ``$XDG_CACHE_HOME/s3cmd/credentials``, else
``~/.cache/s3cmd/credentials``; the directory is 0700 and each entry a 0600 JSON
file written atomically, named by a SHA-256 of what identifies the credentials
(role, session name, endpoint, a hash of the token or source key). Best effort:
a read-only or missing directory simply means no cache. Entries expiring
within 15 minutes are not used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from datetime import timedelta

from S3.atomic import write_atomically
from S3.credentials.model import Credentials
from S3.credentials.timestamps import format_timestamp, parse_timestamp
from S3.runtime import Clock

log = logging.getLogger("s3cmd.credentials")
FRESH_FOR = timedelta(minutes=15)


def default_directory(env: Mapping[str, str], home: str) -> str:
    if env.get("S3CMD_CACHE_DIR"):
        return env["S3CMD_CACHE_DIR"]
    base = env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "s3cmd", "credentials")


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class CredentialCache:
    def __init__(self, directory: str, *, clock: Clock) -> None:
        self.directory = directory
        self._clock = clock
        self._reads = True

    def stop_reading(self) -> None:
        """S3 rejected cached credentials: fetch anew from here on (fresh results are still written)."""
        self._reads = False

    def _path(self, key: Mapping[str, str]) -> str:
        name = digest(json.dumps(dict(key), sort_keys=True))
        return os.path.join(self.directory, f"{name}.json")

    def get(self, key: Mapping[str, str]) -> Credentials | None:
        if not self._reads:
            return None
        path = self._path(key)
        try:
            st = os.stat(path)
            if st.st_uid != os.getuid() or st.st_mode & 0o077:
                log.debug("Ignoring credential cache entry %s: not private to this user", path)
                return None
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            creds = Credentials(
                access_key=data["AccessKeyId"],
                secret_key=data["SecretAccessKey"],
                session_token=data.get("SessionToken", ""),
                expiry=parse_timestamp(data["Expiration"]),
                source=data.get("Source", ""),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if creds.expiry is None or creds.expiry - self._clock() < FRESH_FOR:
            return None
        log.debug("Using cached credentials from %s", path)
        return creds

    def put(self, key: Mapping[str, str], creds: Credentials) -> None:
        if creds.expiry is None:
            return
        record = {
            "AccessKeyId": creds.access_key,
            "SecretAccessKey": creds.secret_key,
            "SessionToken": creds.session_token,
            "Expiration": format_timestamp(creds.expiry),
            "Source": creds.source,
        }
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            os.chmod(self.directory, 0o700)
            write_atomically(self._path(key), json.dumps(record).encode("utf-8"), mode=0o600)
        except OSError as failed:
            log.debug("Credential cache not written (%s): %s", self.directory, failed.strerror)
