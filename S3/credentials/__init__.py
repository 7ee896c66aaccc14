"""Credentials: the provider interface, the chain, the refreshing holder and one module per
source (the value itself, ``Credentials``, lives in the shared leaf ``S3.identity``).

The chain tries sources in order and moves on only when a source is *not configured*; a
configured source that fails stops the chain with its own error (see chain.py).
"""

from S3.credentials.base import CredentialsProvider
from S3.credentials.errors import CredentialsNotLoaded, NoCredentialsError
from S3.credentials.refreshing import RefreshingCredentials

__all__ = ["CredentialsNotLoaded", "CredentialsProvider", "NoCredentialsError", "RefreshingCredentials"]
