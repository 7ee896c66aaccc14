import os
from pathlib import Path

import pytest

from S3.atomic import atomic_file, write_atomically


def test_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_file(str(target)) as fd:
        os.write(fd, b"half of the new")
        raise KeyboardInterrupt
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    write_atomically(str(target), b"new", mode=0o600)
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o600


def test_a_new_file_gets_the_umask_mode_without_the_umask_being_touched(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Setting the umask to read it back is racy while worker threads create directories and
    files (they would get mode 0777/0666 in the window): it is read once, at import."""
    mask = os.umask(0o022)
    os.umask(mask)

    def no_umask(_: int) -> int:
        raise AssertionError("the umask was changed while writing")

    monkeypatch.setattr(os, "umask", no_umask)
    target = tmp_path / "f"
    with atomic_file(str(target), suffix=".part") as fd:
        os.write(fd, b"data")
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # beside it, until renamed
    assert target.read_bytes() == b"data"
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


@pytest.mark.parametrize("name", ["n" * 255, "é" * 127])
def test_a_name_at_the_length_limit_still_gets_its_temporary_file(tmp_path: Path, name: str) -> None:
    """A key's last segment may be up to 255 bytes: the temporary name beside it must still fit."""
    target = tmp_path / name
    write_atomically(str(target), b"long")
    assert target.read_bytes() == b"long" and [p.name for p in tmp_path.iterdir()] == [name]
