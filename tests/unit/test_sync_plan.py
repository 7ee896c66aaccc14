"""The pure sync planner, driven by tests/cases/sync_plan.json; and its memory bound on 1,000,000 keys a side.

A case lists both sides' entries (``{"key", "size", "md5"?, "etag"?}``, or ``{"unlisted": prefix}``),
the options, the keys the ``excluded`` predicate matches (by substring), and the expected actions
(``["transfer", key, REASON]``, ``["skip", key, REASON]``, ``["delete", key]``,
``["delete-deferred", key]``, ``["withheld", count, limit]``); ``md5_calls`` (optional) is the exact
sequence of MD5 look-ups the planner may make, which is how laziness is checked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from S3.sync.entries import Entry, LocalEntry, RemoteEntry
from S3.sync.local import Unlisted
from S3.sync.plan import Action, Delete, DeletesWithheld, Skip, SyncOptions, Transfer, UnsortedListing, plan

CASES = json.loads((Path(__file__).parent.parent / "cases" / "sync_plan.json").read_text(encoding="utf-8"))
KINDS = {"upload": ("local", "remote"), "download": ("remote", "local"), "copy": ("remote", "remote")}


def _entry(kind: str, row: dict, number: int) -> Entry | Unlisted:
    if "unlisted" in row:
        return Unlisted(row["unlisted"], "/nowhere/" + row["unlisted"], "cannot read directory")
    if kind == "local":
        return LocalEntry(key=row["key"], path="/src/" + row["key"], size=row["size"], mtime_ns=0,
                          mode=0o100644, uid=0, gid=0, dev=1, inode=number)
    return RemoteEntry.listed(row["key"], size=row["size"], mtime=0, etag=row.get("etag", ""))


def _rendered(action: Action) -> list:
    if isinstance(action, Transfer):
        return ["transfer", action.key, action.reason.name]
    if isinstance(action, Skip):
        return ["skip", action.key, action.reason.name]
    if isinstance(action, Delete):
        return ["delete-deferred" if action.deferred else "delete", action.key]
    assert isinstance(action, DeletesWithheld)
    return ["withheld", action.count, action.limit]


def _run(case: dict) -> tuple[list, list[str]]:
    source_kind, destination_kind = KINDS[case.get("direction", "upload")]
    sides: dict[int, tuple[str, dict]] = {}

    def build(name: str, kind: str) -> list[Entry | Unlisted]:
        out = []
        for number, row in enumerate(case[name]):
            entry = _entry(kind, row, number)
            sides[id(entry)] = (name, row)
            out.append(entry)
        return out

    source = build("source", source_kind)
    destination = build("destination", destination_kind)
    calls: list[str] = []

    def md5_of(entry: Entry) -> str | None:
        side, row = sides[id(entry)]
        calls.append(f"{side}:{entry.key}")
        if isinstance(entry, RemoteEntry) and entry.md5 is not None:
            return entry.md5
        return row.get("md5")  # a local file's content, or a multipart object's s3cmd-attrs md5

    def excluded(key: str) -> bool:
        return any(text in key for text in case.get("excluded", []))

    actions = plan(source, destination, SyncOptions(**case.get("options", {})), md5_of=md5_of, excluded=excluded)
    return [_rendered(a) for a in actions], calls


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_plan(case: dict) -> None:
    if "error" in case:
        with pytest.raises(UnsortedListing) as caught:
            _run(case)
        assert case["error"] in str(caught.value)
        return
    actions, calls = _run(case)
    assert actions == case["expect"]
    if "md5_calls" in case:
        assert calls == case["md5_calls"]


def test_actions_stream_before_the_inputs_end() -> None:
    """The first action comes out before the second source entry is even produced."""
    produced: list[str] = []

    def source() -> Iterator[RemoteEntry]:
        for key in ("a", "b"):
            produced.append(key)
            yield RemoteEntry.listed(key, size=1, mtime=0, etag="")

    actions = plan(source(), iter(()), SyncOptions(), md5_of=lambda e: None)
    assert isinstance(next(actions), Transfer)
    assert produced == ["a"]


MEMORY_PROBE = """
import resource, sys
from S3.sync.entries import RemoteEntry
from S3.sync.plan import SyncOptions, plan

N = int(sys.argv[1])
MD5 = [f"{n:032x}" for n in range(4)]

