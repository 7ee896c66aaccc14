"""s3cmd settings: the option table with s3cmd's defaults, and the ``.s3cfg`` file format.

Named ``settings`` (not ``config``) so that it never collides with the public
``S3/Config.py`` on case-insensitive filesystems.
"""
