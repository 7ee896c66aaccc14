"""Keys to local paths: a table of hostile and ordinary keys, and clashes within one run."""

from __future__ import annotations

import os

import pytest

from S3.transfer.localpath import LocalClaims, LocalTarget, Refusal, RefusalReason, local_target

R = RefusalReason
ROOT = os.path.join("tmp", "dest")

CASES: list[tuple[str, int, str | RefusalReason]] = [
    # (relative key, size, expected local path under ROOT or the refusal)
    ("a.txt", 5, "a.txt"),
    ("a/b/c.txt", 5, "a/b/c.txt"),
    ("..a", 1, "..a"),
    ("a..", 1, "a.."),
    (".hidden", 1, ".hidden"),
    ("a/...", 1, "a/..."),
    ("sp ace/ü.txt", 1, "sp ace/ü.txt"),
    ("back\\slash", 1, "back\\slash"),
    ("dir/", 0, "dir"),
    ("", 0, R.EMPTY),
    ("../x", 1, R.DOT_SEGMENT),
    ("..", 1, R.DOT_SEGMENT),
    ("a/../../x", 1, R.DOT_SEGMENT),
    ("a/..", 1, R.DOT_SEGMENT),
    ("./c", 1, R.DOT_SEGMENT),
    ("a/./d", 1, R.DOT_SEGMENT),
    (".", 1, R.DOT_SEGMENT),
    ("../", 0, R.DOT_SEGMENT),
    ("/abs/x", 1, R.ABSOLUTE),
    ("/", 0, R.ABSOLUTE),
    ("a//b", 1, R.EMPTY_SEGMENT),
    ("a//", 0, R.EMPTY_SEGMENT),
    ("a\0b", 1, R.NUL),
    ("dir/", 3, R.FOLDER_MARKER_WITH_CONTENT),
]


@pytest.mark.parametrize(("relative", "size", "expected"), CASES)
def test_local_target_table(relative: str, size: int, expected: str | RefusalReason) -> None:
    got = local_target(relative, ROOT, size=size)
    if isinstance(expected, RefusalReason):
        assert got == Refusal(relative, expected)
        assert got.describe()
    else:
        assert isinstance(got, LocalTarget)
        assert got.path == os.path.join(ROOT, *expected.split("/"))
        assert got.is_folder == relative.endswith("/")
        # the safety property itself: the path stays strictly below the root
        assert os.path.commonpath([os.path.abspath(ROOT), os.path.abspath(got.path)]) == os.path.abspath(ROOT)
        assert os.path.abspath(got.path) != os.path.abspath(ROOT)


def test_empty_root_means_the_current_directory() -> None:
    got = local_target("a/b", "")
    assert isinstance(got, LocalTarget) and got.path == os.path.join("a", "b")


def _claim_all(keys: list[str]) -> dict[str, Refusal | None]:
    claims = LocalClaims()
    results = {}
    for key in keys:
        target = local_target(key, ROOT)
        assert isinstance(target, LocalTarget)
        results[key] = claims.claim(target)
    return results


@pytest.mark.parametrize(
    ("keys", "refused"),
    [
        (["a", "a/b"], "a/b"),  # a file where a folder is needed
        (["a/b", "a"], "a"),  # a folder where a file is needed
        (["a", "a/"], "a/"),  # a folder marker over a file
        (["a/", "a"], "a"),
        (["a/b/c", "a/b"], "a/b"),
    ],
)
def test_clashes_refuse_the_later_key(keys: list[str], refused: str) -> None:
    results = _claim_all(keys)
    assert results[keys[0]] is None
    clash = results[refused]
    assert isinstance(clash, Refusal) and clash.reason is RefusalReason.CLASH
    assert keys[0] in clash.detail


def test_no_clash_between_siblings_and_shared_folders() -> None:
    assert set(_claim_all(["a/", "a/b", "a/c", "a/d/e", "ab", "a/d/"]).values()) == {None}
