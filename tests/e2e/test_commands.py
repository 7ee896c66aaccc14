"""The real s3cmd executable against a moto server that enforces IAM and signatures.

Expected lines are the ones upstream s3cmd 2.4.0 prints for the same operation
(checked side by side against the same server); the transfer rate is the only
part that varies between runs, so those lines are matched with a pattern.

One behaviour per test. Setup that several tests read without changing (an uploaded tree, a
bucket of 1,203 keys) is made once per module by a fixture. What needs no server (parsing,
argument checks, --help, --version, config errors, --dump-config) is tested in-process in
``tests/cli``.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Result, S3cmdRunner, default_sigint, new_runner, s3cmd_executable, write_config
from tests.servers import ForwardProxy, Identity, MotoServer

pytestmark = pytest.mark.e2e

DATE = r"\d{4}-\d\d-\d\d \d\d:\d\d"
RATE = r"\(\d+ bytes in \d+\.\d seconds, -?\d+\.\d\d [KMG]?B/s\)"


def lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture
def bucket(s3) -> str:  # type: ignore[no-untyped-def]
    """A new bucket, made with boto3 (conftest's makes it with a run of s3cmd mb, tested once below)."""
    name = f"b-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def test_mb_prints_created(s3cmd: S3cmdRunner) -> None:
    result = s3cmd("mb", "s3://created-bucket")
    assert (result.rc, result.stdout) == (0, "Bucket 's3://created-bucket/' created\n")


def test_ls_lists_buckets(s3cmd: S3cmdRunner, bucket: str) -> None:
    listing = s3cmd("ls")
    assert listing.rc == 0
    assert any(re.fullmatch(rf"{DATE}  s3://{bucket}", line) for line in lines(listing.stdout))


def test_rb_prints_removed(s3cmd: S3cmdRunner, bucket: str) -> None:
    removed = s3cmd("rb", f"s3://{bucket}")
    assert (removed.rc, removed.stdout) == (0, f"Bucket 's3://{bucket}/' removed\n")


# -- an uploaded tree, read by many tests: a.txt, dir/d/1.txt, dir/d/sub/2.txt ------------------

@dataclass(frozen=True)
class Tree:
    s3cmd: S3cmdRunner
    bucket: str
    put: Result  # put a.txt
    put_r: Result  # put -r d


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory, moto_server: MotoServer,
           identities: dict[str, Identity]) -> S3cmdRunner:
    """A runner shared by the module's read-only tests (each test uses local names of its own)."""
    return new_runner(tmp_path_factory.mktemp("shared") / "home", moto_server, identities["admin"])


@pytest.fixture(scope="module")
def tree(runner: S3cmdRunner) -> Tree:
    bucket = "tree-bucket"
    assert runner("mb", f"s3://{bucket}").rc == 0
    (runner.home / "a.txt").write_text("hello\n")
    sub = runner.home / "d" / "sub"
    sub.mkdir(parents=True)
    (runner.home / "d" / "1.txt").write_text("x\n")
    (sub / "2.txt").write_text("yy\n")
    return Tree(runner, bucket, runner("put", "a.txt", f"s3://{bucket}/"), runner("put", "-r", "d", f"s3://{bucket}/dir/"))


def test_put_prints_an_upload_line(tree: Tree) -> None:
    assert tree.put.rc == 0, tree.put.output
    assert re.fullmatch(rf"upload: 'a.txt' -> 's3://{tree.bucket}/a.txt' {RATE} \[1 of 1\]\n", tree.put.stdout)


def test_put_recursive_prints_a_numbered_line_per_file(tree: Tree) -> None:
    assert tree.put_r.rc == 0, tree.put_r.output
    assert re.fullmatch(
        rf"upload: 'd/1.txt' -> 's3://{tree.bucket}/dir/d/1.txt' {RATE} \[1 of 2\]\n"
        rf"upload: 'd/sub/2.txt' -> 's3://{tree.bucket}/dir/d/sub/2.txt' {RATE} \[2 of 2\]\n",
        tree.put_r.stdout,
    )


def test_ls_shows_prefixes_then_objects(tree: Tree, relaxed_auth: None) -> None:
    ls = tree.s3cmd("ls", f"s3://{tree.bucket}")
    assert ls.rc == 0
    assert lines(ls.stdout)[0] == f"                          DIR  s3://{tree.bucket}/dir/"
    assert re.fullmatch(rf"{DATE}            6  s3://{tree.bucket}/a.txt", lines(ls.stdout)[1])


def test_ls_long_adds_md5_and_storage_class(tree: Tree, relaxed_auth: None) -> None:
    long = tree.s3cmd("ls", "-l", f"s3://{tree.bucket}/dir/d/")
    assert lines(long.stdout)[0] == f"{'DIR':>29}{'':52}s3://{tree.bucket}/dir/d/sub/"
    assert re.fullmatch(
        rf"{DATE}            2  401b30e3b8b5d629635a5c613cdb7919     STANDARD     s3://{tree.bucket}/dir/d/1.txt",
        lines(long.stdout)[1],
    )


def test_ls_list_md5_adds_md5_only(tree: Tree, relaxed_auth: None) -> None:
    md5 = tree.s3cmd("ls", "--list-md5", f"s3://{tree.bucket}/dir/d/")
    assert re.fullmatch(rf"{DATE}            2  401b30e3b8b5d629635a5c613cdb7919     s3://{tree.bucket}/dir/d/1.txt",
                        lines(md5.stdout)[1])


def test_ls_human_readable_sizes(tree: Tree) -> None:
    human = tree.s3cmd("ls", "-H", "-r", f"s3://{tree.bucket}")
    assert re.fullmatch(rf"{DATE}     6   s3://{tree.bucket}/a.txt", lines(human.stdout)[0])


def test_du_totals_a_bucket(tree: Tree) -> None:
    assert tree.s3cmd("du", f"s3://{tree.bucket}").stdout == f"          11       3 objects s3://{tree.bucket}/\n"


