"""``s3cmd sync`` end to end: the real executable against the moto server, the result checked
through boto3 (never through our own listing) and the output lines compared with what s3cmd 2.4.0
prints for the same operation (observed side by side, see S3/sync/README.md)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner
from tests.servers import Identity, MotoServer

SPEED = r"\(\d+ bytes in \d+\.\d seconds, -?[\d.]+ [KMGT]?B/s\)"
DONE = r" in \d+\.\d seconds, [\d.]+ ([KMGT]?B|files)/s\.$"


def _keys(s3, bucket: str, prefix: str = "") -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    found: dict[str, bytes] = {}
    for page in s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return found


def _tree(top: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return top


def _files(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def _lines(text: str) -> list[str]:
    return [re.sub(DONE, " (TIME)", re.sub(SPEED, "(SPEED)", line)) for line in text.splitlines()]


TREE = {"a-b/x": b"ab", "a/b": b"b\n", "top": b"top\n"}


def test_upload_lines_order_and_state(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    _tree(s3cmd.home / "src", TREE)
    result = s3cmd("sync", "src/", f"s3://{bucket}/p/")
    assert result.rc == 0, result.output
    # key order ('a-b' < 'a/b'), counted over the transfers, two sizes, then the Done line
    assert _lines(result.stdout) == [
        f"upload: 'src/a-b/x' -> 's3://{bucket}/p/a-b/x' (SPEED) [1 of 3]",
        f"upload: 'src/a/b' -> 's3://{bucket}/p/a/b' (SPEED) [2 of 3]",
        f"upload: 'src/top' -> 's3://{bucket}/p/top' (SPEED) [3 of 3]",
        "Done. Uploaded 8 bytes (TIME)",
    ]
    assert _keys(s3, bucket) == {f"p/{k}": v for k, v in TREE.items()}
    attrs = s3.head_object(Bucket=bucket, Key="p/top")["Metadata"]["s3cmd-attrs"]
    assert "md5:" in attrs and "mtime:" in attrs and "mode:" in attrs


def test_directory_without_slash_is_sent_itself(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    _tree(s3cmd.home / "src", {"f": b"1"})
    assert s3cmd("sync", "src", f"s3://{bucket}/p/").rc == 0
    assert set(_keys(s3, bucket)) == {"p/src/f"}


def test_destination_must_end_in_slash_and_source_must_exist(s3cmd: S3cmdRunner, bucket: str) -> None:
    _tree(s3cmd.home / "src", {"f": b"1", "g": b"2"})
    result = s3cmd("sync", "src/", f"s3://{bucket}/p")
    assert result.rc == 64
    assert "ERROR: Parameter problem: Destination S3 URI must end with '/' (ie must refer to a directory on the " \
           "remote side)." in result.stderr
    result = s3cmd("sync", "nosuch/", f"s3://{bucket}/p/")
    assert result.rc == 64
    assert "ERROR: Parameter problem: Invalid source: 'nosuch/' is not an existing file or directory" in result.stderr
    result = s3cmd("sync", f"s3://{bucket}/p/", "dn")
    assert result.rc == 64
    assert "Destination must be a directory and end with '/' when downloading multiple sources." in result.stderr
    (s3cmd.home / "there").mkdir()  # as s3cmd: a folder that exists is no exception to the rule
    result = s3cmd("sync", f"s3://{bucket}/p/", "there")
    assert result.rc == 64 and "must be a directory and end with '/'" in result.stderr, result.output
    # s3cmd 2.4.0's words for a missing destination and for two local paths
    result = s3cmd("sync", "src/")
    assert result.rc == 64 and "ERROR: Not enough parameters for command 'sync'" in result.stderr, result.output
    result = s3cmd("sync", "src/", "there/")
    assert (result.rc, result.stderr) == (64, "ERROR: Parameter problem: Invalid source/destination: 'src/' "
                                              "'there/'\n"), result.output


def test_a_source_without_slash_goes_below_a_destination_without_one(s3cmd: S3cmdRunner, bucket: str,
                                                                      s3) -> None:  # type: ignore[no-untyped-def]
    """s3cmd 2.4.0: 'sync s3://b/p dn' makes dn/p/…; a later --delete-removed looks only inside dn/p."""
    s3.put_object(Bucket=bucket, Key="p/f", Body=b"1")
    first = s3cmd("sync", f"s3://{bucket}/p", "dn")
    assert first.rc == 0 and _files(s3cmd.home / "dn") == {"p/f": b"1"}, first.output
    (s3cmd.home / "dn" / "mine").write_bytes(b"m")
    again = s3cmd("sync", "--delete-removed", f"s3://{bucket}/p", "dn")
    assert again.rc == 0 and again.stdout == "", again.output
    assert _files(s3cmd.home / "dn") == {"p/f": b"1", "mine": b"m"}


def test_one_object_to_a_name_without_slash_is_that_file(s3cmd: S3cmdRunner, bucket: str,
                                                         s3) -> None:  # type: ignore[no-untyped-def]
    """s3cmd 2.4.0: 'sync s3://b/p/obj new.txt' writes the file new.txt (not new.txt/obj); it refuses an
    existing folder of that name; 'dir/' still means "into dir"."""
    for key, body in (("p/obj", b"object"), ("p/obj.old", b"old"), ("p/obj/x", b"x")):  # the name begins others
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    first = s3cmd("sync", f"s3://{bucket}/p/obj", "new.txt")
    assert first.rc == 0 and _lines(first.stdout)[0] == (
        f"download: 's3://{bucket}/p/obj' -> 'new.txt' (SPEED) [1 of 1]"), first.output
    assert (s3cmd.home / "new.txt").read_bytes() == b"object"
    again = s3cmd("sync", f"s3://{bucket}/p/obj", "new.txt")  # compared with the file: nothing to do
    assert again.rc == 0 and again.stdout == "", again.output
    (s3cmd.home / "new.txt").write_bytes(b"changed")
    updated = s3cmd("sync", f"s3://{bucket}/p/obj", "sub/new.txt")
    assert updated.rc == 0 and (s3cmd.home / "sub" / "new.txt").read_bytes() == b"object", updated.output
    (s3cmd.home / "dir").mkdir()
    refused = s3cmd("sync", f"s3://{bucket}/p/obj", "dir")
    assert (refused.rc, refused.stderr) == (
        64, "ERROR: Parameter problem: Destination already exists and is a directory\n"), refused.output
    s3.put_object(Bucket=bucket, Key="q/only", Body=b"only")
    into = s3cmd("sync", f"s3://{bucket}/q/only", "dir/")
    assert into.rc == 0 and (s3cmd.home / "dir" / "only").read_bytes() == b"only", into.output


def test_a_file_takes_the_place_of_a_folder_emptied_by_delete_removed(s3cmd: S3cmdRunner, bucket: str,
                                                                      s3) -> None:  # type: ignore[no-untyped-def]
    """'a' was a folder here and is a file in the bucket now: --delete-removed empties the folder, and
    the file takes its place (as s3cmd), instead of failing on every later run."""
    s3.put_object(Bucket=bucket, Key="d/a", Body=b"file-a")
    _tree(s3cmd.home / "dn", {"a/x": b"x"})
    kept = s3cmd("sync", f"s3://{bucket}/d/", "dn/")  # without --delete-removed a/x stays, and so does a/
    assert kept.rc != 0 and (s3cmd.home / "dn" / "a" / "x").read_bytes() == b"x", kept.output
    run = s3cmd("sync", "--delete-removed", f"s3://{bucket}/d/", "dn/")
    assert run.rc == 0, run.output
    assert _files(s3cmd.home / "dn") == {"a": b"file-a"}


def test_no_op_resync_prints_nothing_and_changes_are_found(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    src = _tree(s3cmd.home / "src", TREE)
    assert s3cmd("sync", "src/", f"s3://{bucket}/p/").rc == 0
    again = s3cmd("sync", "-v", "src/", f"s3://{bucket}/p/")
    assert again.rc == 0 and again.stdout == ""
    assert "INFO: Summary: 0 local files to upload, 0 files to remote copy, 0 remote files to delete" in again.stderr
    assert "INFO: Done. Uploaded 0 bytes in 1.0 seconds, 0.00 B/s." in again.stderr
    (src / "top").write_bytes(b"TOP\n")  # same size, other MD5
    (src / "a/b").write_bytes(b"longer")  # other size
    changed = s3cmd("sync", "src/", f"s3://{bucket}/p/")
    assert changed.rc == 0
    assert [line.split(" ->")[0] for line in changed.stdout.splitlines()[:-1]] == ["upload: 'src/a/b'", "upload: 'src/top'"]
    assert _keys(s3, bucket)["p/top"] == b"TOP\n"


def test_no_check_md5_and_skip_existing(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    src = _tree(s3cmd.home / "src", {"same": b"abc", "grow": b"x"})
    assert s3cmd("sync", "src/", f"s3://{bucket}/p/").rc == 0
    (src / "same").write_bytes(b"ABC")
    (src / "grow").write_bytes(b"xx")
    skip = s3cmd("sync", "--skip-existing", "src/", f"s3://{bucket}/p/")
    assert skip.rc == 0 and skip.stdout == ""
    size_only = s3cmd("sync", "--no-check-md5", "src/", f"s3://{bucket}/p/")
    assert size_only.rc == 0
    assert "upload: 'src/grow'" in size_only.stdout and "src/same" not in size_only.stdout
    assert _keys(s3, bucket) == {"p/grow": b"xx", "p/same": b"abc"}
    checked = s3cmd("sync", "--check-md5", "src/", f"s3://{bucket}/p/")
    assert "upload: 'src/same'" in checked.stdout
    assert _keys(s3, bucket)["p/same"] == b"ABC"


def test_delete_removed_max_delete_and_default_keep(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    src = _tree(s3cmd.home / "src", {"a": b"1", "b": b"2", "c": b"3", "keep": b"k"})
    assert s3cmd("sync", "src/", f"s3://{bucket}/p/").rc == 0
    for name in "abc":
        (src / name).unlink()
    kept = s3cmd("sync", "-v", "src/", f"s3://{bucket}/p/")
    assert kept.rc == 0 and len(_keys(s3, bucket)) == 4
    assert "0 local files to upload, 0 files to remote copy, 3 remote files to delete" in kept.stderr
    limited = s3cmd("sync", "-v", "--delete-removed", "--max-delete=2", "src/", f"s3://{bucket}/p/")
    assert limited.rc == 0
    # as s3cmd 2.4.0: the summary counts the deletions the limit then withholds
    assert "0 local files to upload, 0 files to remote copy, 3 remote files to delete" in limited.stderr
    assert "WARNING: delete: maximum requested number of deletes would be exceeded, none performed." in limited.stderr
    assert len(_keys(s3, bucket)) == 4
    dry = s3cmd("sync", "--dry-run", "--delete-removed", "src/", f"s3://{bucket}/p/")
    assert dry.rc == 0 and "WARNING: Exiting now because of --dry-run" in dry.stderr
    assert dry.stdout.splitlines() == [f"delete: 's3://{bucket}/p/{n}'" for n in "abc"]
    assert len(_keys(s3, bucket)) == 4
    deleted = s3cmd("sync", "--delete-removed", "src/", f"s3://{bucket}/p/")
    assert deleted.rc == 0
    assert deleted.stdout.splitlines() == [f"delete: 's3://{bucket}/p/{n}'" for n in "abc"]
    assert set(_keys(s3, bucket)) == {"p/keep"}


COWARDLY = "WARNING: delete: cowardly refusing to delete because no source files were found.  Use --force to override."


@pytest.mark.parametrize("direction", ["up", "down", "s3-to-s3"])
def test_an_empty_source_deletes_nothing_without_force(s3cmd: S3cmdRunner, bucket: str, s3,  # type: ignore[no-untyped-def]
                                                       direction: str) -> None:
    """A mistyped prefix or an unmounted volume must not empty the backup: s3cmd 2.4.0 refuses every
    deletion when the source has no file (after the filters), unless --force. A dry run says the same."""
    (s3cmd.home / "empty").mkdir()
    _tree(s3cmd.home / "dest", {"a": b"1", "b/c": b"2"})
    for key in ("dest/a", "dest/b/c", "only/x"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
    source, target = {
        "up": ("empty/", f"s3://{bucket}/dest/"),
        "down": (f"s3://{bucket}/typo/", "dest/"),
        "s3-to-s3": (f"s3://{bucket}/typo/", f"s3://{bucket}/dest/"),
    }[direction]
    before_keys, before_files = _keys(s3, bucket), _files(s3cmd.home / "dest")
    for extra in (["--dry-run"], [], ["--delete-after"]):
        run = s3cmd("sync", "--delete-removed", *extra, source, target)
        assert run.rc == 0 and COWARDLY in run.stderr.splitlines(), run.output
        assert "delete:" not in run.stdout, run.output
        assert (_keys(s3, bucket), _files(s3cmd.home / "dest")) == (before_keys, before_files)
    # a source whose every file is excluded has none either
    only = s3cmd("sync", "--delete-removed", "--exclude", "x", f"s3://{bucket}/only/", target)
    assert only.rc == 0 and COWARDLY in only.stderr.splitlines(), only.output
    assert (_keys(s3, bucket), _files(s3cmd.home / "dest")) == (before_keys, before_files)
    forced = s3cmd("sync", "--delete-removed", "--force", source, target)
    assert forced.rc == 0 and COWARDLY not in forced.stderr, forced.output
    if direction == "down":
        assert _files(s3cmd.home / "dest") == {}
    else:
        assert set(_keys(s3, bucket)) == {"only/x"}


def test_delete_after_runs_after_uploads_and_is_withheld_when_one_fails(
    s3cmd: S3cmdRunner, bucket: str, s3  # type: ignore[no-untyped-def]
) -> None:
    src = _tree(s3cmd.home / "src", {"old": b"1"})
    assert s3cmd("sync", "src/", f"s3://{bucket}/p/").rc == 0
    (src / "old").unlink()
    _tree(src, {"new": b"2"})
    after = s3cmd("sync", "--delete-removed", "--delete-after", "src/", f"s3://{bucket}/p/")
    assert after.rc == 0, after.output
    lines = after.stdout.splitlines()
    assert lines[0].startswith("upload: 'src/new'") and lines[1] == f"delete: 's3://{bucket}/p/old'"
    # an upload that fails (the server refuses the storage class) keeps the old copy at the destination
    (src / "new").unlink()
    _tree(src, {"newer": b"3"})
    failed = s3cmd("sync", "--delete-removed", "--delete-after", "--storage-class=NOSUCHCLASS", "src/",
                   f"s3://{bucket}/p/")
    assert failed.rc != 0, failed.output
    assert "1 deletions not performed (--delete-after) because 1 transfers failed" in failed.stderr
    assert set(_keys(s3, bucket)) == {"p/new"}


def test_directory_excludes_and_pattern_files(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    tree = {"sub/deep/f": b"1", "sub/g": b"2", "x/sub/h": b"3", "notsub/i": b"4", "top": b"5", "d2/j": b"6"}
    _tree(s3cmd.home / "s3", tree)
    assert s3cmd("sync", "--exclude", "sub/", "s3/", f"s3://{bucket}/e/").rc == 0
    assert set(_keys(s3, bucket, "e/")) == {"e/d2/j", "e/top"}
    (s3cmd.home / "rx").write_text("# comment\n\n^d2/\n")
    (s3cmd.home / "ix").write_text("*/i\n")
    assert s3cmd("sync", "--rexclude-from", "rx", "--exclude", "notsub/*", "--include-from", "ix", "s3/",
                 f"s3://{bucket}/r/").rc == 0
    assert set(_keys(s3, bucket, "r/")) == {"r/notsub/i", "r/sub/deep/f", "r/sub/g", "r/top", "r/x/sub/h"}
    # a directory exclude also protects the destination keys below it from --delete-removed
    deleted = s3cmd("sync", "--exclude", "sub/", "--delete-removed", "s3/", f"s3://{bucket}/r/")
    assert deleted.rc == 0, deleted.output
    assert set(_keys(s3, bucket, "r/")) == {"r/notsub/i", "r/sub/deep/f", "r/sub/g", "r/top", "r/x/sub/h", "r/d2/j"}


def test_files_from(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    _tree(s3cmd.home / "src", {"a": b"1", "b/c": b"2", "d": b"3"})
    (s3cmd.home / "list").write_text("a\nb/c\n")
    result = s3cmd("sync", "--files-from", "list", "--delete-removed", "src/", f"s3://{bucket}/f/")
    assert result.rc == 0, result.output
    assert set(_keys(s3, bucket)) == {"f/a", "f/b/c"}
    piped = s3cmd("sync", "--files-from", "-", "src/", f"s3://{bucket}/g/", input=b"./d\n")
    assert piped.rc == 0, piped.output
    assert set(_keys(s3, bucket, "g/")) == {"g/d"}
    (s3cmd.home / "abs").write_text(f"{s3cmd.home / 'src' / 'd'}\nd\n")  # an absolute name is no name below src/
    absolute = s3cmd("sync", "--files-from", "abs", "src/", f"s3://{bucket}/h/")
    assert absolute.rc == 0 and "an absolute path: skipped" in absolute.stderr, absolute.output
    assert set(_keys(s3, bucket, "h/")) == {"h/d"}
    put = s3cmd("put", "-r", "--files-from", "list", "src/", f"s3://{bucket}/p/")  # put -r takes the lists too
    assert put.rc == 0 and [line.split(" (")[0] for line in put.stdout.splitlines()] == [
        f"upload: 'src/a' -> 's3://{bucket}/p/a'", f"upload: 'src/b/c' -> 's3://{bucket}/p/b/c'"], put.output
    assert set(_keys(s3, bucket, "p/")) == {"p/a", "p/b/c"}


def test_upload_options_reach_the_server(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    _tree(s3cmd.home / "src", {"f.bin": b"1"})
    result = s3cmd("sync", "-m", "text/x-test", "--storage-class=STANDARD_IA", "--add-header=Cache-Control:max-age=9",
                   "--server-side-encryption", "--acl-public", "--no-preserve", "src/", f"s3://{bucket}/o/")
    assert result.rc == 0, result.output
    head = s3.head_object(Bucket=bucket, Key="o/f.bin")
    assert head["ContentType"] == "text/x-test"
    assert head["StorageClass"] == "STANDARD_IA"
    assert head["CacheControl"] == "max-age=9"
    assert head["ServerSideEncryption"] == "AES256"
    assert head["Metadata"] == {"s3cmd-attrs": "md5:c4ca4238a0b923820dcc509a6f75849b"}  # --no-preserve: the md5 alone
    grants = s3.get_object_acl(Bucket=bucket, Key="o/f.bin")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)


def test_cache_file_is_written_and_reused(s3cmd: S3cmdRunner, bucket: str) -> None:
    _tree(s3cmd.home / "src", TREE)
    assert s3cmd("sync", "--cache-file", "md5.cache", "src/", f"s3://{bucket}/c/").rc == 0
    again = s3cmd("sync", "--cache-file", "md5.cache", "src/", f"s3://{bucket}/c/")
    assert again.rc == 0 and again.stdout == ""
    assert "s3cmd-modern-md5-cache" in (s3cmd.home / "md5.cache").read_text()


def test_follow_symlinks(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    src = _tree(s3cmd.home / "src", {"f": b"1"})
    _tree(s3cmd.home / "other", {"g": b"2"})
    os.symlink(s3cmd.home / "other" / "g", src / "link")
    skipped = s3cmd("sync", "src/", f"s3://{bucket}/l/")
    assert skipped.rc == 0
    assert "WARNING: Skipping over symbolic link: src/link" in skipped.stderr
    assert set(_keys(s3, bucket)) == {"l/f"}
    assert s3cmd("sync", "-F", "src/", f"s3://{bucket}/l/").rc == 0
    assert _keys(s3, bucket)["l/link"] == b"2"


def test_download_restores_mtime_and_mode_and_deletes(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    src = _tree(s3cmd.home / "src", {"a": b"1", "sub/b": b"22"})
    os.utime(src / "a", (1_500_000_000, 1_500_000_000))
    os.chmod(src / "a", 0o640)
    assert s3cmd("sync", "src/", f"s3://{bucket}/d/").rc == 0
    dn = _tree(s3cmd.home / "dn", {"extra": b"x"})
    result = s3cmd("sync", "--delete-removed", f"s3://{bucket}/d/", "dn/")
    assert result.rc == 0, result.output
    assert _lines(result.stdout) == [
        "delete: 'dn/extra'",
        f"download: 's3://{bucket}/d/a' -> 'dn/a' (SPEED) [1 of 2]",
        f"download: 's3://{bucket}/d/sub/b' -> 'dn/sub/b' (SPEED) [2 of 2]",
        "Done. Downloaded 3 bytes (TIME)",
    ]
    assert _files(dn) == {"a": b"1", "sub/b": b"22"}
    assert os.stat(dn / "a").st_mtime == 1_500_000_000
    assert os.stat(dn / "a").st_mode & 0o777 == 0o640
    again = s3cmd("sync", f"s3://{bucket}/d/", "dn/")
    assert again.rc == 0 and again.stdout == ""
    assert s3cmd("sync", f"s3://{bucket}/d", "dn2/").rc == 0
    assert _files(s3cmd.home / "dn2") == {"d/a": b"1", "d/sub/b": b"22"}
    assert not [p for p in (s3cmd.home).rglob("*") if "s3cmd-part" in p.name]


def test_delete_after_fetch(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="q/one", Body=b"1")
    result = s3cmd("sync", "--delete-after-fetch", f"s3://{bucket}/q/", "dn/")
    assert result.rc == 0, result.output
    assert _lines(result.stdout)[:2] == [f"download: 's3://{bucket}/q/one' -> 'dn/one' (SPEED) [1 of 1]",
                                         f"File 's3://{bucket}/q/one' removed after syncing"]  # s3cmd's line
    assert _files(s3cmd.home / "dn") == {"one": b"1"}
    assert _keys(s3, bucket) == {}


def test_remote_to_remote(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for key in ("da/m", "da/n/o", "dd/stale"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    result = s3cmd("sync", "--delete-removed", f"s3://{bucket}/da/", f"s3://{bucket}/dd/")
    assert result.rc == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Summary: 2 source files to copy, 1 files at destination to delete"
    assert lines[1] == f"delete: 's3://{bucket}/dd/stale'"
    assert lines[2] == f"remote copy: 's3://{bucket}/da/m' -> 's3://{bucket}/dd/m'  [1 of 2]"
    assert lines[3] == f"remote copy: 's3://{bucket}/da/n/o' -> 's3://{bucket}/dd/n/o'  [2 of 2]"
    assert _lines(lines[4]) == ["Done. Copied 2 files (TIME)"]
    assert _keys(s3, bucket, "dd/") == {"dd/m": b"da/m", "dd/n/o": b"da/n/o"}
    again = s3cmd("sync", f"s3://{bucket}/da/", f"s3://{bucket}/dd/")
    assert again.stdout.splitlines() == ["Summary: 0 source files to copy, 0 files at destination to delete"]


def test_remote_to_remote_copies_a_large_object_in_parts(  # type: ignore[no-untyped-def]
        s3cmd: S3cmdRunner, bucket: str, s3, moto_server: MotoServer, identities: dict[str, Identity]) -> None:
    """Above multipart_copy_chunk_size_mb sync copies in parts (UploadPartCopy), as cp does: CopyObject
    refuses sources over 5 GiB. The threshold is lowered to 5 MiB so that 11 MiB go in three parts."""
    from tests.conftest import write_config

    data = os.urandom(11 * 1024 * 1024)
    s3.put_object(Bucket=bucket, Key="big/v.bin", Body=data, ContentType="video/mp4", Metadata={"owner": "me"})
    config = write_config(s3cmd.home / "parts.cfg", moto_server, identities["admin"], multipart_copy_chunk_size_mb="5")
    result = s3cmd("sync", f"s3://{bucket}/big/", f"s3://{bucket}/copy/", config=config)
    assert result.rc == 0, result.output
    assert f"remote copy: 's3://{bucket}/big/v.bin' -> 's3://{bucket}/copy/v.bin'  [1 of 1]" in result.stdout
    head = s3.head_object(Bucket=bucket, Key="copy/v.bin")
    assert head["ETag"].strip('"').endswith("-3"), head["ETag"]  # assembled from parts, not one CopyObject
    # the source's ETag MD5 travels in s3cmd-attrs: the copy's "…-3" ETag is no MD5 to verify against
    md5 = hashlib.md5(data).hexdigest()
    assert (head["ContentType"], head["Metadata"]) == ("video/mp4", {"owner": "me", "s3cmd-attrs": f"md5:{md5}"})
    assert s3.get_object(Bucket=bucket, Key="copy/v.bin")["Body"].read() == data
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    again = s3cmd("sync", f"s3://{bucket}/big/", f"s3://{bucket}/copy/", config=config)
    assert again.stdout.splitlines() == ["Summary: 0 source files to copy, 0 files at destination to delete"]


def test_put_recursive_uses_the_sync_walk(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    """put -r sends in key order and prunes excluded directories, as s3cmd 2.4.0 does."""
    _tree(s3cmd.home / "pr", {"a-b/x": b"1", "a/b": b"2", "sub/g": b"3", "x/sub/h": b"4", "top": b"5"})
    result = s3cmd("put", "-r", "--exclude", "sub/", "pr/", f"s3://{bucket}/pr/")
    assert result.rc == 0, result.output
    assert _lines(result.stdout) == [
        f"upload: 'pr/a-b/x' -> 's3://{bucket}/pr/a-b/x' (SPEED) [1 of 3]",
        f"upload: 'pr/a/b' -> 's3://{bucket}/pr/a/b' (SPEED) [2 of 3]",
        f"upload: 'pr/top' -> 's3://{bucket}/pr/top' (SPEED) [3 of 3]",
    ]
    assert set(_keys(s3, bucket)) == {"pr/a-b/x", "pr/a/b", "pr/top"}


def test_get_recursive_runs_concurrently_in_order(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for number in range(12):
        s3.put_object(Bucket=bucket, Key=f"g/{number:02d}", Body=b"x" * number)
    result = s3cmd("get", "-r", "--parallel=4", f"s3://{bucket}/g/", "out/")
    assert result.rc == 0, result.output
    assert [line.split(" (")[0] for line in result.stdout.splitlines()] == [
        f"download: 's3://{bucket}/g/{n:02d}' -> 'out/{n:02d}'" for n in range(12)]
    assert _files(s3cmd.home / "out") == {f"{n:02d}": b"x" * n for n in range(12)}


def test_keep_dirs_sends_directories_as_folder_markers(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    kd = s3cmd.home / "kd"
    (kd / "empty").mkdir(parents=True)
    _tree(kd, {"full/f": b"1"})
    (kd / "full" / "inner").mkdir()
    result = s3cmd("sync", "--keep-dirs", "kd/", f"s3://{bucket}/kd/")
    assert result.rc == 0, result.output
    assert [line.split(" (")[0] for line in result.stdout.splitlines()[:-1]] == [
        f"upload: 'kd/empty' -> 's3://{bucket}/kd/empty/'",
        f"upload: 'kd/full' -> 's3://{bucket}/kd/full/'",
        f"upload: 'kd/full/f' -> 's3://{bucket}/kd/full/f'",
        f"upload: 'kd/full/inner' -> 's3://{bucket}/kd/full/inner/'",
    ]
    assert _keys(s3, bucket) == {"kd/empty/": b"", "kd/full/": b"", "kd/full/f": b"1", "kd/full/inner/": b""}
    again = s3cmd("sync", "--keep-dirs", "kd/", f"s3://{bucket}/kd/")
    assert again.rc == 0 and again.stdout == "", again.output
    dry = s3cmd("sync", "-n", f"s3://{bucket}/kd/", "dkd/")  # s3cmd's dry run: markers with their '/'
    assert dry.rc == 0 and dry.stdout.splitlines()[0] == f"download: 's3://{bucket}/kd/empty/' -> 'dkd/empty/'", \
        dry.output
    down = s3cmd("sync", f"s3://{bucket}/kd/", "dkd/")
    assert down.rc == 0, down.output
    assert (s3cmd.home / "dkd" / "empty").is_dir() and (s3cmd.home / "dkd" / "full" / "inner").is_dir()
    # as s3cmd 2.4.0: a marker whose folder is missing is a transfer of its own, numbered with the files
    assert _lines(down.stdout) == [
        f"mkdir: 's3://{bucket}/kd/empty/' -> 'dkd/empty/' [1 of 4]",
        f"mkdir: 's3://{bucket}/kd/full/' -> 'dkd/full/' [2 of 4]",
        f"download: 's3://{bucket}/kd/full/f' -> 'dkd/full/f' (SPEED) [3 of 4]",
        f"mkdir: 's3://{bucket}/kd/full/inner/' -> 'dkd/full/inner/' [4 of 4]",
        "Done. Downloaded 1 bytes (TIME)",
    ]
    (s3cmd.home / "dkd" / "full" / "inner").rmdir()
    again = s3cmd("sync", f"s3://{bucket}/kd/", "dkd/")  # the folders that are there are passed over
    assert again.rc == 0 and _lines(again.stdout) == [
        f"mkdir: 's3://{bucket}/kd/full/inner/' -> 'dkd/full/inner/' [1 of 1]"], again.output
    assert (s3cmd.home / "dkd" / "full" / "inner").is_dir()


def test_a_folders_own_marker_is_passed_over_with_s3cmds_warning(s3cmd: S3cmdRunner, bucket: str,
                                                                 s3) -> None:  # type: ignore[no-untyped-def]
    """'r/' listed under s3://b/r/ (the S3 console's "Create folder") names nothing below the URI:
    s3cmd 2.4.0 warns and goes on, in every direction, whether 'r/' is the source or the destination."""
    warning = "WARNING: Found empty root object name on S3, ignoring."
    for key, body in (("r/", b""), ("r/a", b"a")):
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    down = s3cmd("sync", f"s3://{bucket}/r/", "down/")
    assert down.rc == 0 and warning in down.stderr.splitlines(), down.output
    assert _lines(down.stdout)[0] == f"download: 's3://{bucket}/r/a' -> 'down/a' (SPEED) [1 of 1]"
    copied = s3cmd("sync", f"s3://{bucket}/r/", f"s3://{bucket}/copy/")
    assert copied.rc == 0 and warning in copied.stderr.splitlines(), copied.output
    _tree(s3cmd.home / "up", {"a": b"a", "b": b"b"})
    up = s3cmd("sync", "up/", f"s3://{bucket}/r/")
    assert up.rc == 0 and warning in up.stderr.splitlines(), up.output
    assert _keys(s3, bucket) == {"r/": b"", "r/a": b"a", "r/b": b"b", "copy/a": b"a"}


def test_verbose_names_the_listings_in_s3cmds_order(s3cmd: S3cmdRunner, bucket: str) -> None:
    """-v as s3cmd 2.4.0 prints it: a sync up compiles the local list before retrieving the remote
    one, a sync down the other way round, and S3→S3 retrieves the source's listing, then the
    destination's."""
    _tree(s3cmd.home / "v", {"a": b"a"})

    def listing_lines(*args: str) -> list[str]:
        result = s3cmd("sync", "-v", *args)
        assert result.rc == 0, result.output
        return [line for line in result.stderr.splitlines()
                if line.startswith(("INFO: Cache file", "INFO: Compiling", "INFO: Retrieving"))]

    assert listing_lines("v/", f"s3://{bucket}/v/") == [
        "INFO: Cache file not found or empty, creating/populating it.",
        "INFO: Compiling list of local files...",
        f"INFO: Retrieving list of remote files for s3://{bucket}/v/ ...",
    ]
    assert listing_lines(f"s3://{bucket}/v/", "vd/") == [
        f"INFO: Retrieving list of remote files for s3://{bucket}/v/ ...",
        "INFO: Cache file not found or empty, creating/populating it.",
        "INFO: Compiling list of local files...",
    ]
    assert listing_lines(f"s3://{bucket}/v/", f"s3://{bucket}/w/") == [
        f"INFO: Retrieving list of remote files for s3://{bucket}/v/ ...",
        f"INFO: Retrieving list of remote files for s3://{bucket}/w/ ...",
    ]


