"""``read_ahead``: the items in order, fetched ahead from the start, the producer's error where its
item would have been, and a thread that stops when the consumer leaves."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator

import pytest

from S3.transfer.parallel import read_ahead


def test_items_come_in_order_and_the_first_is_fetched_before_it_is_asked_for() -> None:
    fetched: list[int] = []

    def pages() -> Iterator[int]:
        for page in range(5):
            fetched.append(page)
            yield page

    ahead = read_ahead(pages())
    deadline = time.monotonic() + 5
    while len(fetched) < 2 and time.monotonic() < deadline:  # one in the queue, one waiting to go in
        time.sleep(0.01)
    assert fetched == [0, 1]  # no further than depth allows
    assert list(ahead) == [0, 1, 2, 3, 4]
    assert list(ahead) == []


def test_the_producers_error_comes_after_the_items_before_it() -> None:
    def pages() -> Iterator[int]:
        yield 1
        raise PermissionError("AccessDenied on page 2")

    ahead = read_ahead(pages())
    assert next(ahead) == 1
    with pytest.raises(PermissionError, match="page 2"):
        next(ahead)
    with pytest.raises(StopIteration):
        next(ahead)


@pytest.mark.parametrize("leave", ["close", "drop"])
def test_the_thread_stops_when_the_consumer_leaves(leave: str) -> None:
    produced: list[int] = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    before = threading.active_count()
    ahead = read_ahead(endless())
    assert next(ahead) == 0
    if leave == "close":
        ahead.close()
    else:
        del ahead
        gc.collect()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert threading.active_count() == before and len(produced) <= 3
