"""Hostile keys end to end: the real ``s3cmd`` against a server that keeps every key distinct.

``get -r`` must never write outside its destination, nor mix two objects' bytes, and
must say which keys it skipped; keys with dot segments must reach the server exactly
as given (put, get, info, del, cp/mv, ls, signurl, and through a proxy).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import S3cmdRunner, write_config
from tests.keystore_server import KeyStore, serve_keystore
from tests.servers import Identity

BUCKET = "bkt"


@pytest.fixture
def keystore() -> Iterator[tuple[str, KeyStore]]:
    with serve_keystore() as (url, store):
        store.buckets[BUCKET] = {}
        yield url, store


def _runner(home: Path, url: str, **extra: str) -> S3cmdRunner:
    home.mkdir(parents=True, exist_ok=True)
    config = write_config(home / ".s3cfg", SimpleNamespace(url=url), Identity("t", "AKIDTEST", "secret"),  # type: ignore[arg-type]
                          **extra)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    env.update({"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", "TZ": "UTC",
                "HTTP_PROXY": "", "HTTPS_PROXY": "", "http_proxy": "", "https_proxy": ""})
    return S3cmdRunner(home=home, config=config, base_env=env)


def _snapshot(top: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under ``top``; symlinks are not followed."""
    found: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs:
            found[os.path.join(folder, name)] = None
        for name in files:
            path = os.path.join(folder, name)
            found[path] = Path(path).read_bytes()
    return found


def test_get_recursive_keeps_hostile_keys_inside_the_destination(tmp_path: Path, keystore: tuple[str, KeyStore]) -> None:
    url, store = keystore
    home = tmp_path / "outer" / "inner" / "home"
    s3cmd = _runner(home, url)
    absolute = str(tmp_path / "abs" / "x")  # an absolute key that points into the watched tree
    normal = ["ok.txt", "a/b.txt", "p/x.txt", "deep/er/f.bin", "dots..txt", ".hidden", "clash"]
    hostile = ["../x", "a/../../x", "../../../x", absolute, "a//b.txt", "./c", "a/./d", "p/./x.txt",
               "withcontent/", "clash/inner"]
    for number, key in enumerate(normal + hostile):
        store.buckets[BUCKET][key] = f"object {number}: {key!r}\n".encode() * (number + 1)
    store.buckets[BUCKET]["emptydir/"] = b""  # a folder marker: may become a folder, nothing else
    before = _snapshot(tmp_path)

    result = s3cmd("get", "-r", f"s3://{BUCKET}/", "dest/")

    assert result.rc == 2, result.output
    dest = home / "dest"
    after = _snapshot(tmp_path)
    changed = {path for path in after if after[path] != before.get(path, b"missing")}
    outside = {path for path in changed if os.path.commonpath([path, dest]) != str(dest)}
    assert outside == set(), result.output
    for key in normal:
        assert (dest / key).read_bytes() == store.buckets[BUCKET][key], key
    assert (dest / "emptydir").is_dir()
    # every file holds the bytes of the one key that names it, so none holds another's
    written = {path: data for path, data in after.items() if path in changed and data is not None}
    assert set(written) == {str(dest / key) for key in normal}, sorted(written)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING:")]
    for key in hostile:
        named = f"s3://{BUCKET}/{key}"
        assert any(named in line for line in warnings), (key, result.stderr)
    assert "Traceback" not in result.output