def test_new_files_go_first_then_the_updated_ones_as_s3cmd_numbers_them(s3cmd: S3cmdRunner, bucket: str,
                                                                          s3) -> None:  # type: ignore[no-untyped-def]
    """s3cmd 2.4.0 sends (and lists with -n) the new files in key order, then the updated ones, in
    every direction; --delay-updates, which asked for that, is obsolete there and here."""
    src = _tree(s3cmd.home / "src", {"a": b"1", "c": b"3", "gone": b"g"})
    assert s3cmd("sync", "src/", f"s3://{bucket}/u/").rc == 0
    assert s3cmd("sync", f"s3://{bucket}/u/", "down/").rc == 0
    (src / "gone").unlink()
    _tree(src, {"a": b"11", "b": b"2", "c": b"33", "d": b"4"})
    dry = s3cmd("sync", "-n", "--delete-removed", "src/", f"s3://{bucket}/u/")
    assert dry.rc == 0, dry.output
    assert dry.stdout.splitlines() == [f"upload: 'src/{n}' -> 's3://{bucket}/u/{n}'" for n in "bdac"] + [
        f"delete: 's3://{bucket}/u/gone'"]  # a sync up lists its deletions last
    result = s3cmd("sync", "--delay-updates", "src/", f"s3://{bucket}/u/")
    assert result.rc == 0, result.output
    assert "WARNING: `delay-updates` is obsolete." in result.stderr
    assert _lines(result.stdout)[:-1] == [
        f"upload: 'src/{n}' -> 's3://{bucket}/u/{n}' (SPEED) [{i} of 4]" for i, n in enumerate("bdac", start=1)]
    assert _keys(s3, bucket) == {"u/a": b"11", "u/b": b"2", "u/c": b"33", "u/d": b"4", "u/gone": b"g"}
    (s3cmd.home / "down" / "extra").write_bytes(b"x")
    dry_down = s3cmd("sync", "-n", "--delete-removed", f"s3://{bucket}/u/", "down/")
    assert dry_down.rc == 0, dry_down.output
    assert dry_down.stdout.splitlines() == ["delete: 'down/extra'"] + [  # the other directions: deletions first
        f"download: 's3://{bucket}/u/{n}' -> 'down/{n}'" for n in "bdac"]
    down = s3cmd("sync", f"s3://{bucket}/u/", "down/")
    assert down.rc == 0, down.output
    assert _lines(down.stdout)[:-1] == [
        f"download: 's3://{bucket}/u/{n}' -> 'down/{n}' (SPEED) [{i} of 4]" for i, n in enumerate("bdac", start=1)]