def side(start, changed_every):
    for number in range(start, start + N):
        yield RemoteEntry(key=f"k{number:09d}", size=number % 7, mtime=0, etag="",
                          md5=MD5[number % 3 + (number % changed_every == 0)])

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
counts = {"Transfer": 0, "Skip": 0, "Delete": 0}
actions = plan(side(0, N * 10), side(N // 2, 10), SyncOptions(delete_removed=True), md5_of=lambda e: e.md5)
for action in actions:
    counts[type(action).__name__] += 1
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(counts["Transfer"], counts["Skip"], counts["Delete"], after - before)
"""


def test_one_million_keys_a_side_in_bounded_memory() -> None:
    """1,000,000 keys a side, half of them at both sides (a tenth of those changed), the rest at one
    side only: transfers, skips and deletions all flow, and the peak RSS of a fresh interpreter grows by
    less than 32 MiB (held listings of 2,000,000 entries would take several hundred MiB)."""
    n = 1_000_000
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(n)], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).parent.parent.parent, check=False)
    assert done.returncode == 0, done.stderr
    transfers, skips, deletes, grown_kib = map(int, done.stdout.split())
    assert (transfers, skips, deletes) == (n // 2 + n // 20, n // 2 - n // 20, n // 2)
    assert grown_kib < 32 * 1024, f"peak RSS grew by {grown_kib} KiB"


# -- the entries the planner compares ---------------------------------------------------------

MD5 = "aa4706d355c9a391d1287198c58081ed"


def test_a_single_part_etag_is_an_md5_a_multipart_one_is_not() -> None:
    single = RemoteEntry.listed("k", size=1, mtime=0, etag=f'"{MD5.upper()}"')
    assert single.md5 == MD5 and not single.multipart and not single.needs_headers
    multi = RemoteEntry.listed("k", size=1, mtime=0, etag='"a113a846b27ea7080abc080dc0549e1a-2"')
    assert multi.md5 is None and multi.multipart and multi.needs_headers


def test_headers_give_the_md5_from_s3cmd_attrs() -> None:
    multi = RemoteEntry.listed("k", size=1, mtime=0, etag="a113a846b27ea7080abc080dc0549e1a-2")
    attrs = f"atime:1/ctime:1/gid:0/gname:root/md5:{MD5}/mode:33188/mtime:1/uid:0/uname:root"
    known = multi.with_headers({"x-amz-meta-s3cmd-attrs": attrs})
    assert known.md5 == MD5 and known.headers_read and not known.needs_headers
    unknown = multi.with_headers({})
    assert unknown.md5 is None and not unknown.needs_headers  # asked once; size decides from here


def test_an_sse_kms_etag_is_not_an_md5() -> None:
    listed = RemoteEntry.listed("k", size=1, mtime=0, etag="0123456789abcdef0123456789abcdef")
    assert listed.md5 is not None  # a listing cannot tell
    kms = listed.with_headers({"etag": '"0123456789abcdef0123456789abcdef"', "x-amz-server-side-encryption": "aws:kms"})
    assert kms.md5 is None
    ssec = listed.with_headers({"x-amz-server-side-encryption-customer-algorithm": "AES256"})
    assert ssec.md5 is None
    with_attrs = listed.with_headers({"x-amz-server-side-encryption": "aws:kms", "x-amz-meta-s3cmd-attrs": f"md5:{MD5}"})
    assert with_attrs.md5 == MD5
    sse_s3 = listed.with_headers({"etag": f'"{MD5}"', "x-amz-server-side-encryption": "AES256"})
    assert sse_s3.md5 == MD5


def test_listing_rows_become_entries_below_the_base() -> None:
    from datetime import datetime, timezone

    from S3.s3.xml import ObjectEntry
    from S3.sync.entries import remote_entries

    when = datetime(2026, 11, 29, 7, 31, tzinfo=timezone.utc)
    rows = [ObjectEntry(k, 2, when, f'"{MD5}"', "STANDARD") for k in ("p/", "p/a\nb", "p/c/d", "q/x")]
    entries = list(remote_entries(rows, base="p/"))
    assert [(e.key, e.size, e.mtime, e.md5) for e in entries] == [
        ("a\nb", 2, int(when.timestamp()), MD5), ("c/d", 2, int(when.timestamp()), MD5)]


def test_md5_resolver_heads_a_multipart_object_once_and_only_it() -> None:
    from S3.sync.plan import md5_resolver

    headed: list[str] = []

    def head(entry: RemoteEntry) -> dict[str, str]:
        headed.append(entry.key)
        return {"x-amz-meta-s3cmd-attrs": f"md5:{MD5}"}

    md5_of = md5_resolver(local=lambda e: "local:" + e.key, headers=head)
    single = RemoteEntry.listed("s", size=1, mtime=0, etag=MD5)
    multi = RemoteEntry.listed("m", size=1, mtime=0, etag="abc-3")
    local = LocalEntry(key="l", path="/l", size=1, mtime_ns=0, mode=0, uid=0, gid=0, dev=0, inode=0)
    assert (md5_of(single), md5_of(multi), md5_of(local)) == (MD5, MD5, "local:l")
    assert headed == ["m"]
    assert md5_resolver(local=lambda e: None)(multi) is None  # no way to read headers: unknown


@pytest.mark.parametrize("in_memory", [0, 2, 100])
def test_spool_keeps_order_and_odd_keys_in_memory_and_beyond(in_memory: int) -> None:
    from S3.sync.spool import Spool

    keys = ["a", "b\nc", "é", "", "d\"e", "../x"]
    with Spool[str](in_memory=in_memory) as spool:
        for key in keys[:3]:
            spool.add(key)
        assert list(spool) == keys[:3]
        for key in keys[3:]:
            spool.add(key)
        assert list(spool) == keys and len(spool) == len(keys)
        spilled = spool._file is not None
        spool.clear()
        assert list(spool) == [] and len(spool) == 0
    assert spilled == (in_memory < len(keys))
