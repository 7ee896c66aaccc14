"""Timestamps from S3 listings, STS XML, IMDS, container and credential_process JSON:
ISO-8601 with ``Z``, ``+00:00`` or ``UTC`` and 0–9 fractional digits, always aware UTC.
``datetime.fromisoformat`` does the parsing (dateutil cost 8 ms of start-up)."""

from __future__ import annotations

from datetime import datetime, timezone


def parse_timestamp(text: str) -> datetime:
    """Raises ValueError for anything that is not an ISO-8601 date and time."""
    value = text.strip()
    if value.endswith("UTC"):
        value = value[:-3].rstrip() + "Z"
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    if "." in value:  # fromisoformat (3.10) takes exactly 3 or 6 fractional digits; Go's RFC3339Nano gives 9
        head, _, rest = value.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        if digits == 0:
            raise ValueError(f"no fractional digits in {text!r}")
        value = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_timestamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
