"""s3cmd with a modern AWS credential loader.

Importing the package has no side effects; the public s3cmd module names
(`S3.Config`, `S3.ExitCodes`, `S3.Exceptions`, `S3.PkgInfo`) live beside the
lowercase internal packages that do the work.
"""