def test_get_recursive_carries_on_past_a_failing_object(tmp_path: Path, keystore: tuple[str, KeyStore]) -> None:
    url, store = keystore
    s3cmd = _runner(tmp_path / "home", url)
    for key in ("a.txt", "denied.txt", "gone.txt", "z.txt"):
        store.buckets[BUCKET][key] = key.encode() * 3
    store.failing[(BUCKET, "denied.txt")] = ("AccessDenied", 403)
    store.failing[(BUCKET, "gone.txt")] = ("NoSuchKey", 404)  # vanished after the listing

    result = s3cmd("get", "-r", f"s3://{BUCKET}/", "dest/")

    assert result.rc == 2, result.output
    dest = s3cmd.home / "dest"
    assert sorted(os.listdir(dest)) == ["a.txt", "z.txt"]  # nothing half-written left behind
    assert (dest / "z.txt").read_bytes() == b"z.txt" * 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert "ERROR: Download of 'dest/denied.txt' failed (Reason: 403 (AccessDenied): AccessDenied)" in errors
    assert any(line.startswith("ERROR: Download of 'dest/gone.txt' failed (Reason: 404 (NoSuchKey)") for line in errors)


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.mark.parametrize("key", ["p/./x.txt", "p/../y.txt", "p/.", "q/.."])
def test_dot_segment_keys_reach_the_server_exactly(tmp_path: Path, keystore: tuple[str, KeyStore], key: str) -> None:
    url, store = keystore
    s3cmd = _runner(tmp_path / "home", url)
    objects = store.buckets[BUCKET]
    neighbours = {"p/x.txt": b"neighbour x", "y.txt": b"neighbour y", "p": b"neighbour p", "": b"", "q": b"q"}
    objects.update({k: v for k, v in neighbours.items() if k})
    source = tmp_path / "upload.bin"
    source.write_bytes(b"exact bytes of " + key.encode())

    put = s3cmd("put", str(source), f"s3://{BUCKET}/{key}")
    assert put.rc == 0, put.output
    assert objects[key] == source.read_bytes()
    assert all(objects[k] == v for k, v in neighbours.items() if k), "a neighbour was overwritten"

    get = s3cmd("get", f"s3://{BUCKET}/{key}", str(tmp_path / "got.bin"))
    assert get.rc == 0, get.output
    assert (tmp_path / "got.bin").read_bytes() == source.read_bytes()

    info = s3cmd("info", f"s3://{BUCKET}/{key}")
    assert info.rc == 0, info.output
    assert _md5(source.read_bytes()) in info.stdout

    listing = s3cmd("ls", f"s3://{BUCKET}/{key}")
    assert f"s3://{BUCKET}/{key}" in listing.stdout, listing.output

    copy = s3cmd("cp", f"s3://{BUCKET}/{key}", f"s3://{BUCKET}/{key}/./copy")
    assert copy.rc == 0, copy.output
    assert objects[f"{key}/./copy"] == source.read_bytes()
    move = s3cmd("mv", f"s3://{BUCKET}/{key}/./copy", f"s3://{BUCKET}/{key}/../moved")
    assert move.rc == 0, move.output
    assert objects[f"{key}/../moved"] == source.read_bytes() and f"{key}/./copy" not in objects

    delete = s3cmd("del", f"s3://{BUCKET}/{key}")
    assert delete.rc == 0, delete.output
    assert key not in objects
    assert all(objects[k] == v for k, v in neighbours.items() if k), "a neighbour was deleted"
    assert f"/{BUCKET}/{key}" in store.paths_seen


def test_signurl_carries_the_exact_key(tmp_path: Path, keystore: tuple[str, KeyStore]) -> None:
    url, store = keystore
    s3cmd = _runner(tmp_path / "home", url)
    store.buckets[BUCKET].update({"p/./x.txt": b"the dotted one", "p/x.txt": b"the plain one"})

    result = s3cmd("signurl", f"s3://{BUCKET}/p/./x.txt", "+600")

    assert result.rc == 0, result.output
    signed = result.stdout.strip()
    match = re.match(r"http://([^/]+)(/.*)", signed)
    assert match, signed
    assert match.group(2).startswith(f"/{BUCKET}/p/./x.txt?")
    connection = http.client.HTTPConnection(match.group(1), timeout=10)
    try:
        connection.request("GET", match.group(2))  # http.client sends the target as given
        assert connection.getresponse().read() == b"the dotted one"
    finally:
        connection.close()


def test_exact_key_goes_through_an_http_proxy(tmp_path: Path, keystore: tuple[str, KeyStore]) -> None:
    """The keystore answers absolute-form request targets, so it can stand in for the proxy."""
    url, store = keystore
    host, port = url.split("//", 1)[1].split(":")
    s3cmd = _runner(tmp_path / "home", "http://s3.invalid:80", proxy_host=host, proxy_port=port)
    source = tmp_path / "f"
    source.write_bytes(b"via proxy")

    result = s3cmd("put", str(source), f"s3://{BUCKET}/p/./x.txt")

    assert result.rc == 0, result.output
    assert store.buckets[BUCKET] == {"p/./x.txt": b"via proxy"}


