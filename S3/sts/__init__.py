"""The STS client: endpoint resolution, AssumeRoleWithWebIdentity (unsigned), AssumeRole
and GetCallerIdentity (SigV4), with retries and STS's own error code and message."""
