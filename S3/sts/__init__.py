"""The STS client: endpoint resolution, AssumeRoleWithWebIdentity (unsigned), AssumeRole
and GetCallerIdentity (SigV4), with retries and STS's own error code and message.

Imports only the shared leaf ``S3.identity``, ``signing``, ``transport`` and ``runtime``:
never ``S3.credentials``, which calls it."""

from S3.sts.client import CallerIdentity, caller_identity
from S3.sts.errors import StsError

__all__ = ["CallerIdentity", "StsError", "caller_identity"]
