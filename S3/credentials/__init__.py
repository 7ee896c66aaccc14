"""Credentials: the value, the provider interface, the chain and the refreshing holder.

One module per source. The chain tries sources in order and moves on only when a
source is *not configured*; a configured source that fails stops the chain with
its own error (see chain.py).
"""

from S3.credentials.base import CredentialsProvider
from S3.credentials.errors import CredentialsError, CredentialsNotLoaded, NoCredentialsError
from S3.credentials.model import Credentials
from S3.credentials.refreshing import CredentialSource

__all__ = [
    "CredentialSource",
    "Credentials",
    "CredentialsError",
    "CredentialsNotLoaded",
    "CredentialsProvider",
    "NoCredentialsError",
]