def test_get_prints_a_download_line_and_writes_the_file(tree: Tree) -> None:
    get = tree.s3cmd("get", f"s3://{tree.bucket}/a.txt", "fetched.txt")
    assert get.rc == 0, get.output
    assert re.fullmatch(rf"download: 's3://{tree.bucket}/a.txt' -> 'fetched.txt' {RATE}\n", get.stdout)
    assert (tree.s3cmd.home / "fetched.txt").read_text() == "hello\n"


@pytest.fixture
def local_copy(tree: Tree, request: pytest.FixtureRequest) -> Path:
    """A local file, named after the test, that is already where a get would write a.txt."""
    path = tree.s3cmd.home / f"{request.node.name}.txt"
    path.write_text("local\n")
    return path


def test_get_refuses_to_overwrite_a_local_file(tree: Tree, local_copy: Path) -> None:
    again = tree.s3cmd("get", f"s3://{tree.bucket}/a.txt", local_copy.name)
    assert again.rc == 64
    assert again.stderr.strip() == (
        f"ERROR: Parameter problem: File '{local_copy.name}' already exists. "
        "Use either of --force / --continue / --skip-existing or give it a new name."
    )
    assert local_copy.read_text() == "local\n"


def test_get_force_overwrites(tree: Tree, local_copy: Path) -> None:
    assert tree.s3cmd("get", "--force", f"s3://{tree.bucket}/a.txt", local_copy.name).rc == 0
    assert local_copy.read_text() == "hello\n"


def test_get_skip_existing_keeps_the_local_file(tree: Tree, local_copy: Path) -> None:
    assert tree.s3cmd("get", "--skip-existing", f"s3://{tree.bucket}/a.txt", local_copy.name).rc == 0
    assert local_copy.read_text() == "local\n"


def test_get_to_stdout(tree: Tree) -> None:
    to_stdout = tree.s3cmd("get", f"s3://{tree.bucket}/a.txt", "-")
    assert (to_stdout.rc, to_stdout.stdout) == (0, "hello\n")
    # -r and wildcards: every object below or matched, one after the other in key order, as s3cmd
    recursive = tree.s3cmd("get", "-r", f"s3://{tree.bucket}/dir/", "-")
    assert (recursive.rc, recursive.stdout) == (0, "x\nyy\n"), recursive.output
    matched = tree.s3cmd("get", f"s3://{tree.bucket}/dir/d/*.txt", "-")
    assert (matched.rc, matched.stdout) == (0, "x\n"), matched.output


def test_get_recursive_recreates_the_tree(tree: Tree) -> None:
    tree_get = tree.s3cmd("get", "-r", f"s3://{tree.bucket}/dir/", "g/")
    assert tree_get.rc == 0, tree_get.output
    assert (tree.s3cmd.home / "g" / "d" / "1.txt").read_text() == "x\n"
    assert (tree.s3cmd.home / "g" / "d" / "sub" / "2.txt").read_text() == "yy\n"


def test_get_recursive_stops_at_the_first_file_it_may_not_replace(s3cmd: S3cmdRunner, bucket: str,
                                                                     s3) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0: the objects before it are fetched, the rest not (even with --parallel), exit 64;
    a dry run lists them all."""
    for name in ("a", "b", "c", "d"):
        s3.put_object(Bucket=bucket, Key=f"t/{name}", Body=name.encode())
    (s3cmd.home / "out").mkdir()
    (s3cmd.home / "out" / "b").write_bytes(b"mine")
    dry = s3cmd("get", "-r", "-n", f"s3://{bucket}/t/", "out/")
    assert dry.rc == 0 and dry.stdout.splitlines() == [
        f"download: 's3://{bucket}/t/{name}' -> 'out/{name}'" for name in "abcd"], dry.output
    run = s3cmd("get", "-r", "--parallel", "4", f"s3://{bucket}/t/", "out/")
    assert run.rc == 64, run.output
    assert [line.split(" (")[0] for line in run.stdout.splitlines()] == [f"download: 's3://{bucket}/t/a' -> 'out/a'"]
    assert run.stderr.splitlines() == ["ERROR: Parameter problem: File 'out/b' already exists. Use either of "
                                       "--force / --continue / --skip-existing or give it a new name."]
    assert sorted(p.name for p in (s3cmd.home / "out").iterdir()) == ["a", "b"]
    assert (s3cmd.home / "out" / "b").read_bytes() == b"mine"


def test_get_delete_after_fetch_removes_what_it_fetched(s3cmd: S3cmdRunner, bucket: str,
                                                         s3) -> None:  # type: ignore[no-untyped-def]
    """s3cmd's help says --delete-after-fetch is for get and sync: the object goes once it is safely
    here, with s3cmd's line; to stdout, that line goes to stderr, not into the data."""
    for name in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=f"q/{name}", Body=name.encode() * 3)
    one = s3cmd("get", "--delete-after-fetch", f"s3://{bucket}/q/a", "a.out")
    assert one.rc == 0, one.output
    assert re.fullmatch(rf"download: 's3://{bucket}/q/a' -> 'a.out' {RATE}\n"
                        rf"File 's3://{bucket}/q/a' removed after fetch\n", one.stdout), one.stdout
    assert (s3cmd.home / "a.out").read_bytes() == b"aaa"
    piped = s3cmd("get", "--delete-after-fetch", f"s3://{bucket}/q/b", "-")
    assert (piped.rc, piped.stdout) == (0, "bbb"), piped.output
    assert piped.stderr == f"File 's3://{bucket}/q/b' removed after fetch\n"
    assert keys(s3, bucket) == []
    missing = s3cmd("get", "--delete-after-fetch", f"s3://{bucket}/q/none", "none.out")
    assert missing.rc == 64 and not (s3cmd.home / "none.out").exists(), missing.output


