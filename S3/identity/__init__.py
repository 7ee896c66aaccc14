"""Identity values shared by ``credentials`` and ``sts``: the ``Credentials`` value,
expiry timestamps and the credentials error base. A leaf: imports nothing of ours
but ``S3.errors`` and ``S3.ExitCodes``, so both layers above can use it."""
