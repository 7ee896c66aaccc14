"""What can go wrong talking to STS, one type per cause, each with its exit code.

``StsError`` is a ``CredentialsError`` (from the shared leaf ``S3.identity``): code that
handles any credentials failure (the refresher's advisory retry) handles these too.
The credential sources re-raise them under their own name (``S3.credentials.common``).
"""

from __future__ import annotations

from S3 import ExitCodes
from S3.identity.errors import CredentialsError

# STS error code → exit code: what the user must change.
_DENIED = frozenset({"AccessDenied", "InvalidIdentityToken", "ExpiredTokenException", "IDPRejectedClaim",
                     "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken"})
_CONFIG = frozenset({"RegionDisabledException", "MalformedPolicyDocument", "PackedPolicyTooLarge",
                     "ValidationError", "InvalidParameterValue", "InvalidAction"})
_HINTS = {
    "InvalidIdentityToken": "is the cluster's OIDC provider registered in IAM, with audience sts.amazonaws.com?",
    "AccessDenied": "check the role's trust policy: its :sub and :aud conditions must match the service account",
    "ExpiredTokenException": "the web identity token has expired; the kubelet refreshes it, check the projected volume",
    "RegionDisabledException": "activate STS in this region (IAM → Account settings) or set another AWS_REGION",
}


class StsError(CredentialsError):
    """STS could not give an answer we can use."""

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__("", message, exit_code=exit_code)


class StsConfigError(StsError):
    """The STS endpoint settings are wrong (region, FIPS, dual-stack, endpoint mode)."""

    exit_code = ExitCodes.EX_CONFIG

    def __init__(self, message: str) -> None:
        super().__init__(f"STS endpoint: {message}")


class StsRejected(StsError):
    """STS answered with an error; ``code`` and ``sts_message`` are STS's own, shown verbatim."""

    def __init__(self, *, status: int, code: str, message: str, endpoint: str) -> None:
        hint = _HINTS.get(code, "")
        super().__init__(f"STS {endpoint} refused: {code or status}: {message}" + (f" ({hint})" if hint else ""),
                         exit_code=_exit_code(status, code))
        self.status = status
        self.code = code
        self.sts_message = message


class StsThrottled(StsRejected):
    """STS kept answering throttling or 5xx until the retries ran out: try later (even when the
    answer was a 400, as STS's ``Throttling`` and ``IDPCommunicationError`` are)."""

    exit_code = ExitCodes.EX_TEMPFAIL

    def __init__(self, *, status: int, code: str, message: str, endpoint: str) -> None:
        super().__init__(status=status, code=code, message=message, endpoint=endpoint)
        self.exit_code = ExitCodes.EX_TEMPFAIL


def _exit_code(status: int, code: str) -> int:
    if code in _CONFIG:
        return ExitCodes.EX_CONFIG
    if code in _DENIED or status == 403:
        return ExitCodes.EX_ACCESSDENIED
    if status == 400:
        return ExitCodes.EX_CONFIG
    return ExitCodes.EX_TEMPFAIL


class StsUnreachable(StsError):
    """No HTTP answer from STS after every retry; the exit code is the transport failure's."""

    def __init__(self, *, endpoint: str, attempts: int, cause: str, exit_code: int) -> None:
        super().__init__(
            f"STS at {endpoint} is unreachable after {attempts} attempts ({cause}); in a private cluster set "
            "AWS_REGION so the regional endpoint (and its VPC endpoint) is used",
            exit_code=exit_code,
        )


class StsMalformedAnswer(StsError):
    """STS (or whatever answered in its place: a proxy, a captive portal) sent something that is not an
    STS answer. EX_SERVERERROR, as for S3: asking the same endpoint again gets the same page."""

    exit_code = ExitCodes.EX_SERVERERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
