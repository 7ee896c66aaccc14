"""CloudFront: a small client of its own (API 2020-05-31, SigV4) for the cf* commands and --cf-invalidate."""
