"""``LocalAhead``: the local side walked (and hashed) while the listing's page is awaited, in the walk's
order, no further than its limit, and the walk's error where it came; ``read_ahead(meanwhile=)`` calls
it instead of waiting idle."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from S3.sync.ahead import LocalAhead
from S3.sync.entries import LocalEntry
from S3.transfer.parallel import read_ahead


def entry(key: str) -> LocalEntry:
    return LocalEntry(key=key, path=f"/d/{key}", size=1, mtime_ns=0, mode=0o100644, uid=0, gid=0, dev=1, inode=1)


def test_fill_takes_entries_ahead_until_ready_and_they_come_out_in_the_walks_order() -> None:
    walked: list[str] = []

    def walk() -> Iterator[LocalEntry | str]:
        for key in "abcdef":
            walked.append(key)
            yield entry(key) if key != "c" else "an unlisted folder"

    prepared: list[str] = []
    ahead = LocalAhead(walk(), prepare=lambda e: prepared.append(e.key))
    checks = iter([False, False, False, True])
    ahead.fill(lambda: next(checks))
    assert walked == ["a", "b", "c"] and prepared == ["a", "b"]  # what is not a file is held, not prepared
    out = [e if isinstance(e, str) else e.key for e in ahead]
    assert out == ["a", "b", "an unlisted folder", "d", "e", "f"]
    assert prepared == ["a", "b"]  # entries not taken ahead are left to the comparison


def test_no_more_than_the_limit_is_held_and_without_prepare_nothing_is_read() -> None:
    ahead = LocalAhead((entry(str(i)) for i in range(100)), prepare=None, limit=10)
    ahead.fill(lambda: False)
    assert len(ahead._held) == 10
    assert [e.key for e in ahead] == [str(i) for i in range(100)]
    ahead.fill(lambda: False)  # an ended walk: nothing more, no error
    assert list(ahead) == []


def test_the_walks_error_comes_after_the_entries_before_it() -> None:
    def walk() -> Iterator[LocalEntry]:
        yield entry("a")
        raise PermissionError("cannot list /d/b")

    ahead = LocalAhead(walk(), prepare=None)
    ahead.fill(lambda: False)  # the error is kept, not raised into the listing's wait
    assert next(ahead).key == "a"
    with pytest.raises(PermissionError, match="/d/b"):
        next(ahead)
    with pytest.raises(StopIteration):
        next(ahead)


def test_read_ahead_calls_meanwhile_while_the_next_item_has_not_come() -> None:
    release = threading.Event()

    def pages() -> Iterator[int]:
        yield 1
        release.wait(5)
        yield 2

    calls: list[bool] = []

    def meanwhile(ready: object) -> None:
        assert callable(ready)
        calls.append(ready())  # type: ignore[operator]
        release.set()
        while not ready():  # type: ignore[operator]
            pass

    ahead = read_ahead(pages(), meanwhile=meanwhile)
    assert list(ahead) == [1, 2]
    assert False in calls  # called at least once while an item was awaited, and left when it came
