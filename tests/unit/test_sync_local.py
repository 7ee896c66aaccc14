"""The local walk: key order, filters as s3cmd 2.4.0 applies them, symlinks, unreadable and hostile names.

The filter table was observed by running upstream ``s3cmd sync -n`` on the same tree (S3/sync/README.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from S3.errors import LocalFileError, ParameterError
from S3.sync.entries import LocalEntry
from S3.sync.local import (
    Filters,
    LocalTree,
    Notice,
    NoticeKind,
    Unlisted,
    build_filters,
    local_entries,
    source_root,
)

TREE = ["sub/deep/f", "sub/g", "x/sub/h", "notsub/i", "top", "d2/j"]


def _make(base: Path, names: list[str]) -> None:
    for name in names:
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


def _walk(source: str, filters: Filters = Filters(), *, follow: bool = False) -> tuple[list, list[Notice]]:
    notices: list[Notice] = []
    root, prefix = source_root(source)
    items = list(LocalTree(root, prefix, filters, follow).walk(notices.append))
    return items, notices


def _keys(items: list) -> list[str]:
    return [i.key for i in items]


def test_keys_come_in_s3_order_not_os_walk_order(tmp_path: Path) -> None:
    _make(tmp_path, ["a/b", "a-b/x", "a.txt", "a0", "z", "é", "\U0001f600", "\uffff", "A"])
    items, notices = _walk(f"{tmp_path}/")
    expected = sorted(_keys(items), key=lambda k: k.encode("utf-8"))
    assert _keys(items) == expected
    assert _keys(items)[:5] == ["A", "a-b/x", "a.txt", "a/b", "a0"]
    assert notices == []
    walked = [os.path.relpath(os.path.join(d, f), tmp_path) for d, dirs, files in os.walk(tmp_path)
              if not dirs.sort() for f in sorted(files)]
    assert walked != _keys(items)  # why the walk is ours


def test_entries_carry_stat_fields(tmp_path: Path) -> None:
    _make(tmp_path, ["f"])
    os.utime(tmp_path / "f", ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    [entry], _ = _walk(f"{tmp_path}/")
    st = os.stat(tmp_path / "f")
    assert entry == LocalEntry(key="f", path=f"{tmp_path}/f", size=1, mtime_ns=1_700_000_000_123_456_789,
                               mode=st.st_mode, uid=st.st_uid, gid=st.st_gid, dev=st.st_dev, inode=st.st_ino)
    assert entry.mtime == 1_700_000_000


def test_trailing_slash_on_the_source() -> None:
    assert source_root("data/") == ("data/", "")
    assert source_root("/srv/data") == ("/srv/data", "data/")
    assert source_root(".") == (".", "")


# (source as typed, filter options, keys s3cmd 2.4.0 sent)
UPSTREAM = [
    ("s3/", {}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["sub/"]}, ["d2/j", "top"]),
    ("s3/", {"exclude": ["deep/"]}, ["d2/j", "notsub/i", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["sub"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["/sub/"]}, ["d2/j", "notsub/i", "top"]),
    ("s3/", {"exclude": ["sub/*"]}, ["d2/j", "top"]),
    ("s3/", {"exclude": ["sub*"]}, ["d2/j", "top"]),
    ("s3/", {"exclude": ["s*/"]}, ["top"]),
    ("s3/", {"exclude": ["^sub/"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["t?p"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "x/sub/h"]),
    ("s3/", {"exclude": ["s3/top"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"rexclude": ["^sub/"]}, ["d2/j", "notsub/i", "top", "x/sub/h"]),
    ("s3/", {"rexclude": ["sub/$"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"rexclude": ["sub/"]}, ["d2/j", "top"]),
    ("s3/", {"exclude": ["*"], "include": ["*/"]}, []),
    ("s3/", {"exclude": ["*"], "include": ["*g"]}, ["sub/g"]),
    ("s3/", {"exclude": ["*.txt"], "include": ["sub/*"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["sub/*"], "include": ["sub/g"]}, ["d2/j", "sub/g", "top"]),
    ("s3/", {"exclude": ["*/"], "include": ["sub/"]}, ["notsub/i", "sub/g", "top"]),
    ("s3/", {"exclude": ["sub/"], "include": ["sub/"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["sub/"], "include": ["sub/g"]}, ["d2/j", "top"]),
    ("s3/", {"exclude": ["sub/"], "rinclude": ["^sub/"]}, ["d2/j", "top"]),
    ("s3/", {"exclude": ["*"], "rinclude": ["^sub/"]}, ["sub/deep/f", "sub/g"]),
    ("s3", {"exclude": ["sub/"]}, ["s3/d2/j", "s3/top"]),
    ("s3", {"exclude": ["s3/sub/"]}, ["s3/d2/j", "s3/notsub/i", "s3/top", "s3/x/sub/h"]),
    ("s3", {"rexclude": ["^s3/sub/"]}, ["s3/d2/j", "s3/notsub/i", "s3/top", "s3/x/sub/h"]),
    ("s3", {"exclude": ["top"]}, ["s3/d2/j", "s3/notsub/i", "s3/sub/deep/f", "s3/sub/g", "s3/x/sub/h"]),
    ("s3/", {"exclude": ["s3/sub/"]}, ["d2/j", "notsub/i", "top", "x/sub/h"]),
    ("s3/", {"exclude": ["*/s3/sub/"]}, ["d2/j", "notsub/i", "sub/deep/f", "sub/g", "top", "x/sub/h"]),
]


@pytest.mark.parametrize(("source", "options", "sent"), UPSTREAM, ids=[f"{s} {o}" for s, o, _ in UPSTREAM])
def test_filters_match_as_upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str,
                                   options: dict, sent: list[str]) -> None:
    _make(tmp_path / "s3", TREE)
    monkeypatch.chdir(tmp_path)  # directory patterns match the path as typed, so type it relative
    items, _ = _walk(source, build_filters(**options))
    assert _keys(items) == sent


def test_a_directory_exclude_does_not_enter_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make(tmp_path, TREE)
    opened: list[str] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: (opened.append(str(p)), real(p))[1])
    _, notices = _walk(f"{tmp_path}/", build_filters(exclude=["sub/"]))
    assert not any("sub" in p for p in opened)
    assert {n.kind for n in notices} == {NoticeKind.EXCLUDED_DIR}
    _, notices = _walk(f"{tmp_path}/", build_filters(exclude=["sub/*"]))  # a file pattern: s3cmd prints exclude: …
    assert [n.path for n in notices if n.kind is NoticeKind.EXCLUDED] == ["notsub/i", "sub/deep/f", "sub/g", "x/sub/h"]


def test_directory_excludes_also_cover_destination_keys(tmp_path: Path) -> None:
    tree = LocalTree(f"{tmp_path}/data/", "", build_filters(exclude=["cache/", "*.log"]))
    assert tree.excludes_key("cache/x") and tree.excludes_key("a/cache/deep/y") and tree.excludes_key("t.log")
    assert not tree.excludes_key("cache") and not tree.excludes_key("cachex/y") and not tree.excludes_key("a/b")
    plain = LocalTree("data", "data/", build_filters(exclude=["data/cache/"]))
    assert plain.excludes_key("data/cache/z") and not plain.excludes_key("data/other/z")


def test_pattern_files(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    patterns.write_text("# comment\n\n  top  \nd2/\n")
    _make(tmp_path / "t", TREE)
    items, _ = _walk(f"{tmp_path}/t/", build_filters(exclude_from=[str(patterns)]))
    assert _keys(items) == ["notsub/i", "sub/deep/f", "sub/g", "x/sub/h"]
    (tmp_path / "r").write_text("^sub/\n")
    items, _ = _walk(f"{tmp_path}/t/", build_filters(exclude=["*"], rinclude_from=[str(tmp_path / "r")]))
    assert _keys(items) == ["sub/deep/f", "sub/g"]


def test_bad_patterns_are_parameter_errors(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="Invalid regular expression '\\['"):
        build_filters(rexclude=["["])
    with pytest.raises(LocalFileError, match="Cannot read pattern file") as missing:  # exit 74, as s3cmd
        build_filters(exclude_from=[str(tmp_path / "missing")])
    assert missing.value.exit_code == 74
    (tmp_path / "latin1").write_bytes(b"caf\xe9\n")
    with pytest.raises(ParameterError, match="is not UTF-8"):
        build_filters(include_from=[str(tmp_path / "latin1")])


def _symlink_tree(base: Path) -> None:
    _make(base, ["d/f", "top"])
    os.symlink("../", base / "d" / "loop")
    os.symlink("nowhere", base / "broken")
    os.symlink("d", base / "dl")
    os.symlink("d/f", base / "fl")


def test_symlinks_are_skipped_and_reported_by_default(tmp_path: Path) -> None:
    _symlink_tree(tmp_path)
    items, notices = _walk(f"{tmp_path}/")
    assert _keys(items) == ["d/f", "top"]
    assert {(n.kind, os.path.basename(n.path)) for n in notices} == {
        (NoticeKind.SYMLINK_SKIPPED, "fl"), (NoticeKind.DIR_SYMLINK_SKIPPED, "dl"),
        (NoticeKind.DIR_SYMLINK_SKIPPED, "loop"), (NoticeKind.BROKEN_SYMLINK, "broken")}


def test_followed_symlinks_stop_at_loops(tmp_path: Path) -> None:
    _symlink_tree(tmp_path)
    items, notices = _walk(f"{tmp_path}/", follow=True)
    assert _keys(items) == ["d/f", "dl/f", "fl", "top"]
    assert items[2].size == 3  # the target's size, not the link's
    loops = [n for n in notices if n.kind is NoticeKind.SYMLINK_LOOP]
    assert [n.detail for n in loops] == ["loop", "loop"]  # below d/ and below dl/
    assert [n.kind for n in notices if n.kind is not NoticeKind.SYMLINK_LOOP] == [NoticeKind.BROKEN_SYMLINK]


def test_unreadable_directory_is_reported_and_marked_in_key_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make(tmp_path, ["a", "ud/q", "ud-x", "z"])
    real = os.scandir

    def scandir(path: str):  # root may read anything, so deny the way a 0700 directory of another user does
        if str(path).endswith("/ud"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items, notices = _walk(f"{tmp_path}/")
    assert [(type(i).__name__, i.key) for i in items] == [
        ("LocalEntry", "a"), ("LocalEntry", "ud-x"), ("Unlisted", "ud/"), ("LocalEntry", "z")]
    assert [(n.kind, n.path, n.detail) for n in notices] == [
        (NoticeKind.UNREADABLE, f"{tmp_path}/ud", "Permission denied")]
    assert NoticeKind.UNREADABLE.failure


def test_unreadable_root_is_one_unlisted_prefix(tmp_path: Path) -> None:
    items, notices = _walk(f"{tmp_path}/gone/")
    assert items == [Unlisted("", f"{tmp_path}/gone/", "No such file or directory")]
    assert notices[0].kind is NoticeKind.UNREADABLE


def test_hostile_names(tmp_path: Path) -> None:
    """A newline stays in the key (s3cmd would rewrite it to ^J); bytes that are not UTF-8 cannot be a key."""
    base = os.fsencode(tmp_path)
    for name in (b"new\nline", b"bad\xffname", b"ok", b" lead", b"trail "):
        with open(base + b"/" + name, "w") as handle:
            handle.write("x")
    os.mkdir(base + b"/dir\xfe")
    with open(base + b"/dir\xfe/inside", "w") as handle:
        handle.write("x")
    items, notices = _walk(f"{tmp_path}/")
    assert _keys(items) == [" lead", "new\nline", "ok", "trail "]
    assert sorted((n.kind, n.display) for n in notices) == [
        (NoticeKind.BAD_NAME, f"{tmp_path}/bad\\xffname"), (NoticeKind.BAD_NAME, f"{tmp_path}/dir\\xfe")]
    assert all(n.kind.failure for n in notices)


def test_special_files_are_not_sent(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    _make(tmp_path, ["f"])
    items, notices = _walk(f"{tmp_path}/")
    assert _keys(items) == ["f"]
    assert [n.kind for n in notices] == [NoticeKind.NOT_REGULAR]


def test_walk_is_lazy_and_deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / "a"
    parts = "/".join(["d"] * 200)
    _make(tmp_path, ["0first", f"a/{parts}/leaf"])
    opened: list[str] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: (opened.append(str(p)), real(p))[1])
    walk = LocalTree(f"{tmp_path}/").walk()
    assert next(walk).key == "0first"
    assert opened == [f"{tmp_path}/"]  # a/ not opened yet
    assert next(walk).key == f"a/{parts}/leaf"
    assert deep.exists()


def test_several_sources_merge_in_key_order(tmp_path: Path) -> None:
    _make(tmp_path, ["one/b", "one/d", "two/a", "two/c", "file", "dup/b"])
    notices: list[Notice] = []
    entries = list(local_entries([f"{tmp_path}/one/", f"{tmp_path}/two/", f"{tmp_path}/file", f"{tmp_path}/dup/"],
                                 on_notice=notices.append))
    assert _keys(entries) == ["a", "b", "c", "d", "file"]
    assert entries[1].path == f"{tmp_path}/one/b"
    assert [(n.kind, n.path) for n in notices] == [(NoticeKind.DUPLICATE, f"{tmp_path}/dup/b")]
    assert _keys(local_entries([f"{tmp_path}/one"])) == ["one/b", "one/d"]
    with pytest.raises(ParameterError, match="Invalid source: '.*nosuch/' is not an existing file or directory"):
        list(local_entries([f"{tmp_path}/nosuch/"]))


def test_a_killed_downloads_temporary_file_is_passed_over_with_a_notice(tmp_path: Path) -> None:
    """A run killed mid-download (SIGKILL, the OOM killer) leaves '.NAME.<hex>.s3cmd-part' beside NAME:
    a later sync up must not send it as an object."""
    _make(tmp_path, ["d/a", "d/.a.0123456789ab.s3cmd-part", "d/.b.s3cmd-part", "d/c.s3cmd-part"])
    items, notices = _walk(f"{tmp_path}/d/")
    assert _keys(items) == [".b.s3cmd-part", "a", "c.s3cmd-part"]  # only the exact shape is ours
    assert [(n.kind, os.path.basename(n.path)) for n in notices] == [
        (NoticeKind.UNFINISHED, ".a.0123456789ab.s3cmd-part")]
    assert not NoticeKind.UNFINISHED.failure
