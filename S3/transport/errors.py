"""Transport failures, by category, with the exit codes s3cmd uses for them."""

from __future__ import annotations

from S3 import ExitCodes
from S3.errors import S3cmdError


class TransportError(S3cmdError):
    """The request did not get an HTTP answer."""

    exit_code = ExitCodes.EX_TEMPFAIL
    retryable = True

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class ConnectionFailed(TransportError):
    """DNS failure, reset, refused connection."""

    def __init__(self, message: str, *, url: str = "", refused: bool = False) -> None:
        super().__init__(message, url=url)
        self.refused = refused
        if refused:
            self.exit_code = ExitCodes.EX_CONNECTIONREFUSED


class NameNotResolved(ConnectionFailed):
    """The endpoint's host name does not resolve.

    Not retried: a name that does not resolve now will not resolve in the few seconds a
    retry waits (a typo in host_base, a missing DNS entry). Exit 74 (EX_IOERR), as
    upstream s3cmd exits for "Error resolving a server hostname".
    """

    exit_code = ExitCodes.EX_IOERR
    retryable = False

    def __init__(self, host: str, *, url: str = "", proxy: bool = False) -> None:
        check = "proxy_host / HTTPS_PROXY" if proxy else "host_base / --host"
        super().__init__(f"Could not resolve {'proxy ' if proxy else ''}host '{host}': check {check}", url=url)
        self.host = host


class AnswerTooLarge(TransportError):
    """An answer we would hold in memory is larger than any S3 answer of its kind."""

    exit_code = ExitCodes.EX_SERVERERROR
    retryable = False


class RequestTimedOut(TransportError):
    """Connect or read timeout (``socket_timeout``)."""


class TlsError(TransportError):
    """Certificate or TLS handshake problem: retrying will not help."""

    exit_code = ExitCodes.EX_ACCESSDENIED
    retryable = False


class UnsendableRequest(TransportError):
    """A header or request target that HTTP cannot carry (a line break, a control character; a
    space or non-ASCII character in the target): refused before anything is sent, never retried."""

    exit_code = ExitCodes.EX_USAGE
    retryable = False
