"""Paths made from keys are never written through a symbolic link below their root.

``ensure_folders`` (via ``make_parent``) and ``atomic_file`` check the folders with O_NOFOLLOW when the
file is written; ``LocalClaims`` refuses up front a key whose folders go through a link already there.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from S3 import ExitCodes
from S3.atomic import ContainedPath, ThroughSymlink, accept_writes, atomic_file, ensure_folders
from S3.errors import LocalFileError
from S3.transfer.localpath import LocalClaims, LocalTarget, Refusal, RefusalReason, SymlinkInPath, local_target
from S3.transfer.objects import download_one, make_parent


@pytest.fixture(autouse=True)
def fresh_run() -> Iterator[None]:
    """Each test is a run of its own: no folder checked by another test is taken as checked."""
    accept_writes()
    yield
    accept_writes()


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """dest/ with dest/sub -> ../outside, the current directory being tmp_path (paths as a user types them)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "sub").symlink_to("../outside")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_is_the_path_it_names_and_survives_a_pickle() -> None:
    path = ContainedPath("dest/", ("a", "b"))
    assert path == os.path.join("dest/", "a", "b") and isinstance(path, str)
    again = pickle.loads(pickle.dumps(path))
    assert again == path and again.root == "dest/" and again.below == ("a", "b")


def test_make_parent_refuses_a_link_below_the_root(tree: Path) -> None:
    with pytest.raises(SymlinkInPath) as refused:
        make_parent(ContainedPath("dest/", ("sub", "deeper", "x")))
    assert refused.value.exit_code == ExitCodes.EX_PARTIAL
    assert str(refused.value) == ("Cannot write 'dest/sub/deeper/x': its local path goes through a symbolic link "
                                  "('dest/sub'); nothing written for it")
    # what the callers print for a key skipped up front, ready for one refused at the last moment
    assert refused.value.refusal == Refusal("sub/deeper/x", RefusalReason.SYMLINK, "'dest/sub'")
    assert os.listdir(tree / "outside") == []


def test_a_deeper_link_and_a_link_inside_the_destination_are_refused_too(tree: Path) -> None:
    (tree / "dest" / "a").mkdir()
    (tree / "dest" / "inside").mkdir()
    (tree / "dest" / "a" / "b").symlink_to("../inside")
    with pytest.raises(ThroughSymlink) as refused:
        ensure_folders(ContainedPath("dest", ("a", "b", "x")), create=True)
    assert refused.value.link == os.path.join("dest", "a", "b")
    assert os.listdir(tree / "dest" / "inside") == []


def test_the_root_may_be_a_link_and_missing_folders_are_made(tree: Path) -> None:
    (tree / "real").mkdir()
    (tree / "linkroot").symlink_to("real")
    make_parent(ContainedPath("linkroot/", ("a", "b", "x")))
    assert (tree / "real" / "a" / "b").is_dir()
    make_parent(ContainedPath("new/root/", ("c", "x")))  # a missing root is made as named
    assert (tree / "new" / "root" / "c").is_dir()
    make_parent(ContainedPath("", ("top", "x")))  # the current directory
    assert (tree / "top").is_dir()
    make_parent(ContainedPath("flat/", ("x",)))  # a file right in a missing root: the root is made
    assert (tree / "flat").is_dir()


def test_a_file_where_a_folder_is_needed_is_an_ordinary_error(tree: Path) -> None:
    (tree / "dest" / "file").write_bytes(b"")
    with pytest.raises(LocalFileError) as failed:
        make_parent(ContainedPath("dest/", ("file", "x")))
    assert not isinstance(failed.value, ThroughSymlink)
    assert failed.value.exit_code == ExitCodes.EX_IOERR


