"""The default chain for s3cmd, in order (first configured source wins):

1. command line: ``--access_key`` / ``--secret_key`` (+ ``--access_token``); as in s3cmd,
   each flag overrides the matching config file key, the others still come from the file
2. the s3cmd config file: ``access_key`` / ``secret_key`` (+ ``access_token``)
3. environment: ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (+ ``AWS_SESSION_TOKEN``),
   and the legacy ``AWS_ACCESS_KEY`` / ``AWS_SECRET_KEY`` / ``AWS_SECURITY_TOKEN``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from S3.credentials.chain import ProviderChain
from S3.credentials.environment import EnvironmentProvider
from S3.credentials.static import StaticProvider
from S3.runtime import Runtime


def default_chain(*, config: Any, runtime: Runtime, cli: Mapping[str, str]) -> ProviderChain:
    from_cli = bool(cli.get("access_key") or cli.get("secret_key"))
    return ProviderChain(
        [
            StaticProvider(
                name="command line",
                access_key=(cli.get("access_key") or str(config.access_key)) if from_cli else "",
                secret_key=cli.get("secret_key") or str(config.secret_key),
                session_token=cli.get("access_token") or str(config.access_token),
                secret_hint="--secret_key",
            ),
            StaticProvider(
                name="config file",
                access_key=str(config.access_key),
                secret_key=str(config.secret_key),
                session_token=str(config.access_token),
            ),
            EnvironmentProvider(runtime.env),
        ]
    )
