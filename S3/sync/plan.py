"""The sync planner: (source entries, destination entries, options) → actions, in key order. Pure.

Both inputs are streams sorted by key (S3 order); they are merged like two sorted files, so the
planner holds one entry of each side at a time and memory does not grow with the number of keys.
The only buffer is for ``--max-delete=N`` (at most N deletions, a bound the user chose).

Per key, as s3cmd 2.4.0 decides (see S3/sync/README.md for the observed behaviour):
- only at the source → ``Transfer(NEW)``;
- at both: ``--skip-existing`` → ``Skip(SKIP_EXISTING)``; sizes differ → ``Transfer(SIZE_DIFFERS)``;
  sizes equal and ``--no-check-md5`` → ``Skip(SAME_SIZE)``; else the MD5s are asked for
  (``md5_of``, injected, so a local file is read and a multipart object HEADed only here) →
  ``Skip(SAME)`` or ``Transfer(MD5_DIFFERS)``; when either MD5 cannot be known, s3cmd compares by
  size alone ("INFO: disabled md5 check for …") → ``Skip(MD5_UNKNOWN)``;
- only at the destination → ``Delete`` with ``--delete-removed``, else ``Skip(ONLY_AT_DESTINATION)``
  (s3cmd still counts those in "N remote files to delete" of its summary);
- a key that ``excluded`` says is out of scope → ``Skip(EXCLUDED)``, on either side: never sent,
  never deleted; a destination key below an ``Unlisted`` source directory → ``Skip(SOURCE_UNREADABLE)``.

Deletions: with ``delete_after`` every ``Delete`` is ``deferred``: the executor must run it only
after all transfers finished, and not at all if any transfer failed. With ``max_delete`` > 0 the
deletions are held back to the end of the stream and, if there are more than ``max_delete`` of
them, none is emitted: one ``DeletesWithheld`` instead (s3cmd: "WARNING: delete: maximum requested
number of deletes would be exceeded, none performed.", transfers still done, exit 0).
``max_delete`` <= 0 means no limit, as in s3cmd.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from S3 import ExitCodes
from S3.errors import S3cmdError
from S3.sync.entries import Entry, LocalEntry, RemoteEntry
from S3.sync.local import Unlisted


class UnsortedListing(S3cmdError):
    """A stream came out of key order: merging it could delete what exists, so the run stops. The
    local walk sorts what it yields, so the stream at fault is a server's listing (exit 11)."""

    exit_code = ExitCodes.EX_SERVERERROR


class Reason(enum.Enum):
    NEW = "new"
    SIZE_DIFFERS = "size differs"
    MD5_DIFFERS = "md5 differs"
    SAME = "same size and md5"
    SAME_SIZE = "same size (md5 not checked)"
    MD5_UNKNOWN = "same size, md5 unknown"
    SKIP_EXISTING = "exists (--skip-existing)"
    EXCLUDED = "excluded"
    ONLY_AT_DESTINATION = "only at destination"
    SOURCE_UNREADABLE = "below an unreadable source directory"


@dataclass(frozen=True, slots=True)
class Transfer:
    key: str
    reason: Reason
    source: Entry
    destination: Entry | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    key: str
    reason: Reason
    source: Entry | None = None
    destination: Entry | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    key: str
    entry: Entry
    deferred: bool = False  # run only after every transfer succeeded (--delete-after)


@dataclass(frozen=True, slots=True)
class DeletesWithheld:
    count: int  # how many deletions the run would have made
    limit: int


Action = Transfer | Skip | Delete | DeletesWithheld
Md5Of = Callable[[Entry], "str | None"]


@dataclass(frozen=True)
class SyncOptions:
    check_md5: bool = True
    skip_existing: bool = False
    delete_removed: bool = False
    delete_after: bool = False
    max_delete: int = -1


def _never(_key: str) -> bool:
    return False


def _in_order(stream: Iterable[Entry | Unlisted], side: str) -> Iterator[Entry | Unlisted]:
    """Pass the stream through, stopping at the first key not above the one before it."""
    previous: str | None = None
    for item in stream:
        if previous is not None and item.key <= previous:
            raise UnsortedListing(
                f"The {side} listing is not in key order ('{item.key}' after '{previous}'); "
                "nothing more is done. Report this with the server's name.")
        previous = item.key
        yield item


