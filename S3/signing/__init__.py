"""Request signing for S3 and STS: SigV4 (header and presigned query) and legacy SigV2.

Pure functions over plain values: no I/O, no clock, nothing of ours imported.
Every stage is callable on its own so that tests can check each one.
"""
