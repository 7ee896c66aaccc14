"""Read and write the ``.s3cfg`` file format.

The format is s3cmd's: ``[section]`` headers (only ``[default]`` is used),
``key = value`` lines, ``#`` comments, values optionally in double quotes, and a
value of ``$NAME`` taken from the environment variable NAME. Unlike s3cmd, a
line that is none of these is an error naming the file and line, because a
silently ignored line is how a backup ends up using the wrong endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from S3.atomic import write_atomically
from S3.errors import ConfigError
from S3.settings.options import DEFAULTS, coerce

_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")
_DATA = re.compile(r"^\s*(?P<key>\w+)\s*=\s*(?P<value>.*?)\s*$")
_QUOTED = re.compile(r'^"(.*)"$')


@dataclass(frozen=True)
class RawOption:
    value: str
    line: int


def parse_text(text: str, *, path: str, section: str = "default") -> dict[str, RawOption]:
    """Return the raw values of ``section`` keyed by option name."""
    found: dict[str, RawOption] = {}
    in_section = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _SECTION.match(stripped)
        if header:
            in_section = header.group(1).strip() == section
            continue
        data = _DATA.match(line)
        if not data:
            raise ConfigError(f"{path}, line {number}: {_what_is_wrong(stripped)}")
        if in_section:
            value = data.group("value")
            quoted = _QUOTED.match(value)
            found[data.group("key")] = RawOption(quoted.group(1) if quoted else value, number)
    return found


_LEADING_NAME = re.compile(r"^(\w+)")


def _what_is_wrong(line: str) -> str:
    """Why ``line`` is not ``name = value`` nor ``[section]``, without a character of its value.

    The line may be a secret pasted on its own or after a typo (``secret_key SECRET``), so only an
    option name we know is ever quoted back.
    """
    if line.startswith("["):
        return "a '[section]' header without its closing ']'"
    if "=" in line:
        return "the name before '=' is not an option name (letters, digits, _)"
    name = _LEADING_NAME.match(line)
    if name and name.group(1) in DEFAULTS:
        return f"{name.group(1)!r} is not followed by '='; write '{name.group(1)} = VALUE'"
    return "expected 'name = value' or '[section]' (the line's text is not shown: it may hold a secret)"


def typed_options(
    raw: Mapping[str, RawOption], *, path: str, env: Mapping[str, str]
) -> dict[str, bool | int | str]:
    """Coerce known options to their types; unknown options are kept as strings."""
    values: dict[str, bool | int | str] = {}
    for name, option in raw.items():
        text = option.value
        if text.startswith("$"):
            text = env.get(text[1:], "")
            if not text:
                continue
        if name not in DEFAULTS:
            values[name] = text
            continue
        try:
            values[name] = coerce(name, text)
        except ValueError as bad:
            raise ConfigError(f"{path}, line {option.line}: {_without_env_value(str(bad), name, option.value)}") from None
    return values


def _without_env_value(message: str, name: str, raw: str) -> str:
    """``coerce`` quotes the bad value, which is fine for one written in the file; a value taken from
    ``$NAME`` is the environment's and may be a secret there, so name the variable instead."""
    if not raw.startswith("$"):
        return message
    expected = message.rsplit(", not ", 1)[0].removeprefix(name).strip()
    return f"{name}: the value of {raw} {expected}"


def read_file(path: str, *, env: Mapping[str, str]) -> dict[str, bool | int | str]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found. Run 's3cmd --configure' to create it, or give one with -c FILE"
        ) from None
    except (OSError, UnicodeDecodeError) as bad:
        reason = getattr(bad, "strerror", None) or str(bad)
        raise ConfigError(f"{path}: cannot read config file: {reason}") from None
    return typed_options(parse_text(text, path=path), path=path, env=env)


def render_text(items: Iterable[tuple[str, str]], *, section: str = "default") -> str:
    lines = [f"[{section}]"] + [f"{name} = {value}" for name, value in items]
    return "\n".join(lines) + "\n"


def write_file(path: str, text: str) -> None:
    """Write atomically with mode 0600: the file holds keys."""
    write_atomically(path, text.encode("utf-8"), mode=0o600)
