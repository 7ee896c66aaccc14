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
