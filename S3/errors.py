"""The project's error hierarchy: every failure the CLI reports is one of these.

Each error carries the exit code it maps to and a one-line message that says what
went wrong and what to do. Low-level exceptions (socket, requests, XML) are
translated into these in one place each: transport/ for HTTP, s3/ for S3
answers, sts/ for STS answers, credentials/ for credential sources (which also
re-raise STS's errors under their own name). ``S3.identity.errors.CredentialsError``
is the base of every credentials failure; docs/architecture.md has the layers.
"""

from __future__ import annotations

from S3 import ExitCodes


class S3cmdError(Exception):
    """Base of every error we report; ``str()`` is the user-facing line."""

    exit_code: int = ExitCodes.EX_GENERAL
    prefix: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.prefix + self.message


class ParameterError(S3cmdError):
    """The command line asks for something impossible (s3cmd: "Parameter problem")."""

    exit_code = ExitCodes.EX_USAGE
    prefix = "Parameter problem: "


class NotEnoughParameters(S3cmdError):
    """A command was given too few arguments: ``Not enough parameters for command 'cp'``."""

    exit_code = ExitCodes.EX_USAGE


class UsageError(S3cmdError):
    """Unknown command, missing command: reported with the usage line."""

    exit_code = ExitCodes.EX_USAGE


class OptionError(UsageError):
    """The options could not be parsed (unknown option, missing or malformed value).

    Exit code 2, not 64: s3cmd's option parser (optparse) exits 2 for every such error, and
    scripts written against s3cmd test for it; a bad command or parameter stays 64.
    """

    exit_code = 2


class ConfigError(S3cmdError):
    """A configuration file or setting is malformed."""

    exit_code = ExitCodes.EX_CONFIG


class LocalFileError(S3cmdError):
    """A local file could not be read or written."""

    exit_code = ExitCodes.EX_IOERR


class TransferError(S3cmdError):
    """A transfer failed in a way a later retry may fix (s3cmd: upload/download error)."""

    exit_code = ExitCodes.EX_TEMPFAIL


class ServerAnswerError(S3cmdError):
    """The endpoint answered, but not with something S3 would send: HTML, malformed or
    unexpected XML, an oversized answer.

    Exit code: s3cmd's EX_SERVERERROR (11), its code for "the server answered with
    something we cannot use"; not EX_SOFTWARE (70), which says the bug is ours, nor a
    transient code, since asking the same endpoint again gets the same page.
    """

    exit_code = ExitCodes.EX_SERVERERROR