def test_dot_segment_key_on_moto_is_signed_and_sent_exactly(  # type: ignore[no-untyped-def]
    s3cmd: S3cmdRunner, bucket: str, moto_server, identities, tmp_path: Path
) -> None:
    """moto verifies SigV4 over the path it receives, and boto3 (not our listing) checks the result."""
    boto = moto_server.client("s3", identities["admin"])
    boto.put_object(Bucket=bucket, Key="p/x.txt", Body=b"plain")
    source = tmp_path / "f"
    source.write_bytes(b"dotted")

    assert s3cmd("put", str(source), f"s3://{bucket}/p/./x.txt").rc == 0
    assert boto.get_object(Bucket=bucket, Key="p/./x.txt")["Body"].read() == b"dotted"
    assert boto.get_object(Bucket=bucket, Key="p/x.txt")["Body"].read() == b"plain"
    got = s3cmd("get", f"s3://{bucket}/p/./x.txt", str(tmp_path / "got"))
    assert got.rc == 0, got.output
    assert (tmp_path / "got").read_bytes() == b"dotted"
    info = s3cmd("info", f"s3://{bucket}/p/./x.txt")
    assert info.rc == 0 and _md5(b"dotted") in info.stdout, info.output
    assert s3cmd("del", f"s3://{bucket}/p/./x.txt").rc == 0
    keys = [item["Key"] for item in boto.list_objects(Bucket=bucket).get("Contents", [])]
    assert keys == ["p/x.txt"]


@pytest.mark.parametrize("key", ["a/..", "a/."])
def test_get_of_a_dot_named_key_needs_a_file_name(tmp_path: Path, keystore: tuple[str, KeyStore], key: str) -> None:
    url, store = keystore
    s3cmd = _runner(tmp_path / "top" / "home", url)
    store.buckets[BUCKET][key] = b"data"
    before = _snapshot(tmp_path)

    result = s3cmd("get", "--force", f"s3://{BUCKET}/{key}")

    assert result.rc == 64, result.output
    assert result.stderr.startswith("ERROR: Parameter problem: ") and "LOCAL_FILE" in result.stderr
    assert _snapshot(tmp_path) == before
    named = s3cmd("get", f"s3://{BUCKET}/{key}", "saved")
    assert named.rc == 0, named.output
    assert (s3cmd.home / "saved").read_bytes() == b"data"


def test_sync_down_keeps_hostile_keys_inside_the_destination(tmp_path: Path, keystore: tuple[str, KeyStore]) -> None:
    """``sync s3://… dir/`` maps keys to paths through the same guard as ``get -r``: a key that would
    land outside (or on another key's path) is skipped with a warning and fails the run (exit 2)."""
    url, store = keystore
    home = tmp_path / "outer" / "inner" / "home"
    s3cmd = _runner(home, url)
    absolute = str(tmp_path / "abs" / "x")
    normal = ["ok.txt", "a/b.txt", "deep/er/f.bin", ".hidden", "clash"]
    hostile = ["../x", "a/../../x", "../../../x", absolute, "a//b.txt", "./c", "a/./d", "withcontent/", "clash/inner"]
    for number, key in enumerate(normal + hostile):
        store.buckets[BUCKET][key] = f"object {number}: {key!r}\n".encode() * (number + 1)
    store.buckets[BUCKET]["emptydir/"] = b""
    before = _snapshot(tmp_path)

    result = s3cmd("sync", "--delete-removed", f"s3://{BUCKET}/", "dest/")

    assert result.rc == 2, result.output
    dest = home / "dest"
    after = _snapshot(tmp_path)
    changed = {path for path in after if after[path] != before.get(path, b"missing")}
    assert {path for path in changed if os.path.commonpath([path, dest]) != str(dest)} == set(), result.output
    for key in normal:
        assert (dest / key).read_bytes() == store.buckets[BUCKET][key], key
    assert (dest / "emptydir").is_dir()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING:")]
    for key in hostile:
        assert any(f"s3://{BUCKET}/{key}" in line for line in warnings), (key, result.stderr)
    assert "Traceback" not in result.output
    again = s3cmd("sync", "--delete-removed", f"s3://{BUCKET}/", "dest/")  # nothing local is deleted either
    assert again.rc == 2 and all((dest / key).exists() for key in normal), again.output