def test_exclude_filters_apply_to_every_recursive_remote_command(s3cmd: S3cmdRunner, bucket: str,
                                                                  s3) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0 (side by side): --exclude/--include act on get, cp, mv, del and setacl -r too,
    matched on the key below the URI; a dry run names what is left out (``exclude: KEY``) first."""
    for key in ("f/a.txt", "f/b.tmp", "f/d/c.txt", "f/d/keep.tmp"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    flt = ["--exclude", "*.tmp", "--include", "d/keep*"]
    dry_get = s3cmd("get", "-r", "-n", *flt, f"s3://{bucket}/f/", "out/")
    assert dry_get.rc == 0 and dry_get.stdout.splitlines() == ["exclude: b.tmp"] + [
        f"download: 's3://{bucket}/f/{k}' -> 'out/{k}'" for k in ("a.txt", "d/c.txt", "d/keep.tmp")], dry_get.output
    got = s3cmd("get", "-r", *flt, f"s3://{bucket}/f/", "out/")
    assert got.rc == 0, got.output
    assert sorted(str(p.relative_to(s3cmd.home / "out")) for p in (s3cmd.home / "out").rglob("*") if p.is_file()) == [
        "a.txt", "d/c.txt", "d/keep.tmp"]
    dry_cp = s3cmd("cp", "-r", "-n", "--exclude", "d/*", f"s3://{bucket}/f/", f"s3://{bucket}/g/")
    assert dry_cp.stdout.splitlines() == ["exclude: d/c.txt", "exclude: d/keep.tmp"] + [
        f"copy: 's3://{bucket}/f/{k}' -> 's3://{bucket}/g/{k}'" for k in ("a.txt", "b.tmp")], dry_cp.output
    assert dry_cp.stderr == "WARNING: Exiting now because of --dry-run\n"
    moved = s3cmd("mv", "-r", "--exclude", "*.txt", f"s3://{bucket}/f/", f"s3://{bucket}/g/")
    assert moved.rc == 0, moved.output
    assert sorted(keys(s3, bucket)) == ["f/a.txt", "f/d/c.txt", "g/b.tmp", "g/d/keep.tmp"]
    dry_acl = s3cmd("setacl", "-r", "-n", "--acl-public", "--exclude", "c*", f"s3://{bucket}/f/")
    assert dry_acl.stdout.splitlines() == ["exclude: d/c.txt", f"setacl: 's3://{bucket}/f/a.txt'"], dry_acl.output
    dry_del = s3cmd("del", "-r", "-n", "--exclude", "a*", f"s3://{bucket}/f/")
    assert dry_del.stdout.splitlines() == [f"delete: 's3://{bucket}/f/d/c.txt'"], dry_del.output
    assert dry_del.stderr == "WARNING: Exiting now because of --dry-run\n"
    deleted = s3cmd("del", "-r", "--exclude", "a*", f"s3://{bucket}/f/")
    assert deleted.rc == 0 and sorted(keys(s3, bucket)) == ["f/a.txt", "g/b.tmp", "g/d/keep.tmp"], deleted.output
    one = s3cmd("del", "-n", f"s3://{bucket}/f/a.txt")  # s3cmd's dry run: no quotes here, then the warning
    assert (one.rc, one.stdout, one.stderr) == (
        0, f"delete: s3://{bucket}/f/a.txt\n", "WARNING: Exiting now because of --dry-run\n"), one.output


def test_put_acl_public_prints_the_public_url_after_each_upload(s3cmd: S3cmdRunner, bucket: str,
                                                                 s3) -> None:  # type: ignore[no-untyped-def]
    """s3cmd 2.4.0's line after each upload with -P: the address anyone may fetch it from (as info shows it)."""
    (s3cmd.home / "pub.txt").write_text("p\n")
    put = s3cmd("put", "-P", "pub.txt", f"s3://{bucket}/pub/pub.txt")
    assert put.rc == 0, put.output
    upload, public = put.stdout.splitlines()
    assert upload.startswith(f"upload: 'pub.txt' -> 's3://{bucket}/pub/pub.txt' ")
    info_url = [line.split("URL:", 1)[1].strip() for line in s3cmd("info", f"s3://{bucket}/pub/pub.txt").stdout.splitlines()
                if line.strip().startswith("URL:")]
    assert info_url and public == f"Public URL of the object is: {info_url[0]}"
    piped = s3cmd("put", "-P", "-", f"s3://{bucket}/pub/in.txt", input=b"x")
    assert piped.stdout.splitlines()[1] == f"Public URL of the object is: {info_url[0].replace('pub.txt', 'in.txt')}"


