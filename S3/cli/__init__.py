"""The command line: option parsing with s3cmd's names, the error → exit code
boundary (``main.raw_main``), and one module per command group."""
