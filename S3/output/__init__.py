"""What s3cmd prints: the exact text lines, log lines on stderr, the progress meter."""