def test_a_copy_that_s3_refuses_fails_that_object_and_the_run_goes_on(s3cmd: S3cmdRunner, bucket: str,
                                                                        s3) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0: 'Copy failed for: SRC (the S3 error)', the other objects copied, exit 1 when all
    fail and 2 when some do; --stop-on-error stops at the first."""
    for name in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=f"c/{name}", Body=name.encode())
    nowhere = s3cmd("cp", f"s3://{bucket}/c/a", "s3://no-such-bucket-here/a")
    assert nowhere.rc == 1, nowhere.output
    assert nowhere.stderr.startswith(f"ERROR: Copy failed for: 's3://{bucket}/c/a' (404 (NoSuchBucket)")
    mixed = s3cmd("cp", f"s3://{bucket}/c/a", f"s3://{bucket}/c/none", f"s3://{bucket}/c/b", f"s3://{bucket}/d/")
    assert mixed.rc == 2 and "WARNING: Key not found" in mixed.stderr, mixed.output
    assert sorted(keys(s3, bucket)) == ["c/a", "c/b", "d/a", "d/b"]
    stopped = s3cmd("cp", "--stop-on-error", f"s3://{bucket}/c/0none", f"s3://{bucket}/c/a", f"s3://{bucket}/e/")
    assert stopped.rc == 12 and stopped.stdout == "", stopped.output
    assert not [k for k in keys(s3, bucket) if k.startswith("e/")]


def test_get_without_a_destination_writes_into_the_current_folder_named_dot_slash(
        s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for key in ("w/one", "w/sub/two"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    single = s3cmd("get", f"s3://{bucket}/w/one")
    assert re.fullmatch(rf"download: 's3://{bucket}/w/one' -> './one' {RATE}\n", single.stdout), single.output
    tree = s3cmd("get", "-r", "--force", f"s3://{bucket}/w/")
    assert [line.split(" (")[0] for line in tree.stdout.splitlines()] == [
        f"download: 's3://{bucket}/w/one' -> './one'", f"download: 's3://{bucket}/w/sub/two' -> './sub/two'"]
    assert (s3cmd.home / "sub" / "two").read_bytes() == b"x"


def test_wildcards_in_an_object_name_act_on_every_object_they_match(s3cmd: S3cmdRunner, bucket: str,
                                                                     s3) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0 (side by side): '*' and '?' in a name given without -r match keys (one level,
    unless the pattern goes on past a '/'); a name that matches nothing does nothing. Before, the
    name was taken literally: 'del s3://b/tmp/*' deleted no object and said it had, exit 0."""
    for key in ("w/a.txt", "w/b.tmp", "w/d/c.txt", "w/e.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    got = s3cmd("get", f"s3://{bucket}/w/?.txt", "out/")
    assert got.rc == 0, got.output
    assert sorted(p.name for p in (s3cmd.home / "out").iterdir()) == ["a.txt", "e.txt"]
    one = s3cmd("get", f"s3://{bucket}/w/*/c.txt", "c-only.txt")  # past a '/': a deeper listing, one file named
    assert one.rc == 0 and (s3cmd.home / "c-only.txt").read_bytes() == b"w/d/c.txt", one.output
    copied = s3cmd("cp", f"s3://{bucket}/w/*.t?t", f"s3://{bucket}/copies/")
    assert copied.rc == 0, copied.output
    dry = s3cmd("del", "-n", f"s3://{bucket}/w/*")
    assert dry.stdout.splitlines() == [f"delete: s3://{bucket}/w/{k}" for k in ("a.txt", "b.tmp", "e.txt")], dry.output
    deleted = s3cmd("del", f"s3://{bucket}/w/*.tmp", f"s3://{bucket}/w/nothing*")
    assert (deleted.rc, deleted.stdout) == (0, f"delete: 's3://{bucket}/w/b.tmp'\n"), deleted.output
    assert sorted(keys(s3, bucket)) == ["copies/a.txt", "copies/e.txt", "w/a.txt", "w/d/c.txt", "w/e.txt"]


def test_a_folder_made_by_the_s3_console_is_fetched_without_a_failure(s3cmd: S3cmdRunner, bucket: str,
                                                                        s3) -> None:  # type: ignore[no-untyped-def]
    """The console's 'Create folder' stores a key 'dir/': s3cmd 2.4.0 passes over it with a warning
    (exit 0); ours counted it as a file it could not name (exit 2). del -r deletes it with the rest."""
    for key, body in (("cf/", b""), ("cf/x", b"x"), ("cf/sub/", b"")):
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    (s3cmd.home / "cfout").mkdir()
    got = s3cmd("get", "-r", f"s3://{bucket}/cf/", "cfout/")
    assert got.rc == 0, got.output
    assert got.stderr == "WARNING: Found empty root object name on S3, ignoring.\n"
    assert (s3cmd.home / "cfout" / "x").read_bytes() == b"x" and (s3cmd.home / "cfout" / "sub").is_dir()
    gone = s3cmd("del", "-r", f"s3://{bucket}/cf/")
    assert gone.rc == 0 and keys(s3, bucket) == [], gone.output


# -- remote copies, moves and deletes: each test on objects of its own --------------------------

def keys(s3, bucket: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_put_from_stdin(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    put = s3cmd("put", "-", f"s3://{bucket}/stream.txt", input=b"streamed\n")
    assert put.rc == 0, put.output
    assert re.fullmatch(rf"upload: '<stdin>' -> 's3://{bucket}/stream.txt' {RATE} \[1 of 1\]\n", put.stdout)
    assert s3.get_object(Bucket=bucket, Key="stream.txt")["Body"].read() == b"streamed\n"


def test_cp_copies_a_remote_object(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    cp = s3cmd("cp", f"s3://{bucket}/a.txt", f"s3://{bucket}/b.txt")
    assert cp.stdout == f"remote copy: 's3://{bucket}/a.txt' -> 's3://{bucket}/b.txt'  [1 of 1]\n"
    assert keys(s3, bucket) == ["a.txt", "b.txt"]


def test_mv_moves_a_remote_object(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="b.txt", Body=b"b")
    mv = s3cmd("mv", f"s3://{bucket}/b.txt", f"s3://{bucket}/c.txt")
    assert mv.stdout == f"move: 's3://{bucket}/b.txt' -> 's3://{bucket}/c.txt'  [1 of 1]\n"
    assert keys(s3, bucket) == ["c.txt"]


def test_modify_adds_metadata_that_info_shows(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="c.txt", Body=b"streamed\n")
    modify = s3cmd("modify", "--add-header=x-amz-meta-foo:bar", f"s3://{bucket}/c.txt")
    assert modify.stdout == f"modify: 's3://{bucket}/c.txt'  [1 of 1]\n"
    info = s3cmd("info", f"s3://{bucket}/c.txt")
    assert info.rc == 0
    assert lines(info.stdout)[:2] == [f"s3://{bucket}/c.txt (object):", "   File size: 9"]
    assert "   x-amz-meta-foo: bar" in lines(info.stdout)


def test_del_removes_an_object(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="c.txt", Body=b"c")
    delete = s3cmd("del", f"s3://{bucket}/c.txt")
    assert (delete.rc, delete.stdout) == (0, f"delete: 's3://{bucket}/c.txt'\n")
    assert keys(s3, bucket) == []


def test_bucket_info_starts_with_its_location(s3cmd: S3cmdRunner, bucket: str) -> None:
    info = s3cmd("info", f"s3://{bucket}")
    assert info.rc == 0
    assert lines(info.stdout)[:2] == [f"s3://{bucket}/ (bucket):", "   Location:  us-east-1"]


def test_signurl_prints_a_presigned_url_for_the_endpoint(s3cmd: S3cmdRunner, bucket: str) -> None:
    url = s3cmd("signurl", f"s3://{bucket}/obj", "+600")
    assert url.rc == 0
    assert url.stdout.startswith(f"http://127.0.0.1:{s3cmd.config.read_text().split('127.0.0.1:')[1].split()[0]}/{bucket}/obj?")
    assert "X-Amz-Expires=600" in url.stdout and "X-Amz-Signature=" in url.stdout


# -- exit codes (the server's answers; what needs no server is in tests/cli) ---------------------

def test_ls_of_a_missing_bucket_exits_12(s3cmd: S3cmdRunner) -> None:
    missing = s3cmd("ls", "-r", "s3://no-such-bucket-here")
    assert missing.rc == 12
    assert missing.stderr.strip().endswith("S3 error: 404 (NoSuchBucket): The specified bucket does not exist")


def test_rb_of_a_bucket_with_objects_exits_13(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    not_empty = s3cmd("rb", f"s3://{bucket}")
    assert not_empty.rc == 13
    assert "409 (BucketNotEmpty)" in not_empty.stderr


def test_rb_recursive_force_empties_the_bucket_first(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    emptied = s3cmd("rb", "-r", "--force", f"s3://{bucket}")
    assert emptied.rc == 0, emptied.output
    assert emptied.stdout.splitlines()[-1] == f"Bucket 's3://{bucket}/' removed"


def test_get_of_a_missing_object_exits_64_and_writes_nothing(s3cmd: S3cmdRunner, bucket: str) -> None:
    get_missing = s3cmd("get", f"s3://{bucket}/nope.txt", "nope.txt")
    assert get_missing.rc == 64
    assert get_missing.stderr.strip() == f"ERROR: Parameter problem: Source object 's3://{bucket}/nope.txt' does not exist."
    assert not list(s3cmd.home.glob("*nope*"))
    for target in ("nope.txt", "-"):  # s3cmd 2.4.0 says the same of an object in a missing bucket
        no_bucket = s3cmd("get", f"s3://{bucket}-gone/nope.txt", target)
        assert (no_bucket.rc, no_bucket.stdout) == (64, ""), no_bucket.output
        assert no_bucket.stderr == (f"ERROR: Parameter problem: Source object 's3://{bucket}-gone/nope.txt' "
                                    "does not exist.\n")
    assert not list(s3cmd.home.glob("*nope*"))


def test_wrong_secret_exits_77_without_echoing_it(s3cmd: S3cmdRunner, bucket: str) -> None:
    wrong = s3cmd("--secret_key=not-the-secret", "ls")
    assert wrong.rc == 77
    assert "403 (SignatureDoesNotMatch)" in wrong.stderr
    assert "not-the-secret" not in wrong.output


def test_access_denied_exits_77(s3cmd: S3cmdRunner, moto_server, identities, bucket: str) -> None:  # type: ignore[no-untyped-def]
    # ls -r: no delimiter in the query, so moto checks the signature (see relaxed_auth)
    limited_cfg = write_config(s3cmd.home / "limited.cfg", moto_server, identities["limited"])
    denied = s3cmd("ls", "-r", f"s3://{bucket}", config=limited_cfg)
    assert denied.rc == 77
    assert "403 (AccessDenied)" in denied.stderr


def test_missing_local_file_fails_only_that_file(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    (s3cmd.home / "good.txt").write_text("good")
    result = s3cmd("put", "missing.txt", "good.txt", f"s3://{bucket}/up/")
    assert result.rc == 2
    assert "ERROR: File 'missing.txt' does not exist" in result.stderr
    assert keys(s3, bucket) == ["up/good.txt"]


@pytest.mark.parametrize(("args", "shown"), [
    (("put", "a.txt", "s3://{bucket}/a.txt"), "DEBUG:"),
    (("ls", "-r", "s3://{bucket}"), "DEBUG:"),
    (("--access_token", "FQoGZXIvYXdzEXAMPLETOKENVALUE", "ls"), "DEBUG:"),  # rejected token: the error path
    (("--dump-config",), "secret_key = ********"),
], ids=["put", "ls", "rejected-token", "dump-config"])
def test_debug_output_never_shows_secrets(s3cmd: S3cmdRunner, bucket: str, args: tuple[str, ...], shown: str) -> None:
    # the runner fails any run that prints a secret it could know (config, argv, environment)
    (s3cmd.home / "a.txt").write_text("a")
    run = s3cmd("-d", *(arg.format(bucket=bucket) for arg in args))
    assert shown in run.output


def test_large_file_multipart_roundtrip_bounded_memory(s3cmd: S3cmdRunner, bucket: str) -> None:
    size = 100 * 1024 * 1024
    source = s3cmd.home / "big.bin"
    block = os.urandom(1024 * 1024)
    digest = hashlib.md5()
    with open(source, "wb") as out:
        for i in range(size // len(block)):
            chunk = bytes([i % 251]) + block[1:]
            out.write(chunk)
            digest.update(chunk)

    def peak_rss_kib(*args: str) -> tuple[int, int]:
        probe = (
            "import resource, subprocess, sys; "
            "rc = subprocess.run(sys.argv[1:]).returncode; "
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        argv = ["python3", "-c", probe, *s3cmd_executable(), "-c", str(s3cmd.config), *args]
        out = subprocess.run(argv, env=s3cmd.base_env, cwd=s3cmd.home, capture_output=True, text=True, timeout=300)
        rc, rss = out.stdout.split()[-2:]
        s3cmd.guard(args, stdout=out.stdout, stderr=out.stderr, rc=int(rc))
        return int(rc), int(rss)

    rc, put_rss = peak_rss_kib("--multipart-chunk-size-mb=5", "--parallel=2", "put", "big.bin", f"s3://{bucket}/big.bin")
    assert rc == 0
    listing = s3cmd("ls", "-r", "-l", f"s3://{bucket}/big.bin")
    assert re.search(r"-20\s", listing.stdout), listing.stdout  # 20 parts of 5 MiB
    rc, get_rss = peak_rss_kib("get", f"s3://{bucket}/big.bin", "big.out")
    assert rc == 0
    got = hashlib.md5((s3cmd.home / "big.out").read_bytes()).hexdigest()
    assert got == digest.hexdigest()
    # The file is 100 MiB; a process holding it whole would need far more than this.
    assert put_rss < 90 * 1024, f"put peak RSS {put_rss} KiB"
    assert get_rss < 90 * 1024, f"get peak RSS {get_rss} KiB"


@pytest.mark.parametrize(("sig", "rc"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_get_leaves_no_partial_file(s3cmd: S3cmdRunner, bucket: str, sig: int, rc: int) -> None:
    """Ctrl-C, or SIGTERM from Kubernetes stopping the pod: no partial file is left behind."""
    big = s3cmd.home / "slow.bin"
    big.write_bytes(os.urandom(30 * 1024 * 1024))
    assert s3cmd("put", "slow.bin", f"s3://{bucket}/slow.bin").rc == 0
    big.unlink()
    args = ("--limit-rate=1m", "get", f"s3://{bucket}/slow.bin", "dest.bin")
    proc = subprocess.Popen([*s3cmd_executable(), "-c", str(s3cmd.config), *args], env=s3cmd.base_env,
                            cwd=s3cmd.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(Path(s3cmd.home).glob(".dest.bin.*")):
        time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    s3cmd.guard(args, stdout=out, stderr=err, rc=proc.returncode)
    assert proc.returncode == rc, err
    assert not (s3cmd.home / "dest.bin").exists()
    assert not list(s3cmd.home.glob(".dest.bin.*"))
    assert b"Traceback" not in err and err.strip().count(b"\n") == 0


# -- dry run, quiet, filters, la, --max-delete ------------------------------------------------------

@pytest.fixture
def src(s3cmd: S3cmdRunner) -> Path:
    src = s3cmd.home / "src"
    src.mkdir()
    for name in ("keep.txt", "skip.log", "also.txt"):
        (src / name).write_text(name)
    return src


def test_put_dry_run_prints_and_sends_nothing(s3cmd: S3cmdRunner, bucket: str, src: Path, s3) -> None:  # type: ignore[no-untyped-def]
    dry = s3cmd("put", "-r", "--dry-run", "src/", f"s3://{bucket}/")
    assert dry.rc == 0 and "upload: 'src/keep.txt' -> " in dry.stdout
    assert keys(s3, bucket) == []


def test_quiet_put_prints_nothing(s3cmd: S3cmdRunner, bucket: str, src: Path, s3) -> None:  # type: ignore[no-untyped-def]
    quiet = s3cmd("-q", "put", "-r", "src/", f"s3://{bucket}/")
    assert (quiet.rc, quiet.stdout) == (0, "")
    assert len(keys(s3, bucket)) == 3


def test_put_exclude_skips_matching_files(s3cmd: S3cmdRunner, bucket: str, src: Path, s3) -> None:  # type: ignore[no-untyped-def]
    assert s3cmd("put", "-r", "--exclude=*.log", "src/", f"s3://{bucket}/").rc == 0
    assert keys(s3, bucket) == ["also.txt", "keep.txt"]


def test_la_lists_the_objects_of_every_bucket(s3cmd: S3cmdRunner, bucket: str, s3, relaxed_auth: None) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="keep.txt", Body=b"k")
    everything = s3cmd("la")
    assert everything.rc == 0 and f"s3://{bucket}/keep.txt" in everything.stdout


def test_max_delete_refuses_more_and_deletes_none(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for name in ("a.txt", "b.txt"):
        s3.put_object(Bucket=bucket, Key=name, Body=b"x")
    capped = s3cmd("del", "-r", "--force", "--max-delete=1", f"s3://{bucket}/")
    assert capped.rc == 2 and "none performed" in capped.stderr
    assert keys(s3, bucket) == ["a.txt", "b.txt"]


def test_configure_writes_a_private_file_that_works(s3cmd: S3cmdRunner, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    target = s3cmd.home / "new.cfg"
    host = moto_server.url.split("//", 1)[1]
    answers = "\n".join([identities["admin"].access_key, identities["admin"].secret_key, "us-east-1", host, host,
                         "False", "", "y", "y"]) + "\n"
    done = s3cmd("--configure", config=target, input=answers.encode())
    assert done.rc == 0, done.output
    assert "Success" in done.stdout
    assert target.stat().st_mode & 0o777 == 0o600
    listed = s3cmd("ls", config=target)
    assert listed.rc == 0, listed.output


def test_version_from_the_installed_executable(s3cmd: S3cmdRunner) -> None:
    version = s3cmd("--version")
    assert version.rc == 0 and version.stdout.startswith("s3cmd version ")


def test_upload_options_reach_the_object(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "page.html").write_text("<p>hi</p>")
    put = s3cmd("put", "-m", "text/x-custom", "--acl-public", "--storage-class=STANDARD_IA",
                "--server-side-encryption", "--add-header=Cache-Control:max-age=60",
                "page.html", f"s3://{bucket}/page.html")
    assert put.rc == 0, put.output
    info = lines(s3cmd("info", f"s3://{bucket}/page.html").stdout)
    assert "   MIME type: text/x-custom" in info
    assert "   Storage:   STANDARD_IA" in info
    assert "   SSE:       AES256" in info
    assert "   ACL:       *anon*: READ" in info


def test_mime_type_is_guessed_from_the_name(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    (s3cmd.home / "page.html").write_text("<p>hi</p>")
    assert s3cmd("put", "page.html", f"s3://{bucket}/guessed.html").rc == 0
    assert s3.head_object(Bucket=bucket, Key="guessed.html")["ContentType"] == "text/html"


def test_put_skip_existing_leaves_the_remote_object(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="blob", Body=b"remote")
    (s3cmd.home / "blob").write_bytes(b"changed locally")
    skipped = s3cmd("put", "--skip-existing", "blob", f"s3://{bucket}/blob")
    assert (skipped.rc, skipped.stdout) == (0, "")
    assert s3.get_object(Bucket=bucket, Key="blob")["Body"].read() == b"remote"


def test_get_continue_completes_a_partial_file(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(300_000)
    s3.put_object(Bucket=bucket, Key="blob", Body=data)
    (s3cmd.home / "partial").write_bytes(data[:100_000])
    resumed = s3cmd("get", "--continue", f"s3://{bucket}/blob", "partial")
    assert resumed.rc == 0, resumed.output
    assert (s3cmd.home / "partial").read_bytes() == data


@pytest.fixture
def proxy():  # type: ignore[no-untyped-def]
    server = ForwardProxy()
    yield server
    server.stop()


def test_proxy_from_the_config_file(s3cmd: S3cmdRunner, bucket: str, moto_server, identities, proxy) -> None:  # type: ignore[no-untyped-def]
    proxied = write_config(s3cmd.home / "proxied.cfg", moto_server, identities["admin"],
                           proxy_host="127.0.0.1", proxy_port=str(proxy.port))
    via_config = s3cmd("ls", "-r", f"s3://{bucket}", config=proxied)
    assert via_config.rc == 0, via_config.output
    assert any(f"/{bucket}/" in target for target in proxy.targets)


def test_proxy_from_the_environment(s3cmd: S3cmdRunner, bucket: str, proxy) -> None:  # type: ignore[no-untyped-def]
    via_env = s3cmd("ls", "-r", f"s3://{bucket}", env={"HTTP_PROXY": proxy.url, "NO_PROXY": ""})
    assert via_env.rc == 0 and any(f"/{bucket}/" in target for target in proxy.targets)


def test_no_proxy_bypasses_the_proxy(s3cmd: S3cmdRunner, bucket: str, proxy) -> None:  # type: ignore[no-untyped-def]
    bypass = s3cmd("ls", "-r", f"s3://{bucket}", env={"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"})
    assert bypass.rc == 0 and proxy.targets == []


def test_progress_meter_on_request(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "a.txt").write_text("progress")
    progress = s3cmd("--progress", "put", "a.txt", f"s3://{bucket}/p.txt")
    assert progress.rc == 0
    first, rest = progress.stdout.split("\n", 1)
    assert first == f"upload: 'a.txt' -> 's3://{bucket}/p.txt'  [1 of 1]"
    assert rest.rstrip().endswith("done") and "8 of 8" in rest


@pytest.fixture
def skipped_get(s3cmd: S3cmdRunner, bucket: str, s3) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """A get that skips an existing local file: it says why only at INFO level."""
    s3.put_object(Bucket=bucket, Key="p.txt", Body=b"p")
    (s3cmd.home / "a.txt").write_text("local")
    return ("get", "--skip-existing", f"s3://{bucket}/p.txt", "a.txt")


def test_verbose_shows_info_lines(s3cmd: S3cmdRunner, skipped_get: tuple[str, ...]) -> None:
    verbose = s3cmd("-v", *skipped_get)
    assert verbose.rc == 0 and "INFO: Skipping over existing file: 'a.txt'" in verbose.stderr


def test_info_lines_are_hidden_by_default(s3cmd: S3cmdRunner, skipped_get: tuple[str, ...]) -> None:
    quiet_default = s3cmd(*skipped_get)
    assert (quiet_default.rc, quiet_default.stderr) == (0, "")


def test_terminated_multipart_upload_is_aborted(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    (s3cmd.home / "big.bin").write_bytes(os.urandom(30 * 1024 * 1024))
    args = ("--limit-rate=2m", "--multipart-chunk-size-mb=5", "--parallel=1", "put", "big.bin", f"s3://{bucket}/big.bin")
    proc = subprocess.Popen([*s3cmd_executable(), "-c", str(s3cmd.config), *args],
                            env=s3cmd.base_env, cwd=s3cmd.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    s3 = moto_server.client("s3", identities["admin"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"):
        time.sleep(0.1)
    time.sleep(1.0)  # let a part or two go up
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    s3cmd.guard(args, stdout=out, stderr=err, rc=proc.returncode)
    assert proc.returncode == 143, err
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"), "the multipart upload was not aborted"
    assert "Contents" not in s3.list_objects(Bucket=bucket)


def test_bucket_info_lines_match_upstream(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}]})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [
        {"ObjectOwnership": "BucketOwnerEnforced"}]})
    info = s3cmd("info", f"s3://{bucket}")
    assert info.rc == 0, info.output
    # the lines s3cmd 2.4.0 prints for the same bucket on the same server
    assert lines(info.stdout)[:9] == [
        f"s3://{bucket}/ (bucket):",
        "   Location:  us-east-1",
        "   Payer:     none",
        "   Ownership: BucketOwnerEnforced",
        "   Versioning:Enabled",
        "   Expiration Rule: objects with key prefix 'logs/' will expire in '30' day(s) after creation",
        "   Block Public Access: BlockPublicAcls,IgnorePublicAcls",
        "   Policy:    none",
        "   CORS:      none",
    ]


@pytest.mark.parametrize("command", [
    ("cp", "s3://{bucket}/nope", "s3://{bucket}/x"),
    ("mv", "s3://{bucket}/nope", "s3://{bucket}/x"),
    ("modify", "s3://{bucket}/nope"),
], ids=["cp", "mv", "modify"])
def test_missing_source_warns_and_exits_12(s3cmd: S3cmdRunner, bucket: str, command: tuple[str, ...]) -> None:
    run = s3cmd(*(arg.format(bucket=bucket) for arg in command))
    assert (run.rc, run.stdout, run.stderr) == (12, "", f"WARNING: Key not found s3://{bucket}/nope\n")


@pytest.mark.parametrize("command", [
    ("cp", "s3://{missing}/k", "s3://{bucket}/x"),
    ("mv", "s3://{missing}/k", "s3://{bucket}/x"),
    ("modify", "s3://{missing}/k"),
], ids=["cp", "mv", "modify"])
def test_source_in_a_missing_bucket_is_a_failed_copy_exit_1(s3cmd: S3cmdRunner, bucket: str,
                                                             command: tuple[str, ...]) -> None:
    """HEAD says 404 alike for a missing key and a missing bucket; s3cmd 2.4.0 names the bucket."""
    missing = f"{bucket}-gone"
    run = s3cmd(*(arg.format(bucket=bucket, missing=missing) for arg in command))
    assert (run.rc, run.stdout, run.stderr) == (1, "", f"ERROR: Copy failed for: 's3://{missing}/k' "
                                                       "(404 (NoSuchBucket): The specified bucket does not exist)\n")


@pytest.mark.parametrize("command", [("setacl", "-P"), ("modify", "--add-header=x-amz-meta-a:b")],
                         ids=["setacl", "modify"])
def test_a_prefix_without_recursive_is_a_usage_error(s3cmd: S3cmdRunner, bucket: str, s3,  # type: ignore[no-untyped-def]
                                                     command: tuple[str, str]) -> None:
    s3.put_object(Bucket=bucket, Key="p/a", Body=b"a")
    run = s3cmd(*command, f"s3://{bucket}/p/")
    assert (run.rc, run.stdout, run.stderr) == (
        64, "", f"ERROR: Parameter problem: Expecting S3 URI with a filename or --recursive: s3://{bucket}/p/\n")


def test_cp_of_a_missing_and_a_present_source_copies_the_present_one(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    mixed = s3cmd("cp", f"s3://{bucket}/nope", f"s3://{bucket}/a.txt", f"s3://{bucket}/y/")
    # s3cmd 2.4.0's lines: sources in destination-name order, the missing one still counted in "of 2"
    assert mixed.rc == 2 and mixed.stdout == f"remote copy: 's3://{bucket}/a.txt' -> 's3://{bucket}/y/a.txt'  [1 of 2]\n"
    assert mixed.stderr == f"WARNING: Key not found s3://{bucket}/nope\n"


def test_info_of_a_missing_object_exits_12(s3cmd: S3cmdRunner, bucket: str) -> None:
    info = s3cmd("info", f"s3://{bucket}/nope")
    assert (info.rc, info.stderr) == (12, "ERROR: S3 error: 404 (NoSuchKey): The specified key does not exist.\n")


# -- past one page of a listing (1,203 keys, made once) -----------------------------------------

@pytest.fixture(scope="module")
def many(runner: S3cmdRunner, moto_server: MotoServer, identities: dict[str, Identity]) -> tuple[str, list[str]]:
    bucket = "many-keys-bucket"
    s3 = moto_server.client("s3", identities["admin"])
    s3.create_bucket(Bucket=bucket)
    names = [f"many/{i:05d}.txt" for i in range(1203)]
    for key in names:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    return bucket, names


def test_ls_recursive_lists_past_one_page(runner: S3cmdRunner, many: tuple[str, list[str]]) -> None:
    bucket, names = many
    listing = runner("ls", "-r", f"s3://{bucket}")
    assert listing.rc == 0
    assert [line.rsplit("  ", 1)[1] for line in lines(listing.stdout)] == [f"s3://{bucket}/{k}" for k in names]


def test_du_counts_past_one_page(runner: S3cmdRunner, many: tuple[str, list[str]]) -> None:
    bucket, _ = many
    assert runner("du", f"s3://{bucket}").stdout == f"        1203    1203 objects s3://{bucket}/\n"


def test_rm_recursive_deletes_past_one_page(runner: S3cmdRunner, many: tuple[str, list[str]], s3) -> None:  # type: ignore[no-untyped-def]
    # Last of the module's tests on `many` (pytest keeps file order): it empties the bucket.
    bucket, names = many
    removed = runner("rm", "-r", "--force", f"s3://{bucket}")
    assert removed.rc == 0
    assert len(lines(removed.stdout)) == 1203 and lines(removed.stdout)[-1] == f"delete: 's3://{bucket}/{names[-1]}'"
    assert s3.list_objects(Bucket=bucket).get("Contents") is None


def test_verbose_del_and_get_r_say_what_s3cmd_says(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for key, body in (("v/a", b"aa"), ("v/b", b"bbb"), ("w/c", b"c")):
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    got = s3cmd("get", "-v", "-r", f"s3://{bucket}/v/", "out/")
    assert got.rc == 0 and f"INFO: Retrieving list of remote files for s3://{bucket}/v/ ..." in got.stderr, got.output
    one = s3cmd("del", "-v", f"s3://{bucket}/w/c")
    assert one.rc == 0 and "INFO: Summary: 1 remote files to delete" in one.stderr.splitlines(), one.output
    many = s3cmd("del", "-v", "-r", f"s3://{bucket}/v/")
    assert many.rc == 0 and f"INFO: Deleted 2 objects (5) from s3://{bucket}/v/" in many.stderr.splitlines(), many.output
