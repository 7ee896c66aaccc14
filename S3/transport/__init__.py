"""HTTP for S3, STS and the metadata endpoints: one pooled session, timeouts, proxies,
TLS options, a retry policy, and the single place where urllib3 and socket exceptions
become ours.
"""
