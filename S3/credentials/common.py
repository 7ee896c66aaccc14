"""Pieces several sources share: reading a token file (re-read on every load, with
the fixes for the ways it fails in a pod), the STS client for a role and the one
place STS's errors are re-raised under the source's name, role ARN checks, and the
cache-or-fetch step."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from S3.credentials.context import ProviderContext, TokenFileRefused
from S3.credentials.errors import InvalidConfiguration, StsFailed
from S3.identity.model import Credentials
from S3.sts.client import StsClient, client_for
from S3.sts.errors import StsError

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


def check_role_arn(arn: str, provider: str, *, setting: str) -> str:
    arn = arn.strip()
    if not _ROLE_ARN.match(arn):
        raise InvalidConfiguration(
            provider, f"{setting} {arn!r} is not a role ARN (expected arn:aws:iam::123456789012:role/NAME)"
        )
    return arn


def read_token(ctx: ProviderContext, path: str, provider: str, *, setting: str) -> str:
    """The token file's content, stripped; every failure names ``setting`` and the file and says what to fix.

    The one reader of token files (web identity, Pod Identity / ECS authorization): see
    ``S3.credentials.context.read_token_file`` for why it cannot hang or read a huge file.
    """
    where = f"token file {path} ({setting})"
    try:
        token = ctx.read_token_file(path).strip()
    except FileNotFoundError:
        raise InvalidConfiguration(
            provider,
            f"{where} does not exist; is the projected service account token mounted "
            "(ServiceAccount annotated, pod restarted since)?",
        ) from None
    except PermissionError:
        raise InvalidConfiguration(
            provider,
            f"cannot read {where}: permission denied; run the pod with "
            "securityContext.fsGroup (or runAsUser) so the projected token is readable",
        ) from None
    except TokenFileRefused as refused:
        raise InvalidConfiguration(
            provider, f"{where} {refused.reason}; point {setting} at the file holding the token"
        ) from None
    except IsADirectoryError:
        raise InvalidConfiguration(provider, f"{where} is a directory, not a regular file") from None
    except UnicodeDecodeError:
        raise InvalidConfiguration(provider, f"{where} is not UTF-8 text; is it the token file?") from None
    except OSError as failed:
        raise InvalidConfiguration(provider, f"cannot read {where}: {failed.strerror or failed}") from None
    if not token:
        raise InvalidConfiguration(provider, f"{where} is empty")
    return token


def sts_client(ctx: ProviderContext, *, role_arn: str, region: str = "") -> StsClient:
    """The STS client for a role; ``AWS_MAX_ATTEMPTS`` (total attempts, default 5) bounds its retries."""
    return client_for(region=region or ctx.sts_region(), http=ctx.sts_http(), runtime=ctx.runtime,
                      configured=ctx.sts_endpoint, role_arn=role_arn)


@contextmanager
def sts_failures(provider: str) -> Iterator[None]:
    """STS's errors, re-raised under the name of the source that called STS (with their exit code)."""
    try:
        yield
    except StsError as failed:
        raise StsFailed(provider, failed.message, exit_code=failed.exit_code) from failed


def cached(ctx: ProviderContext, key: Mapping[str, str], fetch: Callable[[], Credentials]) -> Credentials:
    """Cached temporary credentials when fresh, else fetch and remember them."""
    if ctx.cache is not None:
        hit = ctx.cache.get(key)
        if hit is not None:
            return hit
    creds = fetch()
    if ctx.cache is not None:
        ctx.cache.put(key, creds)
    return creds


def default_session_name(ctx: ProviderContext) -> str:
    """One name per process, reused on every refresh (so refreshes hit the same cache entry)."""
    return f"s3cmd-{int(ctx.runtime.clock().timestamp())}"
