"""Sync foundations shared by sync, put -r and get -r: entries, the local walk and filters, the pure
planner, the MD5 cache. Behaviour observed from s3cmd 2.4.0 is written down in README.md here."""
