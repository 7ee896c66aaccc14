"""s3cmd's public exception names, mapped onto our error hierarchy.

Scripts that ``from S3.Exceptions import S3Error, ParameterError`` keep working;
the classes themselves live in the lowercase packages.
"""

from S3.errors import (
    ConfigError,
    LocalFileError,
    ParameterError,
    S3cmdError,
    TransferError,
    UsageError,
)
from S3.s3.errors import S3Error
from S3.transport.errors import ConnectionFailed, RequestTimedOut, TransportError

S3Exception = S3cmdError
S3ResponseError = S3Error
S3RequestError = TransportError
S3DownloadError = TransferError
S3UploadError = TransferError
InvalidFileError = LocalFileError

__all__ = [
    "ConfigError",
    "ConnectionFailed",
    "InvalidFileError",
    "LocalFileError",
    "ParameterError",
    "RequestTimedOut",
    "S3DownloadError",
    "S3Error",
    "S3Exception",
    "S3RequestError",
    "S3ResponseError",
    "S3UploadError",
    "S3cmdError",
    "TransferError",
    "TransportError",
    "UsageError",
]
