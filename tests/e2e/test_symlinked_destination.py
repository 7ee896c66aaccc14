"""Downloads never write through a symbolic link below the destination they were given.

A key ``sub/x`` lands in ``DEST/sub/x``; when ``DEST/sub`` is a link (to a folder outside DEST, or
inside it), the key is skipped with a warning and the run exits 2, whatever the command (``get -r``,
``get`` with a wildcard, ``sync`` S3 → local with or without ``--delete-removed``); the other keys
are still downloaded. The destination itself may be a link: the user named it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner

KEYS = {"sub/x": b"through the link\n", "top": b"at the top\n", "real/y": b"in a real folder\n"}


@pytest.fixture
def loaded(s3cmd: S3cmdRunner, bucket: str) -> str:
    """The bucket with KEYS (``sub/x`` is the one a link would carry elsewhere)."""
    source = s3cmd.home / "source"
    for key, data in KEYS.items():
        (source / key).parent.mkdir(parents=True, exist_ok=True)
        (source / key).write_bytes(data)
    result = s3cmd("put", "-r", f"{source}/", f"s3://{bucket}/")
    assert result.rc == 0, result.output
    return bucket


def _warning(bucket: str, link: str) -> str:
    return (f"WARNING: Skipping 's3://{bucket}/sub/x': its local path goes through a symbolic link "
            f"('{link}'); nothing written for it")


def _commands(bucket: str) -> dict[str, list[str]]:
    return {
        "get -r": ["get", "-r", f"s3://{bucket}/", "DEST/"],
        "get -r --force": ["get", "-r", "--force", f"s3://{bucket}/", "DEST/"],
        # '*/*' lists the whole bucket (a wildcard after a '/'), names below '' : 'sub/x', 'real/y'
        "get wildcard": ["get", f"s3://{bucket}/*/*", f"s3://{bucket}/top", "DEST/"],
        "sync": ["sync", f"s3://{bucket}/", "DEST/"],
        "sync --delete-removed": ["sync", "--delete-removed", f"s3://{bucket}/", "DEST/"],
    }


COMMANDS = list(_commands("b"))


def _assert_rest_downloaded(dest: Path) -> None:
    assert (dest / "top").read_bytes() == KEYS["top"]
    assert (dest / "real" / "y").read_bytes() == KEYS["real/y"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_link_to_a_folder_outside_is_not_written_through(s3cmd: S3cmdRunner, loaded: str, command: str) -> None:
    home = s3cmd.home
    outside = home / "outside"
    outside.mkdir()
    (outside / "keep").write_bytes(b"not ours\n")  # --delete-removed must not reach it either
    dest = home / "DEST"
    dest.mkdir()
    (dest / "sub").symlink_to("../outside")

    result = s3cmd(*_commands(loaded)[command])

    assert result.rc == 2, result.output
    assert sorted(os.listdir(outside)) == ["keep"], result.output
    assert (outside / "keep").read_bytes() == b"not ours\n"
    assert _warning(loaded, "DEST/sub") in result.stderr.splitlines(), result.output
    assert "Traceback" not in result.output
    assert (dest / "sub").is_symlink()  # left as it was: neither followed nor replaced
    _assert_rest_downloaded(dest)


@pytest.mark.parametrize("command", ["get -r", "sync"])
def test_a_link_to_a_folder_inside_the_destination_is_refused_too(s3cmd: S3cmdRunner, loaded: str,
                                                                  command: str) -> None:
    """The simplest rule that is safe: any link below the root is refused, wherever it points."""
    dest = s3cmd.home / "DEST"
    (dest / "elsewhere").mkdir(parents=True)
    (dest / "sub").symlink_to("elsewhere")

    result = s3cmd(*_commands(loaded)[command])

    assert result.rc == 2, result.output
    assert os.listdir(dest / "elsewhere") == [], result.output
    assert _warning(loaded, "DEST/sub") in result.stderr.splitlines(), result.output
    _assert_rest_downloaded(dest)


@pytest.mark.parametrize("command", ["get -r", "sync"])
def test_a_deeper_link_is_refused(s3cmd: S3cmdRunner, bucket: str, command: str) -> None:
    """A link two folders down (``DEST/a/b``): the folders above it are real, it is not."""
    source = s3cmd.home / "source"
    (source / "a" / "b").mkdir(parents=True)
    (source / "a" / "b" / "z").write_bytes(b"deep\n")
    (source / "a" / "ok").write_bytes(b"ok\n")
    assert s3cmd("put", "-r", f"{source}/", f"s3://{bucket}/").rc == 0
    outside = s3cmd.home / "outside"
    outside.mkdir()
    (s3cmd.home / "DEST" / "a").mkdir(parents=True)
    (s3cmd.home / "DEST" / "a" / "b").symlink_to(outside)
    args = ["get", "-r"] if command == "get -r" else ["sync"]

    result = s3cmd(*args, f"s3://{bucket}/", "DEST/")

    assert result.rc == 2, result.output
    assert os.listdir(outside) == [], result.output
    assert (f"WARNING: Skipping 's3://{bucket}/a/b/z': its local path goes through a symbolic link "
            "('DEST/a/b'); nothing written for it") in result.stderr.splitlines(), result.output
    assert (s3cmd.home / "DEST" / "a" / "ok").read_bytes() == b"ok\n"


@pytest.mark.parametrize("command", ["get -r", "sync"])
def test_a_destination_that_is_a_link_is_written_into_but_not_a_link_below_it(
    s3cmd: S3cmdRunner, loaded: str, command: str
) -> None:
    """The root is followed (the user named it); the link in the folder it points to is not."""
    home = s3cmd.home
    (home / "real").mkdir()
    (home / "outside").mkdir()
    (home / "real" / "sub").symlink_to("../outside")
    (home / "DEST").symlink_to("real")

    result = s3cmd(*_commands(loaded)[command])

    assert result.rc == 2, result.output
    assert os.listdir(home / "outside") == [], result.output
    assert _warning(loaded, "DEST/sub") in result.stderr.splitlines(), result.output
    _assert_rest_downloaded(home / "real")


@pytest.mark.parametrize("command", ["get -r", "sync", "get wildcard"])
def test_a_destination_that_is_a_link_still_works(s3cmd: S3cmdRunner, loaded: str, command: str) -> None:
    """A guard for the root rule (it passes before the fix as well): nothing refused, exit 0."""
    home = s3cmd.home
    (home / "real").mkdir()
    (home / "DEST").symlink_to("real")

    result = s3cmd(*_commands(loaded)[command])

    assert result.rc == 0, result.output
    assert "WARNING" not in result.stderr, result.output
    _assert_rest_downloaded(home / "real")
    assert (home / "real" / "sub" / "x").read_bytes() == KEYS["sub/x"]


def test_folder_markers_behind_a_link_are_not_made_through_it(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    """Markers 'sub/' and 'sub/deep/' with DEST/sub a link outside: s3cmd's 'Skipping over symbolic
    link' for the first, the usual refusal for the second, and no folder made outside."""
    for key in ("m/sub/", "m/sub/deep/", "m/top"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"" if key.endswith("/") else b"t")
    home = s3cmd.home
    (home / "outside").mkdir()
    (home / "DEST").mkdir()
    os.symlink(home / "outside", home / "DEST" / "sub")
    result = s3cmd("sync", f"s3://{bucket}/m/", "DEST/")
    assert result.rc == 2, result.output
    assert "WARNING: Skipping over symbolic link: DEST/sub" in result.stderr.splitlines(), result.output
    assert "its local path goes through a symbolic link ('DEST/sub')" in result.stderr, result.output
    assert list((home / "outside").iterdir()) == [] and (home / "DEST" / "top").read_bytes() == b"t"