def test_a_link_made_at_the_moment_the_folder_is_created_is_refused(tree: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone plants the link between the check that finds the folder missing and our mkdir."""
    real_mkdir = os.mkdir

    def raced(name: str, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        os.symlink(str(tree / "outside"), name, dir_fd=dir_fd)
        real_mkdir(name, mode, dir_fd=dir_fd)  # FileExistsError, as the real race gives it

    monkeypatch.setattr(os, "mkdir", raced)
    with pytest.raises(SymlinkInPath):
        make_parent(ContainedPath("dest/", ("fresh", "x")))
    assert os.listdir(tree / "outside") == []


def test_a_checked_folder_costs_no_system_call_for_the_next_file(tree: Path) -> None:
    make_parent(ContainedPath("dest/", ("a", "b", "first")))

    def no_call(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a checked folder was looked at again")

    with pytest.MonkeyPatch.context() as patched:  # its own: the fixture's chdir stays
        for name in ("open", "stat", "lstat", "mkdir", "makedirs"):
            patched.setattr(os, name, no_call)
        for number in range(100):
            make_parent(ContainedPath("dest/", ("a", "b", f"f{number}")))
    accept_writes()  # a new run checks again
    (tree / "dest" / "a" / "b").rmdir()
    (tree / "dest" / "a" / "b").symlink_to("../../outside")
    with pytest.raises(SymlinkInPath):
        make_parent(ContainedPath("dest/", ("a", "b", "again")))


def test_atomic_file_refuses_a_path_whose_folders_were_not_checked(tree: Path) -> None:
    with pytest.raises(ThroughSymlink) as refused, atomic_file(ContainedPath("dest/", ("sub", "x"))) as fd:
        os.write(fd, b"never")
    # an OSError: the callers' "Cannot write 'dest/sub/x': <strerror>" names the link
    assert refused.value.strerror == "its local path goes through a symbolic link ('dest/sub')"
    assert os.listdir(tree / "outside") == []
    with atomic_file(ContainedPath("dest/", ("y",))) as fd:  # in the root: nothing to check
        os.write(fd, b"fine")
    assert (tree / "dest" / "y").read_bytes() == b"fine"


def test_a_user_named_path_is_followed_as_named(tree: Path) -> None:
    make_parent("dest/sub/x")  # a plain str: 'get s3://b/k dest/sub/x' names that path itself
    with atomic_file("dest/sub/x") as fd:
        os.write(fd, b"asked for")
    assert (tree / "outside" / "x").read_bytes() == b"asked for"


def test_download_one_turns_the_refusal_into_a_per_file_result(tree: Path) -> None:
    """What sync does with it: a failed Result with exit 2, not an exception; nothing is fetched."""
    result = download_one(None, "b", "sub/x", ContainedPath("dest/", ("sub", "x")),  # type: ignore[arg-type]
                          fetch=None, preserve=False, gpg_settings=None)  # type: ignore[arg-type]
    assert isinstance(result.error, SymlinkInPath) and result.exit_code == ExitCodes.EX_PARTIAL


def _claim(claims: LocalClaims, key: str, root: str = "dest/") -> Refusal | None:
    target = local_target(key, root)
    assert isinstance(target, LocalTarget)
    return claims.claim(target)


def test_claims_refuse_a_key_below_a_link_once_per_folder(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "dest" / "real").mkdir()
    looked: list[str] = []
    real_lstat = os.lstat

    def counted(path: str) -> os.stat_result:
        looked.append(path)
        return real_lstat(path)

    monkeypatch.setattr(os, "lstat", counted)
    claims = LocalClaims()
    assert _claim(claims, "sub/x") == Refusal("sub/x", RefusalReason.SYMLINK, "'dest/sub'")
    assert _claim(claims, "sub/deeper/y") == Refusal("sub/deeper/y", RefusalReason.SYMLINK, "'dest/sub'")
    assert _claim(claims, "sub/") is None  # the marker's own folder: its mkdir writes nothing through it
    for number in range(50):
        assert _claim(claims, f"real/f{number}") is None
        assert _claim(claims, f"missing/deep/f{number}") is None
        assert _claim(claims, f"top{number}") is None
    assert sorted(looked) == ["dest/missing", "dest/real", "dest/sub"]  # below a missing folder: nothing to see
    refused = _claim(LocalClaims(), "sub/x")
    assert refused is not None and refused.describe() == "its local path goes through a symbolic link ('dest/sub')"
