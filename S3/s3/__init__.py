"""The S3 API: URIs, addressing (virtual-host or path style, region), one method per
operation, XML parsing, and S3 errors mapped to s3cmd's exit codes.
"""
