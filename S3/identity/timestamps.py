"""Expiration timestamps from STS XML, IMDS, container and credential_process JSON:
ISO-8601 with ``Z``, ``+00:00`` or ``UTC`` and 0–9 fractional digits, always aware UTC."""

from __future__ import annotations

from datetime import datetime, timezone

from dateutil.parser import isoparse


def parse_timestamp(text: str) -> datetime:
    value = text.strip()
    if value.endswith("UTC"):
        value = value[:-3].rstrip() + "Z"
    if "." in value:  # dateutil takes at most 6 fractional digits; Go's RFC3339Nano gives 9
        head, _, rest = value.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        value = f"{head}.{digits[:6]}{rest[len(digits):]}"
    parsed = isoparse(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_timestamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
