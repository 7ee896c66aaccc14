"""formats.shown / shown_lines: what an output line makes of a name's control characters."""

from __future__ import annotations

import pytest

from S3.output.formats import shown, shown_lines
from S3.s3.uri import S3Uri


@pytest.mark.parametrize(("name", "expected"), [
    ("plain/key.txt", "plain/key.txt"),
    ("caf\u00e9 \u65e5\u672c \\ back\tslash", "caf\u00e9 \u65e5\u672c \\ back\tslash"),  # printable and tab kept
    ("a\nb", "a\\nb"),
    ("a\rb", "a\\rb"),
    ("\x1b[2J\x00\x7f\x9b", "\\x1b[2J\\x00\\x7f\\x9b"),
    ("x\u202egpj.exe", "x\\u202egpj.exe"),  # a right-to-left override would show 'xexe.jpg'
])
def test_shown_escapes_controls_only(name: str, expected: str) -> None:
    assert shown(name) == expected
    assert shown(shown(name)) == shown(name)  # a line built from shown names may be shown again


def test_an_uri_is_shown_escaped_and_its_key_stays_raw() -> None:
    uri = S3Uri("b", "k\nx")
    assert str(uri) == "s3://b/k\\nx" and uri.key == "k\nx"


def test_shown_lines_keeps_its_own_line_breaks() -> None:
    assert shown_lines("one\ntwo\x1b\r") == "one\ntwo\\x1b\\r"