def test_multipart_objects_compare_by_the_md5_in_their_attrs(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    src = _tree(s3cmd.home / "src", {"big": os.urandom(6 * 1024 * 1024)})
    assert s3cmd("sync", "--multipart-chunk-size-mb=5", "src/", f"s3://{bucket}/m/").rc == 0
    assert "-" in s3.head_object(Bucket=bucket, Key="m/big")["ETag"]  # multipart: the ETag is no MD5
    again = s3cmd("sync", "--multipart-chunk-size-mb=5", "src/", f"s3://{bucket}/m/")
    assert again.rc == 0 and again.stdout == "", again.output
    data = bytearray((src / "big").read_bytes())
    data[0] ^= 1
    (src / "big").write_bytes(bytes(data))  # same size, other content: only the attrs' MD5 tells
    changed = s3cmd("sync", "--multipart-chunk-size-mb=5", "src/", f"s3://{bucket}/m/")
    assert changed.rc == 0 and "upload: 'src/big'" in changed.stdout, changed.output
    assert s3.get_object(Bucket=bucket, Key="m/big")["Body"].read() == bytes(data)


def test_stop_on_error_stops_at_the_first_failed_file(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    _tree(s3cmd.home / "src", {f"{n}": b"x" for n in range(5)})
    result = s3cmd("sync", "--stop-on-error", "--parallel=1", "--storage-class=NOSUCHCLASS", "src/",
                   f"s3://{bucket}/s/")
    assert result.rc == 11, result.output
    assert result.stderr.count("ERROR:") == 1, result.stderr
    assert _keys(s3, bucket) == {}


def test_one_file_is_compared_with_its_own_key_only(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0: syncing one file never deletes the other objects under the prefix."""
    s3.put_object(Bucket=bucket, Key="sf/other", Body=b"different\n")
    s3.put_object(Bucket=bucket, Key="sf/single-not", Body=b"x")
    (s3cmd.home / "single").write_bytes(b"one\n")
    result = s3cmd("sync", "--delete-removed", "single", f"s3://{bucket}/sf/")
    assert result.rc == 0, result.output
    assert _lines(result.stdout) == [f"upload: 'single' -> 's3://{bucket}/sf/single' (SPEED) [1 of 1]",
                                     "Done. Uploaded 4 bytes (TIME)"]
    named = s3cmd("sync", "--delete-removed", "single", f"s3://{bucket}/sf/renamed")
    assert named.rc == 0, named.output
    assert _keys(s3, bucket) == {"sf/other": b"different\n", "sf/single-not": b"x", "sf/single": b"one\n",
                                 "sf/renamed": b"one\n"}


def test_delete_removed_stays_within_what_the_source_names(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0: 'dir' (no slash) owns dest/dir/… only; 's3://b/p/c' owns local c… only."""
    s3.put_object(Bucket=bucket, Key="dd/other", Body=b"o")
    _tree(s3cmd.home / "dr", {"b": b"1"})
    up = s3cmd("sync", "--delete-removed", "dr", f"s3://{bucket}/dd/")
    assert up.rc == 0, up.output
    assert set(_keys(s3, bucket, "dd/")) == {"dd/other", "dd/dr/b"}
    s3.put_object(Bucket=bucket, Key="p/c", Body=b"c")
    dn = _tree(s3cmd.home / "dn", {"extra": b"e"})
    down = s3cmd("sync", "--delete-removed", f"s3://{bucket}/p/c", "dn/")
    assert down.rc == 0, down.output
    assert _files(dn) == {"c": b"c", "extra": b"e"}
    s3.put_object(Bucket=bucket, Key="q/keep", Body=b"k")
    across = s3cmd("sync", "--delete-removed", f"s3://{bucket}/p/c", f"s3://{bucket}/q/")
    assert across.rc == 0, across.output
    assert _keys(s3, bucket, "q/") == {"q/keep": b"k", "q/c": b"c"}