class _DeleteGate:
    """Applies --delete-removed, --delete-after and --max-delete to destination-only keys."""

    def __init__(self, options: SyncOptions) -> None:
        self.options = options
        self.limited = options.max_delete > 0
        self.held: list[Delete] = []
        self.count = 0

    def offer(self, key: str, entry: Entry) -> Iterator[Action]:
        if not self.options.delete_removed:
            yield Skip(key, Reason.ONLY_AT_DESTINATION, destination=entry)
            return
        action = Delete(key, entry, deferred=self.options.delete_after)
        if not self.limited:
            yield action
            return
        self.count += 1
        if self.count <= self.options.max_delete:
            self.held.append(action)
        else:
            self.held.clear()  # over the limit: none will be performed, so hold nothing

    def close(self) -> Iterator[Action]:
        if self.limited and self.count > self.options.max_delete:
            yield DeletesWithheld(self.count, self.options.max_delete)
        else:
            yield from self.held


def _md5s_first_free(source: Entry, destination: Entry) -> tuple[Entry, Entry]:
    """Ask first for the MD5 that costs nothing (a listed ETag), so that when it is unknown the
    other side's file is not read for nothing."""
    if isinstance(source, RemoteEntry) and source.md5 is not None:
        return source, destination
    return destination, source


def _compare(source: Entry, destination: Entry, options: SyncOptions, md5_of: Md5Of) -> Action:
    key = source.key
    if options.skip_existing:
        return Skip(key, Reason.SKIP_EXISTING, source, destination)
    if source.size != destination.size:
        return Transfer(key, Reason.SIZE_DIFFERS, source, destination)
    if not options.check_md5:
        return Skip(key, Reason.SAME_SIZE, source, destination)
    first, second = _md5s_first_free(source, destination)
    first_md5 = md5_of(first)
    second_md5 = md5_of(second) if first_md5 is not None else None
    if first_md5 is None or second_md5 is None:
        return Skip(key, Reason.MD5_UNKNOWN, source, destination)
    if first_md5 == second_md5:
        return Skip(key, Reason.SAME, source, destination)
    return Transfer(key, Reason.MD5_DIFFERS, source, destination)


def plan(
    source: Iterable[Entry | Unlisted],
    destination: Iterable[Entry | Unlisted],
    options: SyncOptions,
    *,
    md5_of: Md5Of,
    excluded: Callable[[str], bool] = _never,
) -> Iterator[Action]:
    """Merge two key-sorted streams into actions, in key order (held deletions last)."""
    sources = _in_order(source, "source")
    destinations = _in_order(destination, "destination")
    s = next(sources, None)
    d = next(destinations, None)
    gate = _DeleteGate(options)
    hole: str | None = None  # key prefix of the last unreadable source directory
    while s is not None or d is not None:
        if isinstance(d, Unlisted):
            d = next(destinations, None)  # an unreadable destination directory: transfers will say so
            continue
        if s is not None and (d is None or s.key <= d.key) and isinstance(s, Unlisted):
            hole = s.key
            s = next(sources, None)
            continue
        if s is None or (d is not None and d.key < s.key):
            assert d is not None
            if excluded(d.key):
                yield Skip(d.key, Reason.EXCLUDED, destination=d)
            elif hole is not None and d.key.startswith(hole):
                yield Skip(d.key, Reason.SOURCE_UNREADABLE, destination=d)
            else:
                yield from gate.offer(d.key, d)
            d = next(destinations, None)
            continue
        assert not isinstance(s, Unlisted)
        same = d if d is not None and d.key == s.key else None
        if excluded(s.key):
            yield Skip(s.key, Reason.EXCLUDED, s, same)
        elif same is None:
            yield Transfer(s.key, Reason.NEW, s)
        else:
            yield _compare(s, same, options, md5_of)
        s = next(sources, None)
        if same is not None:
            d = next(destinations, None)
    yield from gate.close()


def md5_resolver(
    *,
    local: Callable[[LocalEntry], str | None],
    headers: Callable[[RemoteEntry], Mapping[str, str]] | None = None,
) -> Md5Of:
    """The planner's ``md5_of``: a local file through ``local`` (e.g. ``Md5Cache.md5_of``); an object
    by its listed MD5, or else by its headers (one HEAD, through ``headers``) when they may tell."""

    def md5_of(entry: Entry) -> str | None:
        if isinstance(entry, LocalEntry):
            return local(entry)
        if entry.md5 is not None or headers is None or not entry.needs_headers:
            return entry.md5
        return entry.with_headers(headers(entry)).md5

    return md5_of
