"""Uploads and downloads: multipart on a bounded thread pool, streamed downloads written
atomically. Memory is bounded by (parts in flight × part size), never by object size.
"""
