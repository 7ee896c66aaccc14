"""The STS client: endpoint resolution, AssumeRoleWithWebIdentity (unsigned), AssumeRole
and GetCallerIdentity (SigV4), with retries and STS's own error code and message.

Imports only the shared leaf ``S3.identity``, ``signing``, ``transport`` and ``runtime``:
never ``S3.credentials``, which calls it.

The package imports nothing itself: ``looks_like_region`` (endpoints) is asked on every run,
the client only by runs that call STS."""
