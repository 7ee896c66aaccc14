"""An answer's headers, read once from the HTTP library into a plain dict.

Header names are case-insensitive. urllib3's ``HTTPHeaderDict`` is too, but each lookup and each
pass over it runs several Python calls per header; a small object costs ~0.1 ms of them per
download when its headers are read five times (ETag, s3cmd-attrs, encryption, sync's copy).
``Headers`` keeps the lower-cased names in a dict: a lookup is one ``str.lower`` and one dict
access, and ``lowered()`` hands out the lower-cased dict without rebuilding it. Reads nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import overload


class Headers(Mapping[str, str]):
    """Case-insensitive, read-only; iterates the names as the server sent them. A name sent twice
    has its values joined with ", " (RFC 9110 § 5.3), as urllib3 joins them."""

    __slots__ = ("_by_lower",)

    def __init__(self, pairs: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        items = list(pairs.items() if isinstance(pairs, Mapping) else pairs)
        by_lower = {name.lower(): (name, value) for name, value in items}
        if len(by_lower) < len(items):  # a name sent twice (rare): join its values in order
            by_lower = {}
            for name, value in items:
                lower = name.lower()
                seen = by_lower.get(lower)
                by_lower[lower] = (name, value) if seen is None else (seen[0], f"{seen[1]}, {value}")
        self._by_lower = by_lower

    def __getitem__(self, name: str) -> str:
        return self._by_lower[name.lower()][1]

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    @overload
    def get(self, name: str, default: None) -> str | None: ...

    def get(self, name: str, default: str | None = None) -> str | None:
        found = self._by_lower.get(name.lower())
        return default if found is None else found[1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_lower

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._by_lower.values())

    def __len__(self) -> int:
        return len(self._by_lower)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def lowered(self) -> dict[str, str]:
        """A new dict of the lower-cased names and their values."""
        return {lower: value for lower, (_, value) in self._by_lower.items()}


def as_headers(headers: Mapping[str, str]) -> Headers:
    """``headers`` as ``Headers`` (itself when it is one already): for code handed any mapping."""
    return headers if isinstance(headers, Headers) else Headers(headers)


def parse_size(text: str) -> int | None:
    """A size as a server writes it, as a non-negative integer; None for anything else ("abc", "-5",
    "+5", "²", which ``str.isdigit`` takes but ``int`` refuses)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def header_size(headers: Mapping[str, str], name: str) -> int | None:
    """A size header's value (Content-Length …); None when it is missing or no size."""
    return parse_size(as_headers(headers).get(name, ""))

