"""``credential_process``: run the profile's command and read credentials from its JSON.

The command is split like a shell would (no shell is run) and must print
``{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …,
"Expiration": …}``. With an ``Expiration`` the credentials refresh (and are
cached on disk, keyed by the command); without one they last for the process.
stdout is never echoed in errors: it holds secrets.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from dataclasses import dataclass

from S3.credentials.cache import digest
from S3.credentials.common import cached
from S3.credentials.context import ProviderContext
from S3.credentials.errors import InvalidConfiguration, ProviderFailed
from S3.identity.model import Credentials
from S3.identity.timestamps import parse_timestamp

TIMEOUT = 60.0


@dataclass
class CredentialProcess:
    ctx: ProviderContext
    command: str
    profile: str

    @property
    def name(self) -> str:
        return f"credential_process (profile {self.profile})"

    def load(self) -> Credentials:
        try:
            argv = shlex.split(self.command)
        except ValueError as bad:
            raise InvalidConfiguration(self.name, f"cannot parse the command: {bad}") from None
        if not argv:
            raise InvalidConfiguration(self.name, "credential_process is empty")
        return cached(self.ctx, {"kind": "credential_process", "command": digest(self.command)},
                      lambda: self._run(argv))

    def _run(self, argv: list[str]) -> Credentials:
        try:
            done = self.ctx.run_process(argv, TIMEOUT, dict(self.ctx.env))
        except FileNotFoundError:
            raise InvalidConfiguration(self.name, f"command not found: {argv[0]}") from None
        except PermissionError:
            raise InvalidConfiguration(self.name, f"command is not executable: {argv[0]}") from None
        except subprocess.TimeoutExpired:
            raise ProviderFailed(self.name, f"{argv[0]} did not finish within {TIMEOUT:.0f} s") from None
        if done.returncode != 0:
            stderr = done.stderr.strip().splitlines()
            detail = stderr[-1][:300] if stderr else "no message on stderr"
            raise ProviderFailed(self.name, f"{argv[0]} exited with {done.returncode}: {detail}")
        try:
            data = json.loads(done.stdout)
        except ValueError:
            raise ProviderFailed(self.name, f"{argv[0]} printed something that is not JSON") from None
        if not isinstance(data, dict):
            raise ProviderFailed(self.name, f"{argv[0]} printed JSON that is not an object")
        if data.get("Version") != 1:
            raise ProviderFailed(self.name, f"{argv[0]} printed Version {data.get('Version')!r}; only 1 is supported")
        missing = [k for k in ("AccessKeyId", "SecretAccessKey") if not data.get(k)]
        if missing:
            raise ProviderFailed(self.name, f"{argv[0]} printed no {', '.join(missing)}")
        expiry = None
        if data.get("Expiration"):
            try:
                expiry = parse_timestamp(str(data["Expiration"]))
            except ValueError:
                raise ProviderFailed(self.name, f"{argv[0]} printed a bad Expiration") from None
        return Credentials(str(data["AccessKeyId"]), str(data["SecretAccessKey"]), str(data.get("SessionToken", "")),
                           expiry, origin=self.name)
