"""Pieces several sources share: reading a token file (re-read on every load, with
the fixes for the ways it fails in a pod), the STS client for a role, role ARN
checks, and the cache-or-fetch step."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from S3.credentials.context import ProviderContext, TokenFileRefused
from S3.credentials.errors import InvalidConfiguration
from S3.credentials.model import Credentials
from S3.sts.client import StsClient
from S3.sts.endpoints import resolve

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


def check_role_arn(arn: str, source: str, *, setting: str) -> str:
    arn = arn.strip()
    if not _ROLE_ARN.match(arn):
        raise InvalidConfiguration(
            source, f"{setting} {arn!r} is not a role ARN (expected arn:aws:iam::123456789012:role/NAME)"
        )
    return arn


def read_token(ctx: ProviderContext, path: str, source: str, *, setting: str) -> str:
    """The token file's content, stripped; every failure names ``setting`` and the file and says what to fix.

    The one reader of token files (web identity, Pod Identity / ECS authorization): see
    ``S3.credentials.context.read_token_file`` for why it cannot hang or read a huge file.
    """
    where = f"token file {path} ({setting})"
    try:
        token = ctx.read_token_file(path).strip()
    except FileNotFoundError:
        raise InvalidConfiguration(
            source,
            f"{where} does not exist; is the projected service account token mounted "
            "(ServiceAccount annotated, pod restarted since)?",
        ) from None
    except PermissionError:
        raise InvalidConfiguration(
            source,
            f"cannot read {where}: permission denied; run the pod with "
            "securityContext.fsGroup (or runAsUser) so the projected token is readable",
        ) from None
    except TokenFileRefused as refused:
        raise InvalidConfiguration(
            source, f"{where} {refused.reason}; point {setting} at the file holding the token"
        ) from None
    except IsADirectoryError:
        raise InvalidConfiguration(source, f"{where} is a directory, not a regular file") from None
    except UnicodeDecodeError:
        raise InvalidConfiguration(source, f"{where} is not UTF-8 text; is it the token file?") from None
    except OSError as failed:
        raise InvalidConfiguration(source, f"cannot read {where}: {failed.strerror or failed}") from None
    if not token:
        raise InvalidConfiguration(source, f"{where} is empty")
    return token


def sts_client(ctx: ProviderContext, *, role_arn: str, region: str = "") -> StsClient:
    """The STS client for a role; ``AWS_MAX_ATTEMPTS`` (total attempts, default 5) bounds its retries."""
    endpoint = resolve(region=region or ctx.region, env=ctx.env, configured=ctx.sts_endpoint, role_arn=role_arn)
    raw = ctx.env.get("AWS_MAX_ATTEMPTS", "").strip()
    try:
        attempts = int(raw) if raw else 5
    except ValueError:
        raise InvalidConfiguration("STS", f"AWS_MAX_ATTEMPTS must be a whole number, not {raw!r}") from None
    return StsClient(endpoint=endpoint, http=ctx.sts_http(), runtime=ctx.runtime, max_retries=max(0, attempts - 1))


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
